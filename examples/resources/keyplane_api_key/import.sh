# A key is imported by its id. Keyplane shows a key's secret only once, so an imported key's secret is
# null in state, and pgp_key or output_to_secret_store are adopted without delivering it; use
# `terraform apply -replace` if you need a new key whose secret you can read.
terraform import keyplane_api_key.deployer key_0123456789abcdef

# A key is imported by its id. Keyplane shows a key's secret only once, so an imported key's secret is
# null in state, and pgp_key or output_to_secret_store are adopted without delivering it; use
# `terraform apply -replace` (a new key) or a rotation block (the same key, a new secret) if you need a
# secret you can read.
terraform import keyplane_api_key.deployer key_0123456789abcdef

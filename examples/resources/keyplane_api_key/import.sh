# A key is imported by its id. Keyplane shows a key's secret only once, so an imported key's secret is
# null in state; replace the key (with pgp_key or output_to_secret_store) if you need it.
terraform import keyplane_api_key.deployer key_0123456789abcdef

# A secret is imported by its id.
terraform import keyplane_secret.billing sec_0123456789abcdef

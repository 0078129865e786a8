# A service account is imported by its id.
terraform import keyplane_service_account.deployer sa_0123456789abcdef

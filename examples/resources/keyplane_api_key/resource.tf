# A key for the billing service's deploy pipeline, written straight into Keyplane's secret store: the
# secret never enters Terraform state. Changing output_to_secret_store moves it; the key stays.
resource "keyplane_service_account" "deployer" {
  name = "billing-deployer"
  role = "developer"
}

resource "keyplane_secret" "deployer_credentials" {
  name = "billing-deployer-credentials"
}

resource "keyplane_api_key" "deployer" {
  name               = "billing-deploy"
  description        = "Used by CI to deploy the billing service"
  service_account_id = keyplane_service_account.deployer.id
  expires_at         = "2099-01-01T00:00:00+01:00"
  labels = {
    team = "billing"
  }

  output_to_secret_store {
    secret_id = keyplane_secret.deployer_credentials.id
    entry_key = "KEYPLANE_API_KEY"
  }

  # Change a keeper to rotate the key.
  keepers = {
    rotation = "2026-q4"
  }
}

# A key handed to a person: only the holder of the PGP private key can read encrypted_secret
# (terraform output -raw oncall_encrypted_secret | gpg --decrypt, or without gpg:
# ... | keyplane pgp decrypt --private-key private.asc; keyplane pgp generate-key makes a pair).
resource "keyplane_api_key" "oncall" {
  name    = "oncall-readonly"
  role    = "viewer"
  pgp_key = file("${path.module}/oncall.pub.asc")
}

output "oncall_encrypted_secret" {
  value = keyplane_api_key.oncall.encrypted_secret
}

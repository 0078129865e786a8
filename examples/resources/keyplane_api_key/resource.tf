# A key for the billing service's deploy pipeline. The service writes its secret straight into Keyplane's
# secret store, in the same transaction as the key: it never reaches Terraform. Deleting the key removes its
# entry; other entries of the secret stay.
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

  # Rotated in place every 30 days, or when a trigger changes: the same key id gets a new secret in the
  # same entry, and the previous one keeps working for 24 hours while consumers pick up the new one.
  rotation {
    triggers = {
      rotation = "2026-q4"
    }
    overlap      = "24h"
    rotate_after = "720h"
  }
}

# A key handed to a person: the service encrypts it, and only the holder of the PGP private key can read encrypted_secret
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

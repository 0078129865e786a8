# The quickstart: keys for a CI pipeline, declared in HCL. `npm run quickstart` applies this against the
# embedded Keyplane service it starts; the provider reads KEYPLANE_ENDPOINT and KEYPLANE_API_KEY.
terraform {
  required_providers {
    keyplane = {
      source  = "keyplane/keyplane"
      version = "~> 0.1"
    }
  }
}

provider "keyplane" {}

# The identity the pipeline's keys belong to; they act at most as developers.
resource "keyplane_service_account" "ci" {
  name        = "quickstart-ci"
  description = "Deploys from CI (quickstart)"
  role        = "developer"
}

# Keys on this list work only from this machine.
resource "keyplane_ip_allow_list" "local" {
  name        = "quickstart-local"
  description = "This machine only"
  cidrs       = ["127.0.0.1", "::1"]
}

# Where the pipeline reads its key from: Keyplane's versioned secret store.
resource "keyplane_secret" "ci" {
  name        = "quickstart-ci-credentials"
  description = "The CI pipeline's Keyplane key"
}

# The pipeline's key. Its secret is written to the secret store and never enters Terraform state.
resource "keyplane_api_key" "ci" {
  name               = "quickstart-ci-key"
  description        = "Used by CI to deploy (quickstart)"
  service_account_id = keyplane_service_account.ci.id
  allow_list_ids     = [keyplane_ip_allow_list.local.id]
  labels = {
    env = "quickstart"
  }

  output_to_secret_store {
    secret_id = keyplane_secret.ci.id
    entry_key = "KEYPLANE_API_KEY"
  }
}

# A key handed to a person: state holds it only encrypted to their PGP public key.
resource "keyplane_api_key" "oncall" {
  name    = "quickstart-oncall"
  role    = "viewer"
  pgp_key = file(var.pgp_public_key_file)
  labels = {
    env = "quickstart"
  }
}

# Every active quickstart key, as the service lists them.
data "keyplane_api_keys" "quickstart" {
  status = "active"
  labels = {
    env = "quickstart"
  }
  depends_on = [keyplane_api_key.ci, keyplane_api_key.oncall]
}

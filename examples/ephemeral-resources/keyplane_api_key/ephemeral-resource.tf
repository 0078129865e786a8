# A key that exists for this run only: created when Terraform opens it, expiring 30 minutes later unless
# the run still needs it, and revoked when the run is over. Neither the key nor its id enter plan or state.
ephemeral "keyplane_api_key" "ci_run" {
  name = "ci-run"
  role = "viewer"
  ttl  = "30m"
  labels = {
    purpose = "ci"
  }
}

# Configure a second provider instance with it, acting with the run key's narrower role.
provider "keyplane" {
  alias   = "ci_run"
  api_key = ephemeral.keyplane_api_key.ci_run.secret
}

data "keyplane_scopes" "as_ci_run" {
  provider = keyplane.ci_run
}

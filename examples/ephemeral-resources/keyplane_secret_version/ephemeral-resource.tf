variable "secret_id" {
  description = "Secret holding the API key the reporting job uses (sec_...), for example written by keyplane_api_key's output_to_secret_store."
  type        = string
}

# Read the latest version of the secret for this run only: the entries never enter plan or state.
ephemeral "keyplane_secret_version" "reporter" {
  secret_id = var.secret_id
}

# Use the stored key to configure a second instance of the provider.
provider "keyplane" {
  alias   = "reporter"
  api_key = ephemeral.keyplane_secret_version.reporter.entries["api_key"]
}

data "keyplane_scopes" "as_reporter" {
  provider = keyplane.reporter
}

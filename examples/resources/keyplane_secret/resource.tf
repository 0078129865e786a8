# A container in Keyplane's secret store; keyplane_api_key's output_to_secret_store (or the CLI) writes
# versions into it. Terraform never reads the entries into state.
resource "keyplane_secret" "billing" {
  name        = "billing-service"
  description = "Credentials the billing service reads at start-up"
}

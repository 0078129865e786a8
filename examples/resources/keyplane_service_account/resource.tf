# An identity for the billing service's deploy pipeline; its keys act at most as developers.
resource "keyplane_service_account" "deployer" {
  name        = "billing-deployer"
  description = "Deploys the billing service from CI"
  role        = "developer"
}

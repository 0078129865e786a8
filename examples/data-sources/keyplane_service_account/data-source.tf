resource "keyplane_service_account" "reporter" {
  name = "nightly-reporter"
}

# Look a service account up by name (or by id).
data "keyplane_service_account" "reporter" {
  name = keyplane_service_account.reporter.name
}

output "reporter_role" {
  value = data.keyplane_service_account.reporter.role
}

# Every active key of the platform team whose name starts with "ci-".
data "keyplane_api_keys" "platform_ci" {
  status      = "active"
  name_prefix = "ci-"
  labels = {
    team = "platform"
  }
}

output "platform_ci_key_ids" {
  value = data.keyplane_api_keys.platform_ci.ids
}

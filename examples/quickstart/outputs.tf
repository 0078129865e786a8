output "service_account_id" {
  value = keyplane_service_account.ci.id
}

output "ci_key_id" {
  value = keyplane_api_key.ci.id
}

# SECRET_ID/VERSION: read it with `keyplane secret read SECRET_ID VERSION --entry KEYPLANE_API_KEY`.
output "ci_key_secret_store_version" {
  value = keyplane_api_key.ci.secret_store_version_id
}

output "oncall_key_id" {
  value = keyplane_api_key.oncall.id
}

output "oncall_key_fingerprint" {
  value = keyplane_api_key.oncall.key_fingerprint
}

# Decrypt with `terraform output -raw oncall_encrypted_secret | keyplane pgp decrypt --private-key private.asc`.
output "oncall_encrypted_secret" {
  value = keyplane_api_key.oncall.encrypted_secret
}

output "active_quickstart_key_ids" {
  value = data.keyplane_api_keys.quickstart.ids
}

variable "key_id" {
  description = "Id of the key to look at (key_...)."
  type        = string
}

# Look a key up by id: is it still active, and when and from where was it last used?
data "keyplane_api_key" "ci" {
  id = var.key_id
}

output "ci_key_last_used" {
  value = {
    status       = data.keyplane_api_key.ci.status
    last_used_at = data.keyplane_api_key.ci.last_used_at
    last_used_ip = data.keyplane_api_key.ci.last_used_ip
  }
}

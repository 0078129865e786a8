# endpoint and api_key fall back to KEYPLANE_ENDPOINT and KEYPLANE_API_KEY. The key may come from an
# ephemeral variable (or an ephemeral resource), so it is never stored in plan or state.
variable "keyplane_api_key" {
  type      = string
  sensitive = true
  ephemeral = true
  default   = null
}

provider "keyplane" {
  # endpoint   = "https://keyplane.internal:7420"
  # ca_cert_file = "/etc/keyplane/ca.pem"
  api_key                 = var.keyplane_api_key
  request_timeout_seconds = 30
  max_retries             = 3
}

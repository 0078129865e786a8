variable "pgp_public_key_file" {
  type        = string
  description = "ASCII-armored OpenPGP public key the oncall key's secret is encrypted to (keyplane pgp generate-key writes one)."
}

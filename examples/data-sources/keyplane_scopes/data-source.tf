# The scope catalogue: built-in keyplane.* scopes and the custom scopes admins registered.
data "keyplane_scopes" "all" {}

output "custom_scopes" {
  value = [for s in data.keyplane_scopes.all.scopes : s.name if !s.builtin]
}

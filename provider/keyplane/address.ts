/** The provider's source address as Terraform spells it in full (the registry host is implied in HCL). */
export const PROVIDER_ADDRESS = 'registry.terraform.io/keyplane/keyplane';

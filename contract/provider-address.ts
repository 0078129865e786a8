/**
 * The provider's address, as users write it in `required_providers` (`keyplane/keyplane`, or
 * `HOST/keyplane/keyplane` through a registry of their own, such as the service's: service/registry/): its
 * namespace and type, which name its release files too (`terraform-provider-TYPE_VERSION_OS_ARCH.zip`).
 */
export const PROVIDER_NAMESPACE = 'keyplane';
export const PROVIDER_TYPE = 'keyplane';
/** The address as Terraform spells it in full (the public registry's host is implied in HCL). */
export const PROVIDER_ADDRESS = `registry.terraform.io/${PROVIDER_NAMESPACE}/${PROVIDER_TYPE}`;

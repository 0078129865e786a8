/** The provider's source address as Terraform spells it in full (the registry host is implied in HCL). */
export { PROVIDER_ADDRESS } from '../../contract/provider-address';

/**
 * @module keyplane/registration
 * Every type the provider registers: its resources, data sources and ephemeral resources. A type is listed
 * once its end-to-end tests (test/e2e/keyplane.*) apply and destroy its examples.
 */
import type { DataSourceFactory, EphemeralResourceFactory, ResourceFactory } from '../sdk';
import { ApiKeyResource } from './api-key/resource';
import { ApiKeyDataSource } from './data-sources/api-key';
import { ApiKeysDataSource } from './data-sources/api-keys';
import { ServiceAccountDataSource } from './data-sources/service-account';
import { ScopesDataSource } from './data-sources/scopes';
import { ApiKeyEphemeralResource } from './ephemeral/api-key';
import { SecretVersionEphemeralResource } from './ephemeral/secret-version';
import { IpAllowListResource } from './ip-allow-list/resource';
import { SecretResource } from './secret/resource';
import { ServiceAccountResource } from './service-account/resource';

export const resources: readonly ResourceFactory[] = [
  () => new ApiKeyResource(),
  () => new ServiceAccountResource(),
  () => new IpAllowListResource(),
  () => new SecretResource(),
];

export const dataSources: readonly DataSourceFactory[] = [
  () => new ApiKeyDataSource(),
  () => new ApiKeysDataSource(),
  () => new ServiceAccountDataSource(),
  () => new ScopesDataSource(),
];

export const ephemeralResources: readonly EphemeralResourceFactory[] = [() => new ApiKeyEphemeralResource(), () => new SecretVersionEphemeralResource()];

/**
 * The API contract: the request and response schemas of every route under `/v1`, by area. The service
 * validates and serialises with them; client/ types itself from them (types only, so no schema code loads in
 * the CLI or the provider).
 * @module
 */
export * from './allow-lists';
export * from './api-keys';
export * from './audit';
export * from './common';
export * from './console';
export * from './delivery';
export * from './scopes';
export * from './secrets';
export * from './service-accounts';
export * from './users';
export * from './verify';

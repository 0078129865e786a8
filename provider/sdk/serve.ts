/**
 * @module sdk/serve
 * The SDK's entry point for a provider's executable: `serve` runs the plugin process (handshake, AutoMTLS,
 * gRPC services) around a ProviderServer. It loads only node built-ins and the transport before the
 * handshake; the executable's `server` factory loads the provider, and with it the framework (`provider/sdk`),
 * after it, so Terraform's 3 to 5 starts per command stay fast (README.md, "Public entry points").
 */
export { serve, type ServeOptions } from './transport/serve';
export type { ProviderServer } from './protocol/types';
export type * as protocol from './protocol/types';

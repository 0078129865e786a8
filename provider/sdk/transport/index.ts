/**
 * @module transport
 * The provider process and its wire: handshake, AutoMTLS, the unix socket, go-plugin's services and
 * tfplugin6.Provider over gRPC, logging, crashes, debug mode. A provider's main calls `serve`.
 */
export { serve } from './serve';
export type { ServeOptions } from './serve';
export { createLogger, thresholdFromEnv } from './logger';
export type { HclogLogger, LogLevel } from './logger';
export { StopRequestedError } from './stop';

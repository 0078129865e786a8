/**
 * @module transport/stop
 * The reason a call's AbortSignal carries after Terraform's StopProvider. Its own module so that providers
 * can test for it without loading the gRPC half of the transport.
 */
export class StopRequestedError extends Error {
  override readonly name = 'AbortError';
  readonly code = 'SDK_STOP_REQUESTED';
  constructor() {
    super('Terraform asked the provider to stop (StopProvider)');
  }
}

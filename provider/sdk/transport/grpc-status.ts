/**
 * @module transport/grpc-status
 * gRPC status codes and how a status travels: the `grpc-status` and `grpc-message` trailers of
 * gRPC over HTTP/2 (grpc/grpc, doc/PROTOCOL-HTTP2.md). Only the codes this server sends are named.
 */

/** The gRPC status codes this server answers with (google.rpc.Code numbering). */
export const GrpcStatus = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  NOT_FOUND: 5,
  RESOURCE_EXHAUSTED: 8,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
} as const;

export type GrpcStatusCode = (typeof GrpcStatus)[keyof typeof GrpcStatus];

/** A call that ends with a status other than OK: throw it from a handler. */
export class GrpcError extends Error {
  constructor(
    readonly code: GrpcStatusCode,
    message: string,
  ) {
    super(message);
    this.name = 'GrpcError';
  }
}

/**
 * `grpc-message` is percent-encoded UTF-8: bytes outside printable ASCII, and '%' itself, as %XX
 * (PROTOCOL-HTTP2.md, "Status-Message"), so any text survives an HTTP/2 header.
 */
export function encodeStatusMessage(message: string): string {
  let out = '';
  for (const byte of Buffer.from(message, 'utf8')) {
    out += byte >= 0x20 && byte <= 0x7e && byte !== 0x25 ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * @module transport/grpc-frames
 * gRPC's length-prefixed messages on an HTTP/2 stream (grpc/grpc, doc/PROTOCOL-HTTP2.md,
 * "Length-Prefixed-Message"): one byte of compression flag, a 4-byte big-endian length, the message.
 * Data frames cut messages anywhere, so the reader reassembles them across chunks.
 */
import { GrpcError, GrpcStatus } from './grpc-status';

const PREFIX = 5;

/** One message, prefixed for the wire (never compressed: Terraform does not ask for it). */
export function frame(message: Buffer): Buffer {
  const out = Buffer.allocUnsafe(PREFIX + message.length);
  out[0] = 0;
  out.writeUInt32BE(message.length, 1);
  message.copy(out, PREFIX);
  return out;
}

/**
 * Collects the messages of one stream from its data chunks. A message over `maxBytes` fails as
 * RESOURCE_EXHAUSTED before any of it is held, and a compressed one as UNIMPLEMENTED: this server
 * announces no compression, so a client that compresses anyway broke the protocol.
 */
export class MessageReader {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** The length of the message being read, once its prefix is in; -1 while waiting for a prefix. */
  private expected = -1;

  constructor(
    private readonly maxBytes: number,
    private readonly onMessage: (message: Buffer) => void,
  ) {}

  /** True when no message is partly read: a stream that ends here ended cleanly. */
  get idle(): boolean {
    return this.pendingBytes === 0 && this.expected < 0;
  }

  /** Throws a GrpcError when the stream breaks the framing rules. */
  push(chunk: Buffer): void {
    let data = chunk;
    if (this.pendingBytes > 0) {
      this.pending.push(chunk);
      data = Buffer.concat(this.pending, this.pendingBytes + chunk.length);
      this.pending = [];
      this.pendingBytes = 0;
    }
    let at = 0;
    for (;;) {
      if (this.expected < 0) {
        if (data.length - at < PREFIX) break;
        if (data[at] !== 0) throw new GrpcError(GrpcStatus.UNIMPLEMENTED, 'received a compressed message; this server accepts only uncompressed messages');
        const length = data.readUInt32BE(at + 1);
        if (length > this.maxBytes) {
          throw new GrpcError(GrpcStatus.RESOURCE_EXHAUSTED, `received a message of ${length} bytes, more than the ${this.maxBytes} this server accepts`);
        }
        this.expected = length;
        at += PREFIX;
      }
      if (data.length - at < this.expected) break;
      const message = data.subarray(at, at + this.expected);
      at += this.expected;
      this.expected = -1;
      this.onMessage(message);
    }
    if (at < data.length) {
      const rest = data.subarray(at);
      this.pending.push(rest);
      this.pendingBytes = rest.length;
    }
  }
}

/**
 * @module transport/grpc-calls
 * One gRPC call on one HTTP/2 stream, as a server sees it: the request messages in, the reply out, the
 * status in trailers (grpc/grpc, doc/PROTOCOL-HTTP2.md). Handlers are of two kinds:
 *
 * - unary: `(request, call) => response`; throwing a GrpcError ends the call with its status, anything
 *   else thrown with UNKNOWN.
 * - streaming (server or bidirectional): `(stream, request?)` — a server-streaming handler runs once the
 *   client's one message is in and gets it as `request`; a bidirectional one runs at once and reads what the
 *   client sends through `onMessage` and `onEnd`. It writes with `write` and ends the call with `end`.
 *
 * A call's `signal` aborts when the client cancels it or the connection goes before the reply is out.
 */
import type { ServerHttp2Stream } from 'node:http2';
import { Cancellation } from './cancellation';
import { MessageReader, frame } from './grpc-frames';
import { GrpcError, GrpcStatus, type GrpcStatusCode, encodeStatusMessage } from './grpc-status';

/** A method as the wire definitions describe it (transport/descriptor.ts). */
export interface MethodDefinition {
  path: string;
  requestStream: boolean;
  responseStream: boolean;
  requestSerialize(value: unknown): Buffer;
  requestDeserialize(bytes: Buffer): unknown;
  responseSerialize(value: unknown): Buffer;
  responseDeserialize(bytes: Buffer): unknown;
  originalName?: string;
}

/** A service's methods, by method name. */
export type ServiceDefinition = Record<string, MethodDefinition>;

/** A reply already in wire form: sent as it is, not through the method's serializer. */
export class Encoded {
  constructor(readonly bytes: Buffer) {}
}

export interface Call {
  /** Aborted when the client cancels the call or the connection is lost (made when first read). */
  readonly signal: AbortSignal;
  /** Runs `listener` when the client cancels the call or the connection is lost, without making a signal. */
  onCancel(listener: (reason: unknown) => void): void;
}

export interface ServerStream extends Call {
  write(message: unknown): void;
  /** Ends the call with OK (or the status given). Later writes and ends are ignored. */
  end(code?: GrpcStatusCode, message?: string): void;
  /** Bidirectional calls: each message the client sends. */
  onMessage(listener: (message: unknown) => void): void;
  /** Bidirectional calls: the client has sent its last message. */
  onEnd(listener: () => void): void;
}

// biome-ignore lint/suspicious/noExplicitAny: each service's handlers take their own request types
export type UnaryHandler = (request: any, call: Call) => unknown;
// biome-ignore lint/suspicious/noExplicitAny: as above
export type StreamHandler = (stream: ServerStream, request?: any) => void;

/** A service's handlers, by method name: unary ones for unary methods, stream ones for the others. */
export type ServiceImplementation = Record<string, UnaryHandler | StreamHandler>;

export interface CallOptions {
  maxReceiveBytes: number;
  maxSendBytes: number;
  /** A handler failed in a way the client cannot be told about (its stream is gone). */
  onError(err: unknown, path: string): void;
}

function statusOf(err: unknown): { code: GrpcStatusCode; message: string } {
  if (err instanceof GrpcError) return { code: err.code, message: err.message };
  return { code: GrpcStatus.UNKNOWN, message: err instanceof Error ? err.message : String(err) };
}

/** The reply side of one stream: headers once, messages, then the status as trailers. */
class Reply {
  /** Whether the call's end (its status) was sent or begun. */
  ended = false;
  private trailers: Record<string, string> = { 'grpc-status': '0' };

  constructor(private readonly stream: ServerHttp2Stream) {}

  get open(): boolean {
    return !this.ended && !this.stream.destroyed && !this.stream.closed;
  }

  private headers(): void {
    if (this.stream.headersSent) return;
    this.stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
    this.stream.once('wantTrailers', () => this.stream.sendTrailers(this.trailers));
  }

  write(payload: Buffer): void {
    if (!this.open) return;
    this.headers();
    this.stream.write(frame(payload));
  }

  /** The last message and OK, in one write: what a unary call sends. */
  last(payload: Buffer): void {
    if (!this.open) return;
    this.ended = true;
    this.headers();
    this.stream.end(frame(payload));
  }

  end(code: GrpcStatusCode = GrpcStatus.OK, message = ''): void {
    if (!this.open) return;
    this.ended = true;
    const status: Record<string, string> = { 'grpc-status': String(code) };
    if (message) status['grpc-message'] = encodeStatusMessage(message);
    if (!this.stream.headersSent) {
      // Trailers-Only: a call that fails before any message is one HEADERS frame.
      this.stream.respond({ ':status': 200, 'content-type': 'application/grpc', ...status }, { endStream: true });
      return;
    }
    this.trailers = status;
    this.stream.end();
  }
}

/** Ends a stream that is no call this server serves with a status, as a Trailers-Only reply. */
export function refuseCall(stream: ServerHttp2Stream, code: GrpcStatusCode, message: string): void {
  new Reply(stream).end(code, message);
}

/**
 * Feeds the stream's data to `reader`. The first framing error fails the call and the rest of the stream is
 * ignored; the function returned says whether that happened.
 */
function feed(stream: ServerHttp2Stream, reader: MessageReader, fail: (err: unknown) => void): () => boolean {
  let broken = false;
  stream.on('data', (chunk: Buffer) => {
    if (broken) return;
    try {
      reader.push(chunk);
    } catch (err) {
      broken = true;
      fail(err);
    }
  });
  return () => broken;
}

/** Serves one call on `stream` with `method`'s handler. */
export function serveCall(stream: ServerHttp2Stream, method: MethodDefinition, handler: UnaryHandler | StreamHandler, options: CallOptions): void {
  const reply = new Reply(stream);
  const cancellation = new Cancellation();
  stream.once('close', () => {
    if (!reply.ended) cancellation.cancel(new GrpcError(GrpcStatus.CANCELLED, `the client cancelled ${method.path}`));
  });
  const fail = (err: unknown) => {
    if (!reply.open) {
      options.onError(err, method.path);
      return;
    }
    const { code, message } = statusOf(err);
    reply.end(code, message);
  };
  const encode = (message: unknown): Buffer => {
    let bytes: Buffer;
    try {
      bytes = message instanceof Encoded ? message.bytes : method.responseSerialize(message);
    } catch (err) {
      throw new GrpcError(GrpcStatus.INTERNAL, `could not encode the ${method.path} reply: ${(err as Error)?.message ?? err}`);
    }
    if (bytes.length > options.maxSendBytes) {
      throw new GrpcError(
        GrpcStatus.RESOURCE_EXHAUSTED,
        `the ${method.path} reply is ${bytes.length} bytes, more than the ${options.maxSendBytes} this server sends`,
      );
    }
    return bytes;
  };
  const decode = (bytes: Buffer): unknown => {
    try {
      return method.requestDeserialize(bytes);
    } catch (err) {
      throw new GrpcError(GrpcStatus.INTERNAL, `could not decode the ${method.path} request: ${(err as Error)?.message ?? err}`);
    }
  };

  if (!method.requestStream) {
    // One request message: unary and server-streaming calls.
    let request: Buffer | undefined;
    let count = 0;
    const reader = new MessageReader(options.maxReceiveBytes, (message) => {
      count++;
      request = message;
    });
    const broken = feed(stream, reader, fail);
    stream.once('end', () => {
      if (broken()) return;
      if (count !== 1 || !reader.idle || !request) {
        fail(new GrpcError(GrpcStatus.INTERNAL, `${method.path} takes exactly one request message, and received ${reader.idle ? count : 'a partial one'}`));
        return;
      }
      const bytes = request;
      if (method.responseStream) {
        try {
          (handler as StreamHandler)(streamOf(reply, encode, cancellation), decode(bytes));
        } catch (err) {
          fail(err);
        }
        return;
      }
      void (async () => {
        const response = await (handler as UnaryHandler)(decode(bytes), cancellation);
        reply.last(encode(response));
      })().catch(fail);
    });
    return;
  }

  // Client and bidirectional streaming: messages go to the handler as they come.
  const server = streamOf(reply, encode, cancellation);
  const reader = new MessageReader(options.maxReceiveBytes, (message) => server.receive(decode(message)));
  const broken = feed(stream, reader, fail);
  stream.once('end', () => {
    if (!broken()) server.clientEnded();
  });
  try {
    (handler as StreamHandler)(server);
  } catch (err) {
    fail(err);
  }
}

function streamOf(
  reply: Reply,
  encode: (message: unknown) => Buffer,
  cancellation: Cancellation,
): ServerStream & { receive(message: unknown): void; clientEnded(): void } {
  let messageListener: ((message: unknown) => void) | undefined;
  let endListener: (() => void) | undefined;
  return {
    get signal() {
      return cancellation.signal;
    },
    onCancel: (listener) => cancellation.onCancel(listener),
    write: (message) => reply.write(encode(message)),
    end: (code, message) => reply.end(code, message),
    onMessage: (listener) => {
      messageListener = listener;
    },
    onEnd: (listener) => {
      endListener = listener;
    },
    receive: (message) => messageListener?.(message),
    clientEnded: () => endListener?.(),
  };
}

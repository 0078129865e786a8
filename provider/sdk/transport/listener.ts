/**
 * @module transport/listener
 * What Terraform dials, and the unix socket it dials on non-Windows hosts, as go-plugin's server makes it:
 * `plugin<random>` in PLUGIN_UNIX_SOCKET_DIR or the temp dir, group-writable for PLUGIN_UNIX_SOCKET_GROUP when
 * that is set, removed when the process exits (docs/sdk/plugin-process.md#transport). The TCP listener is
 * in tcp-listener.ts.
 *
 * Either is a plain net.Server, not a gRPC one, so it can listen (and the handshake go out) before grpc-js
 * is even loaded: connections that arrive meanwhile wait, unread, until `accept` hands them to the gRPC
 * server's connection injector.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, readFileSync, rmSync } from 'node:fs';
import { type ListenOptions as NetListenOptions, type Server, type Socket, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** go-plugin's two networks, as the handshake line and TF_REATTACH_PROVIDERS name them. */
export type Network = 'unix' | 'tcp';

export interface Listener {
  readonly network: Network;
  /** For the handshake line: the socket's path, or `127.0.0.1:PORT`. */
  readonly address: string;
  /** Hands every connection to `handler`, starting with those that arrived before. */
  accept(handler: (socket: Socket) => void): void;
  /** Stops listening (and removes a socket file). */
  close(): void;
}

export interface ListenOptions {
  /** PLUGIN_UNIX_SOCKET_DIR, else the temp dir. */
  dir?: string;
  /** PLUGIN_UNIX_SOCKET_GROUP: a group name or numeric gid. */
  group?: string;
}

/** sun_path holds 108 bytes including the terminating NUL on Linux (104 on macOS). */
const MAX_SOCKET_PATH = 107;

/** Listens once; rejects with the listen error (EADDRINUSE, …) so the caller may try another address. */
export function listenOn(server: Server, address: string | NetListenOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => {
      server.off('listening', onListening);
      reject(err);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    if (typeof address === 'string') server.listen(address);
    else server.listen(address);
  });
}

/** A group name or gid as a gid, looking names up in /etc/group (what os/user does without cgo). */
export function groupId(group: string, groupFile = '/etc/group'): number {
  if (/^\d+$/.test(group)) return Number(group);
  for (const line of readFileSync(groupFile, 'utf8').split('\n')) {
    const [name, , gid] = line.split(':');
    if (name === group && gid !== undefined && /^\d+$/.test(gid)) return Number(gid);
  }
  throw new Error(`PLUGIN_UNIX_SOCKET_GROUP names group "${group}", which does not exist`);
}

/** A net.Server that holds each connection, paused and unread, until `accept` gives it a handler. */
export function holdingServer(): { server: Server; accept(handler: (socket: Socket) => void): void } {
  let handler: ((socket: Socket) => void) | undefined;
  const waiting: Socket[] = [];
  // pauseOnConnect: nothing is read from a waiting socket, so the TLS ClientHello is still in it, intact,
  // when the gRPC server takes the connection over.
  const server = createServer({ pauseOnConnect: true }, (socket) => {
    if (handler) handler(socket);
    else waiting.push(socket);
  });
  return {
    server,
    accept(h) {
      handler = h;
      for (const socket of waiting.splice(0)) h(socket);
    },
  };
}

export async function listenUnix(options: ListenOptions = {}): Promise<Listener> {
  const dir = options.dir || tmpdir();
  const { server, accept } = holdingServer();
  let path = '';
  for (let attempt = 0; ; attempt++) {
    path = join(dir, `plugin${randomBytes(5).toString('hex')}`);
    if (Buffer.byteLength(path) > MAX_SOCKET_PATH) {
      throw new Error(
        `the plugin socket path ${path} is longer than a unix socket allows (${MAX_SOCKET_PATH} bytes): set PLUGIN_UNIX_SOCKET_DIR to a shorter directory`,
      );
    }
    try {
      await listenOn(server, path);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 5) throw err;
    }
  }
  const remove = () => rmSync(path, { force: true });
  // process.exit skips close handlers, so the file is removed on 'exit' as well.
  process.on('exit', remove);
  if (options.group) {
    chownSync(path, -1, groupId(options.group));
    chmodSync(path, 0o660);
  }
  return {
    network: 'unix',
    address: path,
    accept,
    close() {
      server.close();
      remove();
      process.off('exit', remove);
    },
  };
}

/**
 * @module transport/listener
 * The unix socket Terraform dials, as go-plugin's server makes it on non-Windows hosts: `plugin<random>` in
 * PLUGIN_UNIX_SOCKET_DIR or the temp dir, group-writable for PLUGIN_UNIX_SOCKET_GROUP when that is set,
 * removed when the process exits (docs/sdk/plugin-process.md#transport).
 *
 * It is a plain net.Server, not a gRPC one, so it can listen (and the handshake go out) before grpc-js is
 * even loaded: connections that arrive meanwhile wait, unread, until `accept` hands them to the gRPC
 * server's connection injector.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, readFileSync, rmSync } from 'node:fs';
import { type Server, type Socket, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Listener {
  /** The socket's path, for the handshake line. */
  readonly path: string;
  /** Hands every connection to `handler`, starting with those that arrived before. */
  accept(handler: (socket: Socket) => void): void;
  /** Stops listening and removes the socket file. */
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

function listenOn(server: Server, path: string): Promise<void> {
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
    server.listen(path);
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

export async function listenUnix(options: ListenOptions = {}): Promise<Listener> {
  const dir = options.dir || tmpdir();
  let handler: ((socket: Socket) => void) | undefined;
  const waiting: Socket[] = [];
  // pauseOnConnect: nothing is read from a waiting socket, so the TLS ClientHello is still in it, intact,
  // when the gRPC server takes the connection over.
  const server = createServer({ pauseOnConnect: true }, (socket) => {
    if (handler) handler(socket);
    else waiting.push(socket);
  });
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
    path,
    accept(h) {
      handler = h;
      for (const socket of waiting.splice(0)) h(socket);
    },
    close() {
      server.close();
      remove();
      process.off('exit', remove);
    },
  };
}

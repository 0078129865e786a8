import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { groupId, listenUnix } from './listener';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kp-listen-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function send(path: string, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const c = connect(path, () => c.end(text, () => resolve()));
    c.on('error', reject);
  });
}

function readAll(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    socket.setEncoding('utf8').on('data', (d: string) => (text += d));
    socket.on('end', () => resolve(text));
    socket.resume(); // the listener hands sockets over paused
  });
}

describe('listenUnix', () => {
  it('listens on plugin<random> in the directory given', async () => {
    const listener = await listenUnix({ dir });
    try {
      expect(dirname(listener.address)).toBe(dir);
      expect(basename(listener.address)).toMatch(/^plugin[0-9a-f]{10}$/);
      expect(statSync(listener.address).isSocket()).toBe(true);
    } finally {
      listener.close();
    }
  });

  it('holds connections that arrive before accept, unread, and hands them over intact', async () => {
    const listener = await listenUnix({ dir });
    try {
      await send(listener.address, 'first');
      await new Promise((r) => setTimeout(r, 20));
      const got: Promise<string>[] = [];
      listener.accept((socket) => got.push(readAll(socket)));
      expect(got).toHaveLength(1);
      await send(listener.address, 'second');
      await new Promise((r) => setTimeout(r, 20));
      expect(await Promise.all(got)).toEqual(['first', 'second']);
    } finally {
      listener.close();
    }
  });

  it('removes the socket file on close, and its exit handler with it', async () => {
    const before = process.listenerCount('exit');
    const listener = await listenUnix({ dir });
    expect(process.listenerCount('exit')).toBe(before + 1);
    listener.close();
    expect(existsSync(listener.address)).toBe(false);
    expect(process.listenerCount('exit')).toBe(before);
  });

  it('refuses a directory too long for a unix socket path, naming PLUGIN_UNIX_SOCKET_DIR', async () => {
    await expect(listenUnix({ dir: join(dir, 'x'.repeat(120)) })).rejects.toThrow(/longer than a unix socket allows.*PLUGIN_UNIX_SOCKET_DIR/);
  });

  it('makes the socket group-writable for PLUGIN_UNIX_SOCKET_GROUP', async () => {
    const gid = process.getgid!();
    const listener = await listenUnix({ dir, group: String(gid) });
    try {
      const stat = statSync(listener.address);
      expect(stat.gid).toBe(gid);
      expect(stat.mode & 0o777).toBe(0o660);
    } finally {
      listener.close();
    }
  });
});

describe('groupId', () => {
  it('takes a number as a gid and looks a name up in the group file', () => {
    const file = join(dir, 'group');
    writeFileSync(file, 'root:x:0:\nplugins:x:1234:alice,bob\n');
    expect(groupId('42', file)).toBe(42);
    expect(groupId('plugins', file)).toBe(1234);
    expect(() => groupId('nobody-here', file)).toThrow(/PLUGIN_UNIX_SOCKET_GROUP names group "nobody-here", which does not exist/);
  });
});

/**
 * `keyplane server init` and `keyplane server start`: the admin key shown once (or written with mode 0600),
 * a second init refused, files checked before the one admin key is minted, and a clean exit on signals.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, freePort, keyplane, startCliService } from '../helpers/cli';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'keyplane-cli-server-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Starts `server start` and resolves once it listens, with a way to signal it and collect the exit code. */
async function start(data: string) {
  const port = await freePort();
  const child = spawn(process.execPath, [CLI, 'server', 'start', '--data', data, '--listen', `127.0.0.1:${port}`, '--log-level', 'warn'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const endpoint = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (
      await fetch(`${endpoint}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (child.exitCode !== null || i > 150) throw new Error(`server did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { endpoint, child, exited, stderr: () => stderr };
}

test('init prints the admin key once on stdout; it works; a second init is refused and changes nothing', async () => {
  const data = join(tempDir(), 'data');
  const init = keyplane(['server', 'init', '--data', data, '--admin-email', 'ops@example.com', '--admin-name', 'Ops']);
  expect(init.status).toBe(0);
  expect(init.stdout).toMatch(/^kp_[0-9A-Za-z]{39}\n$/);
  const adminKey = init.stdout.trim();
  expect(init.stderr).toMatch(/^Initialised .*data: admin ops@example.com \(usr_\w+\) with API key key_\w+\./m);
  expect(init.stderr).toMatch(/^warning: the admin API key is shown only this once/m);
  expect(init.stderr).not.toContain(adminKey);
  expect(statSync(data).mode & 0o777).toBe(0o700);
  expect(statSync(join(data, 'master.key')).mode & 0o777).toBe(0o600);
  const masterKey = readFileSync(join(data, 'master.key'), 'utf8');

  const again = keyplane(['server', 'init', '--data', data, '--key-file', join(data, 'second.key')]);
  expect(again.status).toBe(1);
  expect(again.stdout).toBe('');
  expect(again.stderr).toMatch(/^error: .*data is already initialised; its admin key was shown when it was/);
  expect(existsSync(join(data, 'second.key'))).toBe(false);
  expect(readFileSync(join(data, 'master.key'), 'utf8')).toBe(masterKey);

  const server = await start(data);
  const env = { KEYPLANE_ENDPOINT: server.endpoint, KEYPLANE_API_KEY: adminKey };
  const who = await new Promise<string>((resolve) => {
    const c = spawn(process.execPath, [CLI, 'whoami', '-o', 'json'], { env: { ...process.env, ...env } });
    let out = '';
    c.stdout.on('data', (d) => (out += d));
    c.on('close', () => resolve(out));
  });
  expect(JSON.parse(who)).toMatchObject({ principal: { email: 'ops@example.com', name: 'Ops', role: 'admin' }, effective_role: 'admin' });
  server.child.kill('SIGINT');
  expect(await server.exited).toBe(0);
  expect(server.stderr()).toMatch(/SIGINT: finishing in-flight requests, then stopping/);
}, 30_000);

test('init --key-file writes the key with mode 0600 and prints only where it went', () => {
  const dir = tempDir();
  const file = join(dir, 'admin.key');
  const init = keyplane(['server', 'init', '--data', join(dir, 'data'), '--key-file', file]);
  expect(init.status).toBe(0);
  expect(init.stdout).toBe(`admin API key written to ${file} (mode 0600)\n`);
  const key = readFileSync(file, 'utf8');
  expect(key).toMatch(/^kp_[0-9A-Za-z]{39}\n$/);
  expect(statSync(file).mode & 0o777).toBe(0o600);
  expect(init.stderr).not.toContain(key.trim());
});

test('an unwritable --key-file is refused before the store is initialised', () => {
  const dir = tempDir();
  const data = join(dir, 'data');
  const bad = keyplane(['server', 'init', '--data', data, '--key-file', join(dir, 'missing', 'admin.key')]);
  expect(bad.status).toBe(2);
  expect(bad.stderr).toMatch(/^error: --key-file .*missing\/admin.key cannot be written/);
  // Nothing was minted: the next init still gets the one admin key.
  const good = keyplane(['server', 'init', '--data', data, '--key-file', join(dir, 'admin.key')]);
  expect(good.status).toBe(0);
  expect(readFileSync(join(dir, 'admin.key'), 'utf8')).toMatch(/^kp_/);
});

test('init of an initialised store whose master key is missing leaves no new master key behind', () => {
  const data = join(tempDir(), 'data');
  expect(keyplane(['server', 'init', '--data', data, '--key-file', join(data, 'admin.key')]).status).toBe(0);
  rmSync(join(data, 'master.key'));
  const again = keyplane(['server', 'init', '--data', data]);
  expect(again.status).toBe(1);
  expect(again.stderr).toMatch(/already initialised.*master key file .*master.key is missing/);
  expect(existsSync(join(data, 'master.key'))).toBe(false);
});

test('init and start name what is missing or malformed, with exit 2', () => {
  const noData = keyplane(['server', 'init']);
  expect(noData.status).toBe(2);
  expect(noData.stderr).toMatch(/--data DIR/);
  const data = tempDir();
  const email = keyplane(['server', 'init', '--data', data, '--admin-email', 'admin']);
  expect(email.status).toBe(2);
  expect(email.stderr).toMatch(/--admin-email admin is not an email address/);
  expect(existsSync(join(data, 'keyplane.db'))).toBe(false);
  const listen = keyplane(['server', 'start', '--data', data, '--listen', 'localhost']);
  expect(listen.status).toBe(2);
  expect(listen.stderr).toMatch(/--listen localhost is not HOST:PORT/);
  const tls = keyplane(['server', 'start', '--data', data, '--listen', '127.0.0.1:0', '--tls-cert', 'cert.pem']);
  expect(tls.status).toBe(2);
  expect(tls.stderr).toMatch(/--tls-cert and --tls-key go together/);
  const limit = keyplane(['server', 'start', '--data', data, '--failed-auth-limit', '0']);
  expect(limit.status).toBe(2);
  expect(limit.stderr).toMatch(/--failed-auth-limit/);
});

test('--failed-auth-limit and --failed-auth-window set when an address is answered 429', async () => {
  const svc = await startCliService(['--failed-auth-limit', '2', '--failed-auth-window', '30']);
  try {
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${svc.endpoint}/v1/whoami`, { headers: { authorization: 'Bearer kp_wrong' } });
      statuses.push(res.status);
      retryAfter = res.headers.get('retry-after');
    }
    expect(statuses).toEqual([401, 401, 429]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    expect(Number(retryAfter)).toBeLessThanOrEqual(30);
    // A valid key is never refused for an address's failures.
    expect((await fetch(`${svc.endpoint}/v1/whoami`, { headers: { authorization: `Bearer ${svc.adminKey}` } })).status).toBe(200);
  } finally {
    await svc.stop();
  }
});

test('start exits 1 when its port is taken, and 0 after SIGTERM', async () => {
  const svc = await startCliService();
  const port = new URL(svc.endpoint).port;
  // Another data dir: the same one would be refused before the port is tried.
  const other = join(tempDir(), 'data');
  expect(keyplane(['server', 'init', '--data', other, '--key-file', join(other, 'admin.key')]).status).toBe(0);
  const clash = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const c = spawn(process.execPath, [CLI, 'server', 'start', '--data', other, '--listen', `127.0.0.1:${port}`, '--log-level', 'silent']);
    let stderr = '';
    c.stderr.on('data', (d) => (stderr += d));
    c.on('close', (code) => resolve({ code, stderr }));
  });
  expect(clash.code).toBe(1);
  expect(clash.stderr).toMatch(/^error: .*EADDRINUSE/m);
  expect(await svc.stop('SIGTERM')).toBe(0);
}, 30_000);

/** The refusal of a data dir that the process `pid` serves. */
const inUseBy = (data: string, pid: number | undefined) =>
  `error: the data dir ${data} is in use by keyplane process ${pid}: a SQLite data dir serves one process at a time (several nodes share a PostgreSQL --database-url instead)\n`;

test('a second start on a data dir in use exits 1 naming the pid that serves it; once that one is SIGKILLed a start runs', async () => {
  const svc = await startCliService();
  let next: Awaited<ReturnType<typeof start>> | undefined;
  try {
    const second = keyplane(['server', 'start', '--data', svc.dir, '--listen', `127.0.0.1:${await freePort()}`, '--log-level', 'warn']);
    expect(second.status).toBe(1);
    expect(second.stderr).toBe(inUseBy(svc.dir, svc.process.pid));
    expect(second.stdout).toBe('');
    expect((await fetch(`${svc.endpoint}/healthz`)).ok).toBe(true);

    // Killed outright, the first leaves its pid file behind; the next start is not held up by it.
    svc.process.kill('SIGKILL');
    await new Promise((r) => svc.process.once('exit', r));
    expect(readFileSync(join(svc.dir, 'keyplane.pid'), 'utf8')).toBe(`${svc.process.pid}\n`);
    next = await start(svc.dir);
    const whoami = await fetch(`${next.endpoint}/v1/whoami`, { headers: { authorization: `Bearer ${svc.adminKey}` } });
    expect(whoami.status).toBe(200);
    const third = keyplane(['server', 'start', '--data', svc.dir, '--listen', `127.0.0.1:${await freePort()}`]);
    expect(third.status).toBe(1);
    expect(third.stderr).toBe(inUseBy(svc.dir, next.child.pid));

    next.child.kill('SIGTERM');
    expect(await next.exited).toBe(0);
    expect(existsSync(join(svc.dir, 'keyplane.pid'))).toBe(false);
  } finally {
    next?.child.kill('SIGKILL');
    await svc.stop('SIGKILL');
  }
}, 60_000);

test('of two starts at the same moment on one data dir, one serves and the other exits 1 naming it', async () => {
  const data = join(tempDir(), 'data');
  expect(keyplane(['server', 'init', '--data', data, '--key-file', join(data, 'admin.key')]).status).toBe(0);
  const launch = async () => {
    const endpoint = `http://127.0.0.1:${await freePort()}`;
    const child = spawn(process.execPath, [CLI, 'server', 'start', '--data', data, '--listen', endpoint.slice(7), '--log-level', 'warn'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    return { child, endpoint, exited, stderr: () => stderr };
  };
  const both = await Promise.all([launch(), launch()]);
  /** 'serving' once /healthz answers, else the exit code. */
  const outcome = async (l: (typeof both)[number]) => {
    for (let i = 0; i < 150; i++) {
      const up = await fetch(`${l.endpoint}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (up) return 'serving';
      if (l.child.exitCode !== null) return l.child.exitCode;
      await new Promise((r) => setTimeout(r, 100));
    }
    return 'neither';
  };
  try {
    const outcomes = await Promise.all(both.map(outcome));
    expect([...outcomes].sort()).toEqual([1, 'serving']);
    const winner = both[outcomes.indexOf('serving')]!;
    const loser = both[outcomes.indexOf(1)]!;
    expect(loser.stderr()).toBe(inUseBy(data, winner.child.pid));
    winner.child.kill('SIGTERM');
    expect(await winner.exited).toBe(0);
  } finally {
    for (const l of both) l.child.kill('SIGKILL');
  }
}, 60_000);

test('init on a data dir a running service uses is refused naming its pid, and changes nothing', async () => {
  const svc = await startCliService();
  let code: number | null;
  try {
    const masterKey = readFileSync(join(svc.dir, 'master.key'), 'utf8');
    const init = keyplane(['server', 'init', '--data', svc.dir, '--key-file', join(svc.dir, 'second.key')]);
    expect(init.status).toBe(1);
    expect(init.stdout).toBe('');
    expect(init.stderr).toBe(inUseBy(svc.dir, svc.process.pid));
    expect(existsSync(join(svc.dir, 'second.key'))).toBe(false);
    expect(readFileSync(join(svc.dir, 'master.key'), 'utf8')).toBe(masterKey);
  } finally {
    code = await svc.stop();
  }
  expect(code).toBe(0);
}, 30_000);

test('recover-admin: refused while a server holds the dir; stopped, it writes a new admin key that works and is in the audit log', async () => {
  const data = tempDir();
  expect(keyplane(['server', 'init', '--data', data, '--key-file', join(data, 'admin.key')]).status).toBe(0);
  const first = await start(data);
  let code: number | null;
  try {
    const refused = keyplane(['server', 'recover-admin', '--data', data, '--key-file', join(data, 'recovered.key')]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toBe(inUseBy(data, first.child.pid!));
    expect(existsSync(join(data, 'recovered.key'))).toBe(false);
  } finally {
    first.child.kill('SIGTERM');
    code = await first.exited;
  }
  expect(code).toBe(0);

  const bad = keyplane(['server', 'recover-admin', '--data', data, '--email', 'not-an-email']);
  expect([bad.status, bad.stderr]).toEqual([2, expect.stringMatching(/--email not-an-email is not an email address/)]);
  const recovered = keyplane(['server', 'recover-admin', '--data', data, '--key-file', join(data, 'recovered.key')]);
  expect(recovered.status).toBe(0);
  expect(recovered.stderr).toMatch(/Recovered .*: admin admin@localhost \(usr_\w+\) has a new API key key_\w+; the audit log records it/);
  expect(recovered.stdout).toBe(`admin API key written to ${join(data, 'recovered.key')} (mode 0600)\n`);
  expect(statSync(join(data, 'recovered.key')).mode & 0o777).toBe(0o600);

  const again = await start(data);
  try {
    const key = readFileSync(join(data, 'recovered.key'), 'utf8').trim();
    const env = { KEYPLANE_ENDPOINT: again.endpoint, KEYPLANE_API_KEY: key };
    const me = keyplane(['whoami', '-o', 'json'], env);
    expect(me.status).toBe(0);
    expect(JSON.parse(me.stdout)).toMatchObject({ effective_role: 'admin', api_key: { name: 'recovered admin key' } });
    const audit = keyplane(['audit', 'list', '--action', 'server.recover_admin', '-o', 'json'], env);
    expect(audit.status).toBe(0);
    expect(JSON.stringify(JSON.parse(audit.stdout))).toContain(JSON.parse(me.stdout).api_key.id);
  } finally {
    again.child.kill('SIGTERM');
    expect(await again.exited).toBe(0);
  }
}, 60_000);

/**
 * The transport end to end: the test provider (test/fixtures/transport-provider/main.ts), which
 * `npm run build` bundles with scripts/bundle.js as a provider executable (the same one the benchmark runs;
 * test/helpers/build.ts checks it is built from the current sources), run by hand, launched as go-plugin
 * launches it (with a grpc-js client playing Terraform), and driven by the real `terraform` through
 * dev_overrides.
 */
import { spawn, spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { generateServerCertificate } from '../../provider/sdk/transport/certificate';
import { built } from '../helpers/build';
import { type DebugProvider, startDebugProvider } from '../helpers/debug-provider';
import { call, dialPlugin, launchPlugin, type LaunchedPlugin, parseHandshake, shutdownPlugin, TERRAFORM_PLUGIN_ENV } from '../helpers/plugin-client';
import { createWorkspace, describeTerraform, processesRunning, type Workspace } from '../helpers/terraform';

const ADDRESS = 'registry.terraform.io/example/transport';

let providerDir: string;
let executable: string;
const cleanup: (() => void)[] = [];

beforeAll(() => {
  executable = built('dist/test/fixtures/transport-provider/terraform-provider-transport');
  providerDir = dirname(executable);
});

afterAll(() => {
  cleanup.forEach((f) => {
    f();
  });
  for (const pid of processesRunning(executable)) process.kill(pid, 'SIGKILL');
});

/** Runs the executable to completion with the given environment (none of Terraform's unless given). */
function runByHand(env: Record<string, string> = {}, args: string[] = []) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TF_') && !k.startsWith('PLUGIN_')));
  return spawnSync(executable, args, { encoding: 'utf8', env: { ...clean, ...env }, timeout: 10_000 });
}

async function waitFor(check: () => boolean, ms = 5000): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return check();
}

const alive = (pid: number) => processesRunning(executable).includes(pid);

describe('the provider executable, run by hand', () => {
  it('says it is a Terraform plugin, mentions --debug, and exits 1 with nothing on stdout', () => {
    const res = runByHand();
    expect(res.status).toBe(1);
    expect(res.stdout).toBe('');
    expect(res.stderr).toMatch(/terraform-provider-transport is a Terraform provider plugin: Terraform starts it/);
    expect(res.stderr).toMatch(/--debug/);
  });

  it('refuses a Terraform that does not offer protocol 6', () => {
    const res = runByHand({ ...TERRAFORM_PLUGIN_ENV, PLUGIN_PROTOCOL_VERSIONS: '5' });
    expect(res.status).toBe(1);
    expect(res.stdout).toBe('');
    expect(res.stderr).toMatch(/speaks Terraform plugin protocol 6 only/);
  });
});

describe('the provider executable, failing to start', () => {
  it('reports the failure as a panic, which Terraform shows, and exits 2', () => {
    const res = runByHand({ ...TERRAFORM_PLUGIN_ENV, PLUGIN_UNIX_SOCKET_DIR: join(tmpdir(), 'kp-no-such-dir', 'deeper') });
    expect(res.status).toBe(2);
    expect(res.stdout).toBe('');
    expect(res.stderr).toMatch(/^panic: Error: terraform-provider-transport could not start its plugin server: listen E[A-Z]+/m);
    expect(res.stderr).toMatch(/\nCaused by: Error: listen E[A-Z]+/);
  });
});

describe('the provider executable, launched as go-plugin launches it', () => {
  const launched: LaunchedPlugin[] = [];
  afterEach(() => {
    for (const p of launched.splice(0)) if (p.child.exitCode === null) p.child.kill('SIGKILL');
  });
  const launch = async (options?: Parameters<typeof launchPlugin>[1]) => {
    const p = await launchPlugin(executable, options);
    launched.push(p);
    return p;
  };

  it('prints 1|6|unix|<socket>|grpc|<certificate> as its one stdout line, with a certificate for localhost', async () => {
    const plugin = await launch();
    const { handshake } = plugin;
    expect(handshake.line).toMatch(/^1\|6\|unix\|\/[^|]+\/plugin[0-9a-f]+\|grpc\|[A-Za-z0-9+/]+$/);
    expect(statSync(handshake.address).isSocket()).toBe(true);
    const cert = new X509Certificate(handshake.certificate!);
    expect(cert.subjectAltName).toBe('DNS:localhost');
    const clients = dialPlugin(plugin);
    expect((await call<{ provider: unknown }>(clients.provider, 'GetProviderSchema', {})).provider).toBeTruthy();
    // Shutdown is answered before the process goes (Terraform ignores a failed one, but it should not fail).
    expect(await call(clients.controller, 'Shutdown', {})).toEqual({});
    clients.close();
    expect(await plugin.exited).toEqual({ code: 0, signal: null });
    expect(plugin.stdout()).toBe(`${handshake.line}\n`);
    expect(existsSync(handshake.address)).toBe(false);
  });

  it('loads neither HTTP/2 nor TLS nor zlib before its handshake line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kp-preload-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const preload = join(dir, 'preload.js');
    // At the first stdout write, report which node built-ins have been loaded, then stop.
    writeFileSync(
      preload,
      "const w = process.stdout.write.bind(process.stdout); process.stdout.write = (...a) => { require('fs').writeSync(2, 'LOADED ' + JSON.stringify(process.moduleLoadList) + '\\n'); process.exit(0); };",
    );
    const res = spawnSync(process.execPath, ['-r', preload, executable], {
      encoding: 'utf8',
      env: { ...process.env, ...TERRAFORM_PLUGIN_ENV, PLUGIN_CLIENT_CERT: generateServerCertificate().certPem },
      timeout: 10_000,
    });
    const loaded = JSON.parse(
      res.stderr
        .split('\n')
        .find((l) => l.startsWith('LOADED '))!
        .slice(7),
    ) as string[];
    expect(loaded.some((m) => /\bnet$/.test(m))).toBe(true);
    expect(loaded.filter((m) => /http2|tls|zlib/.test(m))).toEqual([]);
  });

  it('keeps stdout to the handshake when the provider prints, sending console output to stderr as JSON logs', async () => {
    const plugin = await launch({ env: { TRANSPORT_FIXTURE_PRINT: '1' } });
    const clients = dialPlugin(plugin);
    await call(clients.provider, 'GetProviderSchema', {});
    await call(clients.provider, 'ValidateProviderConfig', {});
    await shutdownPlugin(plugin, clients);
    expect(plugin.stdout()).toBe(`${plugin.handshake.line}\n`);
    const records = plugin
      .stderr()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records).toContainEqual(
      expect.objectContaining({ '@level': 'info', '@message': 'fixture console.log during GetProviderSchema', '@module': 'provider' }),
    );
    expect(records).toContainEqual(expect.objectContaining({ '@message': 'fixture console.log from the factory' }));
    expect(plugin.stderr()).toMatch(/^fixture stdout during ValidateProviderConfig$/m);
  });

  it('refuses a client certificate other than the one in PLUGIN_CLIENT_CERT', async () => {
    const plugin = await launch();
    const impostor = dialPlugin(plugin, { clientCertificate: generateServerCertificate() });
    try {
      await expect(call(impostor.provider, 'GetProviderSchema', {}, 3000)).rejects.toMatchObject({ code: status.UNAVAILABLE });
    } finally {
      impostor.close();
    }
    const clients = dialPlugin(plugin);
    await call(clients.provider, 'GetProviderSchema', {});
    await shutdownPlugin(plugin, clients);
  });

  it('serves plaintext with an empty certificate field when PLUGIN_CLIENT_CERT is absent', async () => {
    const plugin = await launch({ clientCertificate: null });
    expect(plugin.handshake.line.endsWith('|grpc|')).toBe(true);
    const clients = dialPlugin(plugin);
    expect((await call<{ provider: unknown }>(clients.provider, 'GetProviderSchema', {})).provider).toBeTruthy();
    await shutdownPlugin(plugin, clients);
  });

  it('puts its socket in PLUGIN_UNIX_SOCKET_DIR', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kp-sockets-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const plugin = await launch({ env: { PLUGIN_UNIX_SOCKET_DIR: dir } });
    expect(dirname(plugin.handshake.address)).toBe(dir);
    const clients = dialPlugin(plugin);
    await shutdownPlugin(plugin, clients);
  });

  it('ignores SIGINT (Terraform sends StopProvider) and exits on SIGTERM, removing its socket', async () => {
    const plugin = await launch();
    const clients = dialPlugin(plugin);
    await call(clients.provider, 'GetProviderSchema', {});
    plugin.child.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 200));
    expect(plugin.child.exitCode).toBeNull();
    await call(clients.provider, 'GetProviderSchema', {});
    plugin.child.kill('SIGTERM');
    expect(await plugin.exited).toEqual({ code: 0, signal: null });
    expect(existsSync(plugin.handshake.address)).toBe(false);
    clients.close();
  });

  it('StopProvider ends a slow call early while the process keeps serving', async () => {
    const plugin = await launch({ env: { TRANSPORT_FIXTURE_SLOW_MS: '60000' } });
    const clients = dialPlugin(plugin);
    const slow = call<{ diagnostics: { summary: string }[] }>(clients.provider, 'ValidateProviderConfig', {}, 30_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(await call(clients.provider, 'StopProvider', {})).toEqual({ Error: '' });
    expect((await slow).diagnostics[0]!.summary).toBe('Provider Operation Stopped');
    await call(clients.provider, 'GetProviderSchema', {});
    await shutdownPlugin(plugin, clients);
  });

  it('exits when its parent goes away without a Shutdown', async () => {
    // A parent that starts the provider, reports its pid, and is then killed outright.
    const parent = spawn(
      process.execPath,
      [
        '-e',
        `const c = require('child_process').spawn(${JSON.stringify(executable)}, [], { stdio: ['ignore', 'pipe', 'ignore'] }); c.stdout.once('data', () => process.stdout.write(c.pid + '\\n')); setInterval(() => {}, 1000);`,
      ],
      { stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, ...TERRAFORM_PLUGIN_ENV } },
    );
    const pid = await new Promise<number>((resolve) => parent.stdout!.once('data', (d: Buffer) => resolve(Number(String(d).trim()))));
    expect(alive(pid)).toBe(true);
    parent.kill('SIGKILL');
    expect(await waitFor(() => !alive(pid))).toBe(true);
  });

  it('serves plaintext in debug mode without the cookie, printing TF_REATTACH_PROVIDERS, and ignores Shutdown', async () => {
    const debug = await startDebug();
    const handshake = parseHandshake(`1|6|unix|${debug.reattach[ADDRESS]!.Addr.String}|grpc|`);
    const clients = dialPlugin({ handshake });
    expect((await call<{ provider: unknown }>(clients.provider, 'GetProviderSchema', {})).provider).toBeTruthy();
    await call(clients.controller, 'Shutdown', {});
    await new Promise((r) => setTimeout(r, 200));
    expect(debug.child.exitCode).toBeNull();
    clients.close();
    debug.child.kill('SIGINT');
    expect(await debug.exited).toBe(0);
  });
});

/** The executable with --debug (test/helpers/debug-provider.ts), killed when the file's tests end. */
async function startDebug(): Promise<DebugProvider> {
  const debug = await startDebugProvider(executable);
  cleanup.push(() => debug.child.kill('SIGKILL'));
  return debug;
}

const CONFIG = `terraform {
  required_providers {
    transport = { source = "example/transport" }
  }
}

provider "transport" {}
`;

describeTerraform('the provider executable under terraform', () => {
  let ws: Workspace;
  beforeAll(() => {
    ws = createWorkspace({ providers: [{ source: 'example/transport', name: 'transport', dir: providerDir }], files: { 'main.tf': CONFIG } });
  });
  afterAll(() => ws?.remove());

  it('validates a configuration with a provider block, leaving no provider process behind', async () => {
    const res = await ws.run(['validate', '-no-color']);
    expect(res.stderr + res.stdout).toMatch(/Success! The configuration is valid/);
    expect(res.code).toBe(0);
    expect(processesRunning(executable)).toEqual([]);
  });

  it('logs our JSON lines under the provider at TF_LOG=trace, and every process ends through Shutdown', async () => {
    const res = await ws.run(['validate', '-no-color'], { env: { TF_LOG: 'trace' } });
    expect(res.code).toBe(0);
    const log = res.stderr;
    expect(log).toMatch(/\[TRACE\] provider\.terraform-provider-transport: Received request: .*tf_rpc=GetProviderSchema/);
    expect(log).toMatch(/\[TRACE\] provider\.terraform-provider-transport: Received request: .*tf_rpc=Shutdown/);
    expect(log).toMatch(/\[INFO\] {2}provider\.terraform-provider-transport: transport fixture served its schema: .*@module=provider/);
    expect(log).toMatch(/tls=true/);
    const started = log.match(/provider: plugin started: path=[^\n]*terraform-provider-transport/g) ?? [];
    const exited = log.match(/provider: plugin process exited: plugin=[^\n]*terraform-provider-transport/g) ?? [];
    expect(started.length).toBeGreaterThan(0);
    expect(exited).toHaveLength(started.length);
    expect(log).not.toMatch(/plugin failed to exit gracefully/);
    expect(log).not.toMatch(/Unrecognized remote plugin message|error parsing server cert/);
    expect(processesRunning(executable)).toEqual([]);
  });

  it('works without TLS when TF_DISABLE_PLUGIN_TLS is set', async () => {
    const res = await ws.run(['validate', '-no-color'], { env: { TF_DISABLE_PLUGIN_TLS: '1', TF_LOG: 'trace' } });
    expect(res.code).toBe(0);
    expect(res.stderr).toMatch(/gRPC server ready: .*tls=false/);
    expect(res.stderr).not.toMatch(/plugin failed to exit gracefully/);
  });

  it('shows an error thrown by the provider as a diagnostic that calls it a provider bug', async () => {
    const res = await ws.run(['validate', '-no-color'], { env: { TRANSPORT_FIXTURE_THROW: 'GetProviderSchema' } });
    expect(res.code).toBe(1);
    // Terraform folds schema diagnostics into "Failed to load plugin schemas", wrapping the text.
    const text = res.stderr.replace(/\s+/g, ' ');
    expect(text).toMatch(/Unexpected Provider Error: The provider failed unexpectedly while handling GetProviderSchema\. This is always a bug in the provider/);
    expect(text).toMatch(/Error: fixture error requested in GetProviderSchema/);
    expect(text).not.toMatch(/rpc error|Plugin error/);
    expect(processesRunning(executable)).toEqual([]);
  });

  it('reports a crash as "plugin crashed" with our stack', async () => {
    const res = await ws.run(['validate', '-no-color'], { env: { TRANSPORT_FIXTURE_CRASH: 'GetProviderSchema' } });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/Stack trace from the terraform-provider-transport plugin:/);
    expect(res.stderr).toMatch(/panic: Error: fixture crash requested in GetProviderSchema\n\s+at /);
    expect(res.stderr).toMatch(/The terraform-provider-transport plugin crashed!/);
    expect(processesRunning(executable)).toEqual([]);
  });

  it('accepts the reattach value printed in debug mode, and the debug process outlives the command', async () => {
    const debug = await startDebug();
    expect(debug.reattach[ADDRESS]).toMatchObject({ Test: true, Addr: { Network: 'unix' }, Pid: debug.child.pid });
    const res = await ws.run(['validate', '-no-color'], { env: { TF_REATTACH_PROVIDERS: debug.reattachJson, TF_LOG: 'trace' } });
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/Success! The configuration is valid/);
    expect(res.stderr).toMatch(/overridden as an "unmanaged provider"/);
    expect(res.stderr).not.toMatch(/starting plugin: path=/);
    expect(debug.child.exitCode).toBeNull();
    debug.child.kill('SIGINT');
    expect(await debug.exited).toBe(0);
  });
});

/**
 * The TCP transport end to end, on Linux, with the bundled Keyplane provider forced onto TCP
 * (KEYPLANE_PLUGIN_TRANSPORT=tcp; provider/sdk/transport/network.ts) as go-plugin servers always are on
 * Windows: launched as go-plugin launches it (test/helpers/plugin-client.ts), taking the first free port of
 * PLUGIN_MIN_PORT..PLUGIN_MAX_PORT, failing clearly when that range is taken or a variable is wrong; and under
 * the real terraform, with PLUGIN_UNIX_SOCKET_DIR pointing nowhere so that a unix socket could not work:
 * `terraform init` from the filesystem mirror `keyplane provider install` makes, then plan, apply and destroy
 * of a keyplane_service_account against a real `keyplane server`, and debug mode reattached over TCP.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { type AddressInfo, type Server, connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { generateServerCertificate } from '../../provider/sdk/transport/certificate';
import { keyplane } from '../helpers/cli';
import { startDebugProvider } from '../helpers/debug-provider';
import { EXECUTABLE, type KeyplaneService, keyplaneProvider, keyplaneWorkspace, startKeyplaneService } from '../helpers/keyplane';
import { call, dialPlugin, launchPlugin, type LaunchedPlugin, shutdownPlugin, TERRAFORM_PLUGIN_ENV } from '../helpers/plugin-client';
import { createWorkspace, describeTerraform, processesRunning, type TerraformResult, type Workspace } from '../helpers/terraform';
import { OFFLINE } from '../helpers/offline';

jest.setTimeout(240_000);

const TCP = { KEYPLANE_PLUGIN_TRANSPORT: 'tcp' };
/** The port range go-plugin's client in Terraform 1.11 passes to every plugin, whatever the user's environment. */
const TERRAFORM_RANGE = { min: Number(TERRAFORM_PLUGIN_ENV.PLUGIN_MIN_PORT), max: Number(TERRAFORM_PLUGIN_ENV.PLUGIN_MAX_PORT) };

let executable: string;
let scratch: string;
/** A PLUGIN_UNIX_SOCKET_DIR that does not exist: a provider that tried its unix socket would fail to start. */
let noSocketDir: string;

beforeAll(() => {
  executable = join(keyplaneProvider(), EXECUTABLE);
  scratch = mkdtempSync(join(tmpdir(), 'kp-tcp-'));
  noSocketDir = join(scratch, 'no-such-dir');
});

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
  for (const pid of processesRunning(executable)) process.kill(pid, 'SIGKILL');
});

/** A server holding `port` (0: one the system chooses) on 127.0.0.1. */
function occupy(port = 0): Promise<Server> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen({ host: '127.0.0.1', port }, () => resolve(s));
  });
}
const portOf = (s: Server) => (s.address() as AddressInfo).port;
const close = (s: Server) => new Promise((r) => s.close(r));

/** Two consecutive ports, both free when found. */
async function twoFreePorts(): Promise<[number, number]> {
  for (;;) {
    const a = await occupy();
    const port = portOf(a);
    const b = await occupy(port + 1).catch(() => undefined);
    await close(a);
    if (b) {
      await close(b);
      return [port, port + 1];
    }
  }
}

/** The local addresses listening on TCP `port`, from /proc/net/tcp and tcp6 (state 0A is LISTEN). */
function listeningOn(port: number): string[] {
  const found: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (!local || state !== '0A') continue;
      const [hex, portHex] = local.split(':');
      if (Number.parseInt(portHex!, 16) !== port) continue;
      // IPv4 is four little-endian bytes; anything longer is IPv6, reported as such.
      found.push(hex!.length === 8 ? Buffer.from(hex!, 'hex').reverse().join('.') : `ipv6:${hex}`);
    }
  }
  return found;
}

function refusesConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = connect({ host: '127.0.0.1', port });
    c.once('connect', () => {
      c.destroy();
      resolve(false);
    });
    c.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });
}

/** The port of a `1|6|tcp|127.0.0.1:PORT|grpc|CERT` line; fails on any other shape. */
function tcpPort(line: string): number {
  const m = /^1\|6\|tcp\|127\.0\.0\.1:(\d+)\|grpc\|[A-Za-z0-9+/]*$/.exec(line);
  if (!m) throw new Error(`not a TCP handshake line: ${line}`);
  return Number(m[1]);
}

/** Runs the provider as Terraform would start it, to completion (for start-up failures). */
function runToFailure(env: Record<string, string>) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TF_') && !k.startsWith('PLUGIN_')));
  return spawnSync(executable, [], { encoding: 'utf8', env: { ...clean, ...TERRAFORM_PLUGIN_ENV, ...env }, timeout: 10_000 });
}

describe('the Keyplane provider forced onto TCP, launched as go-plugin launches it', () => {
  const launched: LaunchedPlugin[] = [];
  afterEach(() => {
    for (const p of launched.splice(0)) if (p.child.exitCode === null) p.child.kill('SIGKILL');
  });
  const launch = async (env: Record<string, string>) => {
    const p = await launchPlugin(executable, { env: { PLUGIN_UNIX_SOCKET_DIR: noSocketDir, ...env } });
    launched.push(p);
    return p;
  };

  it("prints 1|6|tcp|127.0.0.1:PORT|grpc|CERT with a port of Terraform's range, serves mutual TLS on 127.0.0.1 only, and stops listening on Shutdown", async () => {
    const plugin = await launch(TCP);
    const port = tcpPort(plugin.handshake.line);
    expect(port).toBeGreaterThanOrEqual(TERRAFORM_RANGE.min);
    expect(port).toBeLessThanOrEqual(TERRAFORM_RANGE.max);
    expect(listeningOn(port)).toEqual(['127.0.0.1']);

    const impostor = dialPlugin(plugin, { clientCertificate: generateServerCertificate() });
    try {
      await expect(call(impostor.provider, 'GetProviderSchema', {}, 3000)).rejects.toMatchObject({ code: status.UNAVAILABLE });
    } finally {
      impostor.close();
    }
    const clients = dialPlugin(plugin);
    const schema = await call<{ resource_schemas: Record<string, unknown> }>(clients.provider, 'GetProviderSchema', {});
    expect(Object.keys(schema.resource_schemas)).toContain('keyplane_service_account');
    expect(await shutdownPlugin(plugin, clients)).toEqual({ code: 0, signal: null });
    expect(plugin.stdout()).toBe(`${plugin.handshake.line}\n`);
    expect(await refusesConnections(port)).toBe(true);
  });

  it('serves plaintext on TCP with an empty certificate field when PLUGIN_CLIENT_CERT is absent', async () => {
    const plugin = await launchPlugin(executable, { clientCertificate: null, env: { PLUGIN_UNIX_SOCKET_DIR: noSocketDir, ...TCP } });
    launched.push(plugin);
    tcpPort(plugin.handshake.line);
    expect(plugin.handshake.line.endsWith('|grpc|')).toBe(true);
    const clients = dialPlugin(plugin);
    await call(clients.provider, 'GetProviderSchema', {});
    expect(await shutdownPlugin(plugin, clients)).toEqual({ code: 0, signal: null });
  });

  it('takes the first free port of PLUGIN_MIN_PORT..PLUGIN_MAX_PORT, passing over one in use', async () => {
    const [first, second] = await twoFreePorts();
    const taken = await occupy(first);
    try {
      const plugin = await launch({ ...TCP, PLUGIN_MIN_PORT: String(first), PLUGIN_MAX_PORT: String(second) });
      expect(tcpPort(plugin.handshake.line)).toBe(second);
      const clients = dialPlugin(plugin);
      await call(clients.provider, 'GetProviderSchema', {});
      await shutdownPlugin(plugin, clients);
    } finally {
      await close(taken);
    }
  });

  it('fails to start, naming PLUGIN_MIN_PORT and PLUGIN_MAX_PORT, when its one-port range is taken', async () => {
    const taken = await occupy();
    const port = portOf(taken);
    try {
      const res = runToFailure({ ...TCP, PLUGIN_MIN_PORT: String(port), PLUGIN_MAX_PORT: String(port) });
      expect(res.status).toBe(2);
      expect(res.stdout).toBe('');
      expect(res.stderr).toContain(
        `panic: Error: terraform-provider-keyplane could not start its plugin server: no free TCP port: could not listen on 127.0.0.1 on port ${port} (PLUGIN_MIN_PORT=${port}, PLUGIN_MAX_PORT=${port}): it is in use`,
      );
    } finally {
      await close(taken);
    }
  });

  it.each([
    [{ KEYPLANE_PLUGIN_TRANSPORT: 'tpc' }, 'KEYPLANE_PLUGIN_TRANSPORT is "tpc": it must be "tcp" or "unix"'],
    [{ ...TCP, PLUGIN_MIN_PORT: '20000', PLUGIN_MAX_PORT: '10000' }, 'PLUGIN_MIN_PORT (20000) is greater than PLUGIN_MAX_PORT (10000)'],
  ])('refuses to start with %p, saying why on stderr and nothing on stdout', (env, message) => {
    const res = runToFailure(env);
    expect(res.status).toBe(2);
    expect(res.stdout).toBe('');
    expect(res.stderr).toContain(`panic: Error: terraform-provider-keyplane could not start its plugin server: ${message}`);
  });
});

const RESOURCE = `resource "keyplane_service_account" "tcp" {
  name        = "tcp-transport"
  description = "Created through a provider listening on TCP"
}
`;

/**
 * What a command's TF_LOG=debug output says of the provider processes it started: how many, and the
 * network and address each said it listened on (`plugin address`, which serve.ts logs right after the handshake line).
 */
function providerListeners(result: TerraformResult): { started: number; listening: { network: string; address: string }[] } {
  const lines = result.stderr.split('\n');
  const started = lines.filter((l) => /provider: plugin started: path=\S*terraform-provider-keyplane/.test(l)).length;
  const listening = lines
    // The installed executable is terraform-provider-keyplane_vVERSION, and Terraform names its lines after it.
    .filter((l) => /provider\.terraform-provider-keyplane(_v[\d.]+)?: plugin address:/.test(l))
    .map((l) => ({ network: /\bnetwork=(\S+)/.exec(l)?.[1] ?? '', address: /\baddress=(\S+)/.exec(l)?.[1] ?? '' }));
  return { started, listening };
}

function expectAllOnTcp(result: TerraformResult): void {
  const { started, listening } = providerListeners(result);
  expect(started).toBeGreaterThan(0);
  expect(listening).toHaveLength(started);
  for (const { network, address } of listening) {
    expect(network).toBe('tcp');
    const port = Number(/^127\.0\.0\.1:(\d+)$/.exec(address)?.[1]);
    expect(port).toBeGreaterThanOrEqual(TERRAFORM_RANGE.min);
    expect(port).toBeLessThanOrEqual(TERRAFORM_RANGE.max);
  }
}

describeTerraform('the Keyplane provider forced onto TCP under terraform', () => {
  let service: KeyplaneService;
  const workspaces: Workspace[] = [];

  beforeAll(async () => {
    service = await startKeyplaneService();
  });
  afterAll(async () => {
    for (const ws of workspaces) ws.remove();
    await service?.stop();
  });

  test('init from the mirror, plan, apply and destroy a keyplane_service_account, every provider process on TCP', async () => {
    const home = join(scratch, 'home');
    mkdirSync(home);
    const cliConfig = join(scratch, 'keyplane.tfrc');
    const install = keyplane(['provider', 'install', '--launcher', '-o', 'json', '--dir', join(scratch, 'mirror'), '--cli-config', cliConfig], {
      HOME: home,
      TF_CLI_CONFIG_FILE: undefined,
    });
    expect(install.status).toBe(0);
    const ws = createWorkspace({
      name: 'tcp',
      env: { ...service.env, ...OFFLINE, ...TCP, HOME: home, TF_CLI_CONFIG_FILE: cliConfig, PLUGIN_UNIX_SOCKET_DIR: noSocketDir },
      files: {
        'main.tf': `terraform {\n  required_providers {\n    keyplane = { source = "keyplane/keyplane" }\n  }\n}\n\n${RESOURCE}`,
      },
    });
    workspaces.push(ws);
    const debug = { env: { TF_LOG: 'debug' } };

    const init = await ws.terraform(['init'], debug);
    expect(init.stdout).toMatch(/Installed keyplane\/keyplane v[\d.]+ \(unauthenticated\)/);

    const plan = await ws.terraform(['plan', '-out=tfplan'], debug);
    expect(plan.stdout).toMatch(/keyplane_service_account\.tcp will be created/);
    expectAllOnTcp(plan);

    const apply = await ws.terraform(['apply', 'tfplan'], debug);
    expect(apply.stdout).toMatch(/Apply complete! Resources: 1 added, 0 changed, 0 destroyed\./);
    expectAllOnTcp(apply);
    const { id } = await ws.values('keyplane_service_account.tcp');
    expect(await service.client.getServiceAccount(id)).toMatchObject({ id, name: 'tcp-transport', description: 'Created through a provider listening on TCP' });

    const destroy = await ws.terraform(['destroy', '-auto-approve'], debug);
    expect(destroy.stdout).toMatch(/Destroy complete! Resources: 1 destroyed\./);
    expectAllOnTcp(destroy);
    await expect(service.client.getServiceAccount(id)).rejects.toMatchObject({ status: 404 });
    expect(processesRunning(executable)).toEqual([]);
  });

  test('an unknown KEYPLANE_PLUGIN_TRANSPORT fails the command, and Terraform shows why', async () => {
    const ws = keyplaneWorkspace(service, { KEYPLANE_PLUGIN_TRANSPORT: 'tpc' });
    workspaces.push(ws);
    ws.writeConfig(RESOURCE);
    const res = await ws.run(['validate', '-no-color']);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/Stack trace from the terraform-provider-keyplane plugin:/);
    expect(res.stderr).toContain('could not start its plugin server: KEYPLANE_PLUGIN_TRANSPORT is "tpc": it must be "tcp" or "unix"');
    expect(processesRunning(executable)).toEqual([]);
  });

  test('a debug process on TCP prints a tcp reattach address, and a reattached plan uses it', async () => {
    const debug = await startDebugProvider(executable, { ...service.env, ...TCP, PLUGIN_UNIX_SOCKET_DIR: noSocketDir });
    try {
      const entry = debug.reattach['registry.terraform.io/keyplane/keyplane']!;
      expect(entry).toMatchObject({ Test: true, Pid: debug.child.pid, Addr: { Network: 'tcp' } });
      expect(listeningOn(Number(/^127\.0\.0\.1:(\d+)$/.exec(entry.Addr.String)![1]))).toEqual(['127.0.0.1']);
      const ws = keyplaneWorkspace(service);
      workspaces.push(ws);
      ws.writeConfig(RESOURCE);
      const plan = await ws.terraform(['plan'], { env: { TF_REATTACH_PROVIDERS: debug.reattachJson, TF_LOG: 'trace' } });
      expect(plan.stdout).toMatch(/keyplane_service_account\.tcp will be created/);
      expect(plan.stderr).toMatch(/overridden as an "unmanaged provider"/);
      expect(plan.stderr).not.toMatch(/starting plugin: path=/);
      expect(debug.child.exitCode).toBeNull();
    } finally {
      debug.child.kill('SIGINT');
    }
    expect(await debug.exited).toBe(0);
  });
});

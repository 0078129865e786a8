/**
 * The Keyplane provider's end-to-end harness: a real `keyplane server` (test/helpers/cli.ts: `server init`
 * and `server start` on a temp SQLite dir, with its bootstrap admin key), the provider `npm run build`
 * bundled (dist/provider/keyplane/main.js, checked against the sources by test/helpers/build.ts), and
 * Terraform workspaces whose dev_overrides point `keyplane/keyplane` at it.
 *
 * @example
 * const service = await startKeyplaneService();
 * const ws = await KeyplaneWorkspace.create(service);
 * ws.writeConfig('resource "keyplane_api_key" "ci" { name = "ci" }');
 * await ws.terraform(['apply', '-auto-approve']);
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeyplaneClient } from '../../client';
import { type CliService, ROOT, startCliService } from './cli';
import { type ShowPlan, type ShowState, type TerraformResult, TerraformError, parseJSON, resourcesByAddress } from './conformance';
import { type TerraformWorkspace, createWorkspace } from './terraform';
import { built } from './build';

export { describeTerraform } from './terraform';
export { plannedActions, resourcesByAddress, type ShowPlan, type ShowState } from './conformance';

export { ROOT };
export const PROVIDER_SOURCE = 'keyplane/keyplane';
export const EXECUTABLE = 'terraform-provider-keyplane';

let providerDir: string | undefined;

/**
 * A directory holding `terraform-provider-keyplane` for dev_overrides: a link to the built provider, the file
 * `keyplane provider install` installs. One per process, removed at exit.
 */
export function keyplaneProvider(): string {
  if (!providerDir) {
    const main = built('dist/provider/keyplane/main.js');
    const dir = mkdtempSync(join(tmpdir(), 'keyplane-provider-'));
    symlinkSync(main, join(dir, EXECUTABLE));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    providerDir = dir;
  }
  return providerDir;
}

export interface KeyplaneService extends CliService {
  /** A client acting as the bootstrap admin. */
  client: KeyplaneClient;
}

/** A real `keyplane server` on a temp SQLite dir, with its admin key. */
export async function startKeyplaneService(): Promise<KeyplaneService> {
  const svc = await startCliService();
  return Object.assign(svc, { client: new KeyplaneClient({ endpoint: svc.endpoint, apiKey: svc.adminKey, retries: 0 }) });
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  /** Exit codes accepted (default [0]); null accepts any. */
  expectCode?: number[] | null;
}

/** One Terraform working directory using the bundled provider against `service`. */
export class KeyplaneWorkspace {
  readonly history: TerraformResult[] = [];

  private constructor(
    private readonly tf: TerraformWorkspace,
    readonly service: KeyplaneService,
  ) {}

  /** `env` is added to every command (KEYPLANE_ENDPOINT and KEYPLANE_API_KEY of the admin by default). */
  static async create(service: KeyplaneService, env: Record<string, string | undefined> = {}): Promise<KeyplaneWorkspace> {
    const tf = createWorkspace({ devOverrides: { [PROVIDER_SOURCE]: keyplaneProvider() }, env: { ...service.env, ...env } });
    return new KeyplaneWorkspace(tf, service);
  }

  get dir(): string {
    return this.tf.dir;
  }

  /** Writes main.tf: the required_providers block, then `body` (which may hold a provider block). */
  writeConfig(body: string): void {
    writeFileSync(
      join(this.dir, 'main.tf'),
      `terraform {\n  required_providers {\n    keyplane = { source = "${PROVIDER_SOURCE}" }\n  }\n}\n\n${body.trim()}\n`,
    );
  }

  write(files: Record<string, string>): void {
    this.tf.write(files);
  }

  /** Runs terraform with -no-color (and -input=false where taken); throws unless the exit code is expected. */
  async terraform(args: string[], opts: RunOptions = {}): Promise<TerraformResult> {
    const [command, ...rest] = args;
    const flags = command === 'state' || command === 'providers' || command === 'version' ? [] : ['-no-color'];
    if (['plan', 'apply', 'destroy', 'import', 'refresh'].includes(command!)) flags.push('-input=false');
    const full = [command!, ...flags, ...rest];
    const r = await this.tf.run(full, { env: opts.env, timeoutMs: 120_000 });
    const result: TerraformResult = {
      args: full,
      code: r.code,
      signal: r.signal,
      stdout: r.stdout,
      stderr: r.stderr,
      output: `${r.stdout}${r.stderr}`,
      ms: Math.round(r.ms),
      timedOut: false,
    };
    this.history.push(result);
    const expected = opts.expectCode === undefined ? [0] : opts.expectCode;
    if (expected !== null && (result.code === null || !expected.includes(result.code)))
      throw new TerraformError(result, `expected exit ${expected.join(' or ')}`);
    return result;
  }

  async apply(opts: RunOptions = {}): Promise<TerraformResult> {
    return this.terraform(['apply', '-auto-approve'], opts);
  }

  /** `plan -detailed-exitcode`: true when the plan is empty. */
  async planIsEmpty(opts: RunOptions = {}): Promise<{ empty: boolean; result: TerraformResult }> {
    const result = await this.terraform(['plan', '-detailed-exitcode'], { ...opts, expectCode: [0, 2] });
    return { empty: result.code === 0, result };
  }

  /** Saves a plan to `file` and returns its `show -json`. */
  async savedPlan(file = 'tfplan', opts: RunOptions = {}): Promise<{ plan: ShowPlan; result: TerraformResult }> {
    const result = await this.terraform(['plan', `-out=${file}`], opts);
    const plan = parseJSON<ShowPlan>((await this.terraform(['show', '-json', file])).stdout);
    return { plan, result };
  }

  async showState(): Promise<ShowState> {
    return parseJSON<ShowState>((await this.terraform(['show', '-json'])).stdout);
  }

  /** The values of one resource in `show -json`. */
  async values(address: string): Promise<Record<string, any>> {
    const r = resourcesByAddress(await this.showState())[address];
    if (!r) throw new Error(`${address} is not in the state`);
    return r.values;
  }

  stateFileText(): string {
    const p = join(this.dir, 'terraform.tfstate');
    return existsSync(p) ? readFileSync(p, 'utf8') : '';
  }

  remove(): void {
    if (process.env.KEYPLANE_KEEP_WORKSPACE) {
      process.stderr.write(`keyplane workspace kept: ${this.dir}\n`);
      return;
    }
    this.tf.remove();
  }
}

/** Every 12-character substring of `secret` found in `text` (none, when the secret stayed out). */
export function secretFragmentsIn(text: string, secret: string, size = 12): string[] {
  const found = new Set<string>();
  for (let i = 0; i + size <= secret.length; i++) {
    const piece = secret.slice(i, i + size);
    if (text.includes(piece)) found.add(piece);
  }
  return [...found];
}

/** A canned answer for requests a `faultyProxy` intercepts, or 'reset': the connection dropped unanswered. */
export type Fault = { status: number; code: string; message: string } | 'reset';

export interface FaultyProxy {
  endpoint: string;
  /**
   * Requests matching `method` and `path` (exact, or a pattern) get `fault` from now on (only the next
   * `times` of them, when given); null passes them through again.
   */
  fail(method: string, path: string | RegExp, fault: Fault | null, times?: number): void;
  /** How many requests for `method path` arrived (faulted or passed through). */
  hits(method: string, path: string): number;
  close(): Promise<void>;
}

/**
 * An HTTP proxy in front of the real service that answers chosen requests with a fault (a 503 from an
 * overloaded store, a 401), passing everything else through: how the tests make one step fail for real.
 */
export async function faultyProxy(service: { endpoint: string }): Promise<FaultyProxy> {
  const faults = new Map<string, { method: string; path: string | RegExp; fault: Fault; left: number }>();
  const counts = new Map<string, number>();
  const upstream = new URL(service.endpoint);
  const key = (method: string, path: string | RegExp) => `${method} ${String(path)}`;
  const proxy = createServer((req, res) => {
    const what = `${req.method} ${req.url}`;
    counts.set(what, (counts.get(what) ?? 0) + 1);
    const url = req.url ?? '';
    const hit = [...faults.values()].find((f) => f.left > 0 && f.method === req.method && (typeof f.path === 'string' ? f.path === url : f.path.test(url)));
    if (hit) {
      hit.left -= 1;
      if (hit.fault === 'reset') {
        req.socket.destroy();
        return;
      }
      req.resume();
      res
        .writeHead(hit.fault.status, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: { code: hit.fault.code, message: hit.fault.message } }));
      return;
    }
    const fwd = request({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    fwd.on('error', () => res.destroy());
    req.pipe(fwd);
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
  const port = (proxy.address() as { port: number }).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    fail(method, path, fault, times = Infinity) {
      if (fault) faults.set(key(method, path), { method, path, fault, left: times });
      else faults.delete(key(method, path));
    },
    hits: (method, path) => counts.get(`${method} ${path}`) ?? 0,
    async close() {
      proxy.closeAllConnections();
      await new Promise((r) => proxy.close(r));
    },
  };
}

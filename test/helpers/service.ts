/**
 * An in-process service on a fresh SQLite file (or a given PostgreSQL URL) with its bootstrap admin key,
 * for tests that call the API through `app.inject()`; `startHttpService` also serves it over HTTP on
 * loopback, for tests whose client is a real HTTP client (the provider in process, test/helpers/in-process).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { KeyplaneClient } from '../../client';
import { buildApp, type AppOptions } from '../../service/app';
import { initialise } from '../../service/bootstrap';
import { createContext, type ServiceContext } from '../../service/context';
import type { AbuseLimitsOptions } from '../../service/http/abuse-limits';
import { type PostgresServer, startPostgres } from './postgres';

export interface TestService {
  app: FastifyInstance;
  ctx: ServiceContext;
  adminKey: string;
  adminUserId: string;
  dir: string;
  /** Calls the API as `key` (the admin key by default) and returns status and parsed body. */
  call(method: string, url: string, body?: unknown, key?: string | null, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  /** Like `call`, with every inject option in one object: a peer address (`remoteAddress`), a raw payload. */
  request(options: RequestOptions): Promise<{ status: number; body: any; headers: Record<string, unknown> }>;
  /** A user of `role` (created by the admin) with a key of that role made for them, holding `scopes`. */
  person(role: 'admin' | 'developer' | 'viewer', options?: { email?: string; scopes?: string[] }): Promise<Person>;
  close(): Promise<void>;
}

export interface RequestOptions {
  method: string;
  url: string;
  /** Sent as JSON unless it is a string, which is sent as is. */
  body?: unknown;
  /** The key to send; the admin key by default, null for none. */
  key?: string | null;
  headers?: Record<string, string>;
  /** The peer address the service sees (inject's remoteAddress); 127.0.0.1 by default. */
  remoteAddress?: string;
}

export interface Person {
  id: string;
  email: string;
  key: string;
  keyId: string;
}

/**
 * Tests of other things fail to authenticate from 127.0.0.1 many times over in one service, so the limit on
 * failed authentications per address is out of their way unless a test sets it (`abuseLimits`).
 */
const TEST_ABUSE_LIMITS: AbuseLimitsOptions = { failedAuth: { max: 1_000_000 } };

export async function startTestService(
  options: { databaseUrl?: string; masterKey?: Buffer; app?: AppOptions; abuseLimits?: AbuseLimitsOptions } = {},
): Promise<TestService> {
  const limits = options.abuseLimits ?? TEST_ABUSE_LIMITS;
  const dir = mkdtempSync(join(tmpdir(), 'keyplane-test-'));
  const ctx = await createContext({
    databaseUrl: options.databaseUrl,
    sqlitePath: join(dir, 'keyplane.db'),
    masterKey: options.masterKey ?? randomBytes(32),
    lastUsedFlushMs: 50,
    abuseLimits: limits,
  });
  const { secret, userId } = await initialise(ctx, { email: 'admin@example.com', name: 'Admin' });
  const app = await buildApp(ctx, { abuseLimits: limits, ...options.app });
  let people = 0;
  const request = async ({ method, url, body, key = secret, headers = {}, remoteAddress }: RequestOptions) => {
    const res = await app.inject({
      method: method as never,
      url,
      ...(body === undefined ? {} : { payload: body as never }),
      ...(remoteAddress ? { remoteAddress } : {}),
      headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers },
    });
    return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined, headers: res.headers as Record<string, unknown> };
  };
  return {
    app,
    ctx,
    adminKey: secret,
    adminUserId: userId,
    dir,
    async call(method, url, body, key = secret, headers = {}) {
      const res = await app.inject({
        method: method as never,
        url,
        ...(body === undefined ? {} : { payload: body as never }),
        headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers },
      });
      return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined };
    },
    request,
    async person(role, { email, scopes = [] } = {}) {
      const address = email ?? `${role}-${++people}-${Date.now().toString(36)}@example.com`;
      const user = await request({ method: 'POST', url: '/v1/users', body: { email: address, name: address, role } });
      if (user.status !== 201) throw new Error(`creating user ${address}: ${JSON.stringify(user.body)}`);
      const key = await request({ method: 'POST', url: '/v1/api-keys', body: { name: `${address} key`, user_id: user.body.id, role, scopes } });
      if (key.status !== 201) throw new Error(`creating a key for ${address}: ${JSON.stringify(key.body)}`);
      return { id: user.body.id as string, email: address, key: key.body.secret as string, keyId: key.body.api_key.id as string };
    },
    async close() {
      await app.close();
      await ctx.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface HttpService extends TestService {
  /** http://127.0.0.1:PORT */
  endpoint: string;
  /** A client acting as the bootstrap admin, without retries. */
  client: KeyplaneClient;
  /** KEYPLANE_ENDPOINT and KEYPLANE_API_KEY for the bootstrap admin. */
  env: Record<string, string>;
  /** close(), under the name the CLI-started service has (test/helpers/cli.ts). */
  stop(): Promise<void>;
}

/** The in-process service, listening on a free loopback port. */
export async function startHttpService(options: Parameters<typeof startTestService>[0] = {}): Promise<HttpService> {
  const svc = await startTestService(options);
  await svc.app.listen({ host: '127.0.0.1', port: 0 });
  const endpoint = `http://127.0.0.1:${(svc.app.server.address() as AddressInfo).port}`;
  return Object.assign(svc, {
    endpoint,
    client: new KeyplaneClient({ endpoint, apiKey: svc.adminKey, retries: 0 }),
    env: { KEYPLANE_ENDPOINT: endpoint, KEYPLANE_API_KEY: svc.adminKey },
    stop: () => svc.close(),
  });
}

/** A test service on a PostgreSQL server of its own (test/helpers/postgres.ts); close() stops both. */
export async function startTestServiceOnPostgres(
  options: Omit<Parameters<typeof startTestService>[0], 'databaseUrl'> = {},
): Promise<TestService & { pg: PostgresServer }> {
  const pg = await startPostgres();
  try {
    const svc = await startTestService({ ...options, databaseUrl: pg.url });
    const close = svc.close.bind(svc);
    return Object.assign(svc, {
      pg,
      async close() {
        try {
          await close();
        } finally {
          await pg.stop();
        }
      },
    });
  } catch (err) {
    await pg.stop();
    throw err;
  }
}

/** One API call over HTTP as `key`, with a JSON body when given; the answer's status and parsed body. */
export async function callApi(url: string, key: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as any };
}

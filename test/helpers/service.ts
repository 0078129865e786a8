/**
 * An in-process service on a fresh SQLite file (or a given PostgreSQL URL) with its bootstrap admin key,
 * for tests that call the API through `app.inject()`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppOptions } from '../../service/app';
import { initialise } from '../../service/bootstrap';
import { createContext, type ServiceContext } from '../../service/context';

export interface TestService {
  app: FastifyInstance;
  ctx: ServiceContext;
  adminKey: string;
  adminUserId: string;
  dir: string;
  /** Calls the API as `key` (the admin key by default) and returns status and parsed body. */
  call(method: string, url: string, body?: unknown, key?: string | null, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

export async function startTestService(options: { databaseUrl?: string; masterKey?: Buffer; app?: AppOptions } = {}): Promise<TestService> {
  const dir = mkdtempSync(join(tmpdir(), 'keyplane-test-'));
  const ctx = await createContext({ databaseUrl: options.databaseUrl, sqlitePath: join(dir, 'keyplane.db'), masterKey: options.masterKey ?? randomBytes(32), lastUsedFlushMs: 50 });
  const { secret, userId } = await initialise(ctx, { email: 'admin@example.com', name: 'Admin' });
  const app = await buildApp(ctx, options.app);
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
    async close() {
      await app.close();
      await ctx.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Small additions to test/helpers/keyplane.ts for the tests of the types registered in
 * provider/keyplane/others.ts: the examples as written, and Terraform's diagnostics parsed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './keyplane';

export { diagnostics, type ParsedDiagnostic } from './conformance';

/** The text of `examples/<path>`, as the docs show it. */
export function example(path: string): string {
  return readFileSync(join(ROOT, 'examples', path), 'utf8');
}

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { conformanceProvider, PROVIDER_SOURCE as CONFORMANCE_SOURCE } from './conformance';
import { type KeyplaneService, keyplaneProvider, PROVIDER_SOURCE } from './keyplane';
import { type TerraformWorkspace, createWorkspace } from './terraform';

/**
 * A workspace with two providers: keyplane against `service`, and the conformance provider (whose
 * `conformance_thing.password_wo` is a write-only argument that records the SHA-256 of what it received in
 * its store), to prove an ephemeral value reaches another provider's write-only argument.
 */
export async function twoProviderWorkspace(service: KeyplaneService): Promise<{ tf: TerraformWorkspace; storeDir: string; write(body: string): void }> {
  const [keyplaneDir, conformanceDir] = await Promise.all([keyplaneProvider(), conformanceProvider()]);
  const storeDir = mkdtempSync(join(tmpdir(), 'keyplane-conformance-store-'));
  const tf = createWorkspace({ devOverrides: { [PROVIDER_SOURCE]: keyplaneDir, [CONFORMANCE_SOURCE]: conformanceDir }, env: { ...service.env, CONFORMANCE_STORE_DIR: storeDir } });
  const header = `terraform {\n  required_providers {\n    keyplane    = { source = "${PROVIDER_SOURCE}" }\n    conformance = { source = "${CONFORMANCE_SOURCE}" }\n  }\n}\n\n`;
  return { tf, storeDir, write: (body) => tf.write({ 'main.tf': header + body }) };
}

import { type IncomingMessage, type Server, type ServerResponse, createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The address and a function of the id from `examples/resources/<type>/import.sh`, whose command reads
 * `terraform import ADDRESS ID`: the tests run that command with a real id.
 */
export function importExample(type: string): { address: string; args(id: string): string[] } {
  const script = example(`resources/${type}/import.sh`);
  const m = /^terraform import (\S+) (\S+)$/m.exec(script);
  if (!m) throw new Error(`examples/resources/${type}/import.sh has no "terraform import ADDRESS ID" line`);
  const address = m[1]!;
  return { address, args: (id) => ['import', address, id] };
}

/** What a fault proxy does with one request: pass it on, answer with a status and an API error, or reset. */
export type Fault = { status: number; code: string } | 'reset' | undefined;

/**
 * An HTTP proxy in front of the real service that injects faults into chosen requests, so a test can show
 * what the provider does when a read meets a 503, a 401 or a dropped connection after configure succeeded.
 */
export async function faultProxy(target: string, fault: (req: IncomingMessage) => Fault): Promise<{ endpoint: string; close(): Promise<void> }> {
  const upstream = new URL(target);
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const f = fault(req);
    if (f === 'reset') {
      req.socket.destroy();
      return;
    }
    if (f) {
      res.writeHead(f.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: f.code, message: `injected by the test proxy: ${f.code}` } }));
      return;
    }
    const out = httpRequest({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    out.on('error', () => res.destroy());
    req.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Small additions to test/helpers/keyplane.ts for the tests of the types registered in
 * provider/keyplane/others.ts: the examples as written, and Terraform's diagnostics parsed.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { conformanceProvider, PROVIDER_SOURCE as CONFORMANCE_SOURCE } from './conformance';
import { type KeyplaneService, keyplaneProvider, PROVIDER_SOURCE, ROOT } from './keyplane';
import { type TerraformWorkspace, createWorkspace } from './terraform';

export { diagnostics, type ParsedDiagnostic } from './conformance';

/** The text of `examples/<path>`, as the docs show it. */
export function example(path: string): string {
  return readFileSync(join(ROOT, 'examples', path), 'utf8');
}

/**
 * A workspace with two providers: keyplane against `service`, and the conformance provider (whose
 * `conformance_thing.password_wo` is a write-only argument that records the SHA-256 of what it received in
 * its store), to prove an ephemeral value reaches another provider's write-only argument.
 */
export async function twoProviderWorkspace(service: KeyplaneService): Promise<{ tf: TerraformWorkspace; storeDir: string; write(body: string): void }> {
  const [keyplaneDir, conformanceDir] = [keyplaneProvider(), conformanceProvider()];
  const storeDir = mkdtempSync(join(tmpdir(), 'keyplane-conformance-store-'));
  const tf = createWorkspace({
    devOverrides: { [PROVIDER_SOURCE]: keyplaneDir, [CONFORMANCE_SOURCE]: conformanceDir },
    env: { ...service.env, CONFORMANCE_STORE_DIR: storeDir },
  });
  const header = `terraform {\n  required_providers {\n    keyplane    = { source = "${PROVIDER_SOURCE}" }\n    conformance = { source = "${CONFORMANCE_SOURCE}" }\n  }\n}\n\n`;
  return { tf, storeDir, write: (body) => tf.write({ 'main.tf': header + body }) };
}

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

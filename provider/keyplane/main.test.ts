/**
 * What the executable runs before its handshake line, read from the bundler's own import graph
 * (scripts/bundle.js bundles main.ts with esbuild; a module reached only through `require()` inside a
 * function is loaded when that function runs). Terraform starts the provider 3 to 5 times per command, so
 * before the handshake only node built-ins and the SDK's serve entry may load: the provider, the framework,
 * the client and every package wait for the server factory (bench/provider-startup.ts measures the cost).
 */
import { isBuiltin } from 'node:module';
import { join, relative } from 'node:path';
import { build } from 'esbuild';

const ROOT = join(__dirname, '..', '..');

/** Files of the bundle evaluated at start: the entry and what it reaches through top-level imports. */
async function loadedAtStart(entry: string): Promise<{ files: string[]; all: string[] }> {
  const result = await build({
    entryPoints: [join(ROOT, entry)],
    absWorkingDir: ROOT,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    write: false,
    metafile: true,
    outfile: join(ROOT, 'dist', 'main.test.js'),
    external: ['openpgp'],
    logLevel: 'silent',
  });
  const inputs = result.metafile.inputs;
  const start = relative(ROOT, join(ROOT, entry));
  const seen = new Set([start]);
  const todo = [start];
  while (todo.length > 0) {
    for (const imported of inputs[todo.pop()!]?.imports ?? []) {
      if (imported.kind !== 'import-statement' || seen.has(imported.path)) continue;
      seen.add(imported.path);
      if (!imported.external) todo.push(imported.path);
    }
  }
  return { files: [...seen].sort(), all: Object.keys(inputs) };
}

test('before the handshake the executable loads only node built-ins, its address, its log default and the SDK serve entry with the transport', async () => {
  const { files, all } = await loadedAtStart('provider/keyplane/main.ts');
  const unexpected = files.filter(
    (f) =>
      !isBuiltin(f) &&
      ![
        'provider/keyplane/main.ts',
        'provider/keyplane/address.ts',
        'provider/keyplane/log-level.ts',
        'contract/provider-address.ts',
        'provider/sdk/serve.ts',
      ].includes(f) &&
      !f.startsWith('provider/sdk/transport/'),
  );
  expect(unexpected).toEqual([]);
  expect(files).toContain('provider/sdk/transport/serve.ts');
  // The lazily required part is in the same bundle: the graph above is the whole program, not a fragment.
  expect(all).toEqual(expect.arrayContaining(['provider/keyplane/provider.ts', 'provider/sdk/framework/server/server.ts']));
  expect(all).toContain('provider/sdk/transport/grpc-server.ts');
  expect(all.some((f) => f.startsWith('node_modules/protobufjs/'))).toBe(true);
  // The gRPC server is the SDK's own on node:http2; grpc-js is only the tests' and the bench's client.
  expect(all.filter((f) => f.startsWith('node_modules/@grpc/'))).toEqual([]);
});

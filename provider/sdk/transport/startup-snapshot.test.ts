/**
 * startOrSnapshot (startup-snapshot.ts) with the Node running the tests: a small entry bundled as
 * scripts/bundle.js bundles a provider, run as usual, then built into a startup snapshot twice and started
 * from it. The release builds its executable's snapshot the same way (scripts/release/sea.ts); that two of its
 * builds are byte-identical is checked there (test/e2e/release.test.ts): Node 20's own snapshots are not.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

const ROOT = join(__dirname, '..', '..', '..');
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'keyplane-startup-snapshot-'));
  writeFileSync(
    join(dir, 'entry.ts'),
    `import { startOrSnapshot } from ${JSON.stringify(join(ROOT, 'provider/sdk/transport/startup-snapshot'))};
const topLevel = process.env.SNAPSHOT_TEST;
startOrSnapshot(() => process.stdout.write(JSON.stringify({ topLevel, env: process.env.SNAPSHOT_TEST, args: process.argv.slice(1).filter((a) => a.length === 1), pid: process.pid })));
`,
  );
  // The transport's stdout takeover (stdio.ts), then console methods of both kinds, as a provider may call them.
  writeFileSync(
    join(dir, 'stdio.ts'),
    `import { startOrSnapshot } from ${JSON.stringify(join(ROOT, 'provider/sdk/transport/startup-snapshot'))};
import { createLogger } from ${JSON.stringify(join(ROOT, 'provider/sdk/transport/logger'))};
import { takeOverStdout } from ${JSON.stringify(join(ROOT, 'provider/sdk/transport/stdio'))};
startOrSnapshot(() => {
  const handshake = takeOverStdout(createLogger({ threshold: 0 }));
  handshake('the handshake\\n');
  console.log('a log line');
  console.table([{ table: 'row' }]);
  console.dir({ dir: 'value' });
  process.stdout.write('a stdout write\\n');
});
`,
  );
  for (const name of ['entry', 'stdio']) {
    await build({
      entryPoints: [join(dir, `${name}.ts`)],
      outfile: join(dir, `${name}.js`),
      bundle: true,
      platform: 'node',
      format: 'cjs',
      logLevel: 'silent',
    });
  }
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function node(args: string[], when = 'at start') {
  const r = spawnSync(process.execPath, args, { cwd: dir, env: { PATH: process.env.PATH, SNAPSHOT_TEST: when }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`node ${args.join(' ')}: ${r.stderr}`);
  return { out: r.stdout, err: r.stderr, pid: r.pid };
}

test('run as usual, the top level and main run at once', () => {
  const run = node(['entry.js', 'x']);
  expect(JSON.parse(run.out)).toEqual({ topLevel: 'at start', env: 'at start', args: ['x'], pid: run.pid });
});

test('built into a snapshot, the top level runs at build time and main only in the process started from it, with its environment, arguments and pid', () => {
  node(['--no-warnings', '--snapshot-blob', 'a.blob', '--build-snapshot', 'entry.js'], 'at build');
  const run = node(['--snapshot-blob', 'a.blob', 'y']);
  expect(JSON.parse(run.out)).toEqual({ topLevel: 'at build', env: 'at start', args: ['y'], pid: run.pid });
});

test('started from a snapshot, stdout still holds the handshake alone: console output and stdout writes go to stderr', () => {
  node(['--no-warnings', '--snapshot-blob', 'stdio.blob', '--build-snapshot', 'stdio.js']);
  for (const run of [node(['stdio.js']), node(['--snapshot-blob', 'stdio.blob'])]) {
    expect(run.out).toBe('the handshake\n');
    for (const text of ['a log line', '│ table │', "{ dir: 'value' }", 'a stdout write']) expect(run.err).toContain(text);
  }
});

import { spawnSync } from 'node:child_process';
import { buildSync } from 'esbuild';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { panicText } from './crash';

describe('panicText', () => {
  it("starts with `panic: ` and the error's stack, which Terraform records until the process dies", () => {
    const err = new Error('boom');
    const text = panicText(err, 'uncaughtException');
    expect(text.startsWith('panic: Error: boom\n    at ')).toBe(true);
    // No line of it may parse as JSON or start with a [LEVEL] tag, or go-plugin would not pass it on raw.
    for (const line of text.split('\n')) expect(line).not.toMatch(/^(\{|\[(TRACE|DEBUG|INFO|WARN|ERROR)\])/);
  });

  it('includes the stack of every cause', () => {
    const text = panicText(new Error('outer', { cause: new Error('inner') }), 'serve');
    expect(text).toMatch(/^panic: Error: outer\n/);
    expect(text).toMatch(/\nCaused by: Error: inner\n {4}at /);
  });

  it('describes a rejection with a value that is not an Error', () => {
    expect(panicText({ code: 7 }, 'unhandledRejection')).toMatch(/^panic: unhandledRejection: \{ code: 7 \}/);
  });
});

describe('installCrashHandler', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kp-crash-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function run(body: string) {
    const entry = join(dir, `entry-${Math.random().toString(36).slice(2)}.ts`);
    writeFileSync(entry, `import { installCrashHandler } from ${JSON.stringify(join(__dirname, 'crash'))};\ninstallCrashHandler();\n${body}\n`);
    const out = join(dir, 'out.js');
    buildSync({ entryPoints: [entry], outfile: out, bundle: true, platform: 'node', target: 'node20', logLevel: 'error' });
    return spawnSync(process.execPath, [out], { encoding: 'utf8' });
  }

  it('exits 2 with the panic text for an uncaught exception', () => {
    const res = run("setImmediate(() => { throw new Error('thrown later'); });");
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/^panic: Error: thrown later\n {4}at /);
  });

  it('exits 2 with the panic text for an unhandled rejection', () => {
    const res = run("Promise.reject(new Error('rejected'));");
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/^panic: Error: rejected\n/);
  });
});

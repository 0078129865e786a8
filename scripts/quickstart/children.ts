/**
 * The programs the quickstart runs as a user would: the `keyplane` CLI (dist/cli/main.js, on this Node) and
 * `terraform`, in the repository root with the quickstart's environment (process.env, set up by main.ts).
 * A program that fails ends the quickstart with a line naming it; its own output is already on screen.
 * @module
 */
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { fail } from './console';
import type { Paths } from './paths';

export interface RunOptions {
  /** Keep stdout instead of showing it (it is returned). stderr is always shown. */
  capture?: boolean;
  /** Written to the program's stdin. */
  input?: string;
  /** What the failure line calls the program (default: its first words). */
  what?: string;
}

/** Large enough for `terraform show -json` of any state the quickstart makes. */
const MAX_OUTPUT = 64 * 1024 * 1024;

function run(p: Paths, file: string, args: string[], name: string, o: RunOptions): string {
  const res: SpawnSyncReturns<string> = spawnSync(file, args, {
    cwd: p.root,
    encoding: 'utf8',
    input: o.input,
    maxBuffer: MAX_OUTPUT,
    stdio: [o.input === undefined ? 'ignore' : 'pipe', o.capture ? 'pipe' : 'inherit', 'inherit'],
  });
  const what = o.what ?? name;
  if (res.error) fail(`cannot run ${what}: ${(res.error as NodeJS.ErrnoException).code ?? res.error.message}`);
  if (res.status !== 0) fail(`${what} failed (${res.signal ? `signal ${res.signal}` : `exit ${res.status}`}); its output is above`);
  return res.stdout ?? '';
}

export function keyplane(p: Paths, args: string[], o: RunOptions = {}): string {
  return run(p, process.execPath, [p.cli, ...args], `keyplane ${args.slice(0, 2).join(' ')}`, o);
}

export function terraform(p: Paths, args: string[], o: RunOptions = {}): string {
  return run(p, 'terraform', [`-chdir=${p.work}`, ...args], `terraform ${args[0]}`, o);
}

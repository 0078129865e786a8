/**
 * Where a V8 CPU profile's time went (one written by `node --cpu-prof`, e.g. through `bench/run.js --cpu-prof DIR`):
 * self time by function and source line, and by where the code lives (a package under node_modules, Node's
 * internals, the service's own code), as shares of the busy time (all samples but idle ones).
 *
 *   node dist/bench/profile-top.js FILE.cpuprofile [--top N] [--requests N] [--own REGEX]
 *
 * --requests: how many requests the profiled process served, to show times per request (bench/run.js writes
 * its counts to bench/results/latest.json; the profile also covers start-up and set-up). --own: which frames the
 * total-time table lists, by a regular expression on "function file:line" (default: the service's and contract's code;
 * `main.js` for a bundled provider).
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

export interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

export interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

export interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const ROOT = process.cwd();

/** Where a file's code lives: its package under node_modules, else its first three folders in the repository. */
export function codePlace(path: string): string {
  const at = path.lastIndexOf('node_modules/');
  if (at >= 0) {
    const rest = path.slice(at + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  return relative(ROOT, path).split('/').slice(0, 3).join('/');
}

function place(url: string): string {
  if (!url) return '(native)';
  if (url.startsWith('node:')) return 'node:internal';
  return codePlace(url.replace(/^file:\/\//, ''));
}

function frameName(frame: CallFrame): string {
  const url = frame.url ? frame.url.replace(/^file:\/\//, '') : '';
  const at = url.lastIndexOf('/node_modules/');
  const shown = at >= 0 ? url.slice(at + '/node_modules/'.length) : url.startsWith('node:') ? url : url ? relative(ROOT, url) : '';
  return `${frame.functionName || '(anonymous)'} ${shown ? `${shown}:${frame.lineNumber + 1}` : ''}`.trim();
}

/** `requests`: also show each share as microseconds per request. */
export function summarise(profile: Profile, top = 25, requests?: number, own = / (dist\/)?(service|contract)\//): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const totalByFrame = new Map<string, number>();
  const selfByFrame = new Map<string, number>();
  const selfByPlace = new Map<string, number>();
  let total = 0;
  let idle = 0;
  // timeDeltas[i] is the time before sample i; the time a sample stands for is the gap to the next one.
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]!)!;
    const dt = profile.timeDeltas[i + 1] ?? 0;
    total += dt;
    const frame = node.callFrame;
    if (frame.functionName === '(idle)') {
      idle += dt;
      continue;
    }
    const name = frameName(frame);
    // Total (inclusive) time: each frame on the sample's stack, once however often it recurs.
    const onStack = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) onStack.add(frameName(byId.get(id)!.callFrame));
    for (const f of onStack) totalByFrame.set(f, (totalByFrame.get(f) ?? 0) + dt);
    selfByFrame.set(name, (selfByFrame.get(name) ?? 0) + dt);
    const where = frame.functionName.startsWith('(') ? frame.functionName : place(frame.url);
    selfByPlace.set(where, (selfByPlace.get(where) ?? 0) + dt);
  }
  const busy = total - idle;
  const pct = (us: number) => `${((100 * us) / busy).toFixed(1).padStart(5)}%${requests ? `  ${(us / requests).toFixed(2).padStart(6)} us/req` : ''}`;
  const lines = [
    `profile: ${(total / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s busy (${((100 * busy) / total).toFixed(0)}%); shares of busy time`,
  ];
  lines.push('', 'self time by function:');
  for (const [name, us] of [...selfByFrame].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`${pct(us)}  ${name}`);
  lines.push('', `total time (self and callees) by function, in ${own.source}:`);
  const ours = [...totalByFrame].filter(([name]) => own.test(name));
  for (const [name, us] of ours.sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`${pct(us)}  ${name}`);
  lines.push('', 'self time by place:');
  for (const [name, us] of [...selfByPlace].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`${pct(us)}  ${name}`);
  return lines.join('\n');
}

if (require.main === module) {
  const file = process.argv[2];
  if (!file) throw new Error('usage: node dist/bench/profile-top.js FILE.cpuprofile [--top N] [--requests N]');
  const option = (name: string) => (process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : undefined);
  const own = process.argv.includes('--own') ? new RegExp(process.argv[process.argv.indexOf('--own') + 1]!) : undefined;
  console.log(summarise(JSON.parse(readFileSync(file, 'utf8')) as Profile, option('--top') ?? 25, option('--requests'), own));
}

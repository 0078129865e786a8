/**
 * Where a provider process's CPU went, per RPC method: reads V8 CPU profiles of the bundled provider (written by
 * `bench/run.js terraform-keys --provider-cpu-prof DIR`) and splits the busy time by the SDK server method on
 * the stack (provider/sdk/framework/server), and each part by the module its self time is in. The bundle's
 * `// path` comments (scripts/bundle.js) tell which source module a line of main.js came from.
 *
 *   node dist/bench/rpc-cpu.js FILE.cpuprofile... [--bundle dist/provider/keyplane/main.js] [--calls N] [--top N] [--functions]
 *
 * --calls: how many RPCs the profiled processes served in all, to print the time outside any method (gRPC,
 * HTTP/2, conversion) per call; the methods' own counts are not in a profile, so their times are totals.
 * --functions: split each module's time by function.
 */
import { readFileSync } from 'node:fs';
import { type CallFrame, codePlace, type Profile } from './profile-top';

/** The ProviderServer methods (provider/sdk/framework/server/server.ts) a sample is attributed to. */
const METHODS = new Set([
  'getProviderSchema',
  'validateProviderConfig',
  'configureProvider',
  'validateResourceConfig',
  'upgradeResourceState',
  'readResource',
  'planResourceChange',
  'applyResourceChange',
  'importResourceState',
  'readDataSource',
  'validateDataResourceConfig',
]);

/** Start-up: module loading and compilation, before any RPC can be served. */
const STARTUP = new Set(['__init', '__require', 'wrapSafe', 'compileForInternalLoader', 'Module._load', 'require']);

/** Line number (0-based) → source module of the bundle, from esbuild's `// path` comments. */
function bundleModules(file: string): (line: number) => string {
  const starts: { line: number; module: string }[] = [];
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((text, i) => {
      const m = /^\/\/ (\S+\.(?:js|ts|json))$/.exec(text);
      if (m) starts.push({ line: i, module: codePlace(m[1]!) });
    });
  return (line) => {
    let lo = 0;
    let hi = starts.length - 1;
    let found = '(bundle)';
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid]!.line <= line) {
        found = starts[mid]!.module;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  };
}

function place(frame: CallFrame, inBundle: (line: number) => string, bundle: string, detail: boolean): string {
  if (frame.functionName === '(garbage collector)' || frame.functionName === '(program)') return frame.functionName;
  if (!frame.url) return '(native)';
  if (frame.url.startsWith('node:')) return detail ? `${frame.url} ${frame.functionName}` : 'node:internal';
  if (frame.url.endsWith(bundle)) return detail ? `${inBundle(frame.lineNumber)} ${frame.functionName}` : inBundle(frame.lineNumber);
  return frame.url.replace(/^file:\/\//, '');
}

function main(): void {
  const args = process.argv.slice(2);
  const opt = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
  const bundle = opt('--bundle') ?? 'dist/provider/keyplane/main.js';
  const calls = opt('--calls') ? Number(opt('--calls')) : undefined;
  const top = Number(opt('--top') ?? 12);
  const detail = args.includes('--functions');
  const files = args.filter((a, i) => a.endsWith('.cpuprofile') && !['--bundle', '--calls', '--top'].includes(args[i - 1] ?? ''));
  const inBundle = bundleModules(bundle);
  const bundleName = bundle.split('/').slice(-3).join('/');

  // method (or '(startup)' / '(outside)') → place → µs
  const table = new Map<string, Map<string, number>>();
  let busy = 0;
  for (const file of files) {
    const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const parent = new Map<number, number>();
    for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    const groupOf = new Map<number, string>();
    const group = (id: number): string => {
      let g = groupOf.get(id);
      if (g !== undefined) return g;
      const name = byId.get(id)!.callFrame.functionName;
      const up = parent.get(id);
      const above = up === undefined ? '(outside)' : group(up);
      // The outermost method on the stack names the call; start-up wins over everything.
      g = above === '(startup)' ? above : STARTUP.has(name) ? '(startup)' : above === '(outside)' && METHODS.has(name) ? name : above;
      groupOf.set(id, g);
      return g;
    };
    for (let i = 0; i < profile.samples.length; i++) {
      const node = byId.get(profile.samples[i]!)!;
      if (node.callFrame.functionName === '(idle)') continue;
      const dt = profile.timeDeltas[i + 1] ?? 0;
      busy += dt;
      const g = group(node.id);
      const p = place(node.callFrame, inBundle, bundleName, detail);
      const row = table.get(g) ?? new Map<string, number>();
      row.set(p, (row.get(p) ?? 0) + dt);
      table.set(g, row);
    }
  }
  const ms = (us: number) => `${(us / 1000).toFixed(1)} ms`;
  console.log(`${files.length} profile(s), ${ms(busy)} busy`);
  const rows = [...table.entries()].map(([g, row]) => ({ g, row, total: [...row.values()].reduce((a, b) => a + b, 0) })).sort((a, b) => b.total - a.total);
  for (const { g, row, total } of rows) {
    const perCall = g === '(outside)' && calls ? `, ${(total / calls).toFixed(0)} µs per call over ${calls} calls` : '';
    console.log(`\n${g}: ${ms(total)} (${((100 * total) / busy).toFixed(1)}%)${perCall}`);
    for (const [p, us] of [...row.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${ms(us).padStart(10)}  ${p}`);
  }
}

main();

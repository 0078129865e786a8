/**
 * The import rules between components (.dependency-cruiser.js, run by dependency-cruiser) hold over the
 * repository, and each rule really catches the import it names: a small tree with one forbidden import per rule
 * must produce exactly those violations.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ROOT } from '../helpers/cli';

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
}

function cruise(cwd: string, paths: string[], config: string): Violation[] {
  const bin = join(ROOT, 'node_modules', '.bin', 'depcruise');
  const r = spawnSync(bin, ['--config', config, '--output-type', 'json', ...paths], { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status === null || (r.status !== 0 && !r.stdout.startsWith('{'))) throw new Error(`depcruise failed:\n${r.stderr}`);
  return (JSON.parse(r.stdout) as { summary: { violations: Violation[] } }).summary.violations;
}

test('no component imports one it must not', () => {
  const violations = cruise(ROOT, ['contract', 'service', 'client', 'cli', 'provider', 'scripts', 'bench', 'test'], '.dependency-cruiser.js');
  expect(violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`)).toEqual([]);
});

test('each rule catches the import it forbids', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keyplane-boundaries-'));
  try {
    const files: Record<string, string> = {
      'tsconfig.json': '{ "compilerOptions": { "module": "commonjs", "strict": true } }',
      'package.json': JSON.stringify({ name: 'probe', dependencies: {}, devDependencies: { 'fast-check': '*' } }),
      'node_modules/fast-check/package.json': '{ "name": "fast-check", "main": "index.js" }',
      'node_modules/fast-check/index.js': '',
      'node_modules/@sinclair/typebox/package.json': '{ "name": "@sinclair/typebox", "main": "index.js" }',
      'node_modules/@sinclair/typebox/index.js': '',
      'contract/roles.ts': 'export const ROLES = [];',
      'contract/api/common.ts': 'export const Role = 1;',
      'contract/leaky.ts': "import { Type } from '@sinclair/typebox';\nimport { Role } from './api/common';\nexport const x = [Type, Role];",
      'contract/reaching.ts': "import { cli } from '../cli/options';\nexport const y = cli;",
      'service/errors.ts': 'export const E = 1;',
      'service/calls-client.ts': "import { C } from '../client/index';\nexport const s = C;",
      'client/index.ts': 'export const C = 1;',
      'client/reaching.ts': "import { E } from '../service/errors';\nexport const c = E;",
      'cli/options.ts': "import { E } from '../service/errors';\nexport const cli = E;",
      'cli/commands/server.ts': "import { E } from '../../service/errors';\nexport const start = E;",
      'cli/speaks-http.ts': "import http from 'node:http';\nexport const h = http;",
      'provider/sdk/server.ts': "import { ROLES } from '../../contract/roles';\nexport const z = ROLES;",
      'provider/sdk/index.ts': "export { z } from './server';",
      'provider/keyplane/public.ts': "import { z } from '../sdk';\nexport const pub = z;",
      'provider/keyplane/deep.ts': "import { z } from '../sdk/server';\nexport const deep = z;",
      'provider/keyplane/resource.ts':
        "import { E } from '../../service/errors';\nimport { Role } from '../../contract/api/common';\nimport fc from 'fast-check';\nexport const r = [E, Role, fc];",
      'provider/keyplane/typed.ts': "import type { Role } from '../../contract/api/common';\nexport type T = typeof Role;",
      'provider/keyplane/helper.ts': "import { probe } from '../../test/helpers/probe';\nexport const p = probe;",
      'test/helpers/probe.ts': "import { E } from '../../service/errors';\nexport const probe = E;",
      'scripts/quickstart.ts': "import { E } from '../service/errors';\nexport const q = E;",
    };
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    const violations = cruise(dir, ['contract', 'service', 'client', 'cli', 'provider', 'scripts', 'test'], join(ROOT, '.dependency-cruiser.js'));
    expect(violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`).sort()).toEqual(
      [
        'cli-imports-service-only-to-run-a-server: cli/options.ts -> service/errors.ts',
        'client-imports-only-the-contract: client/reaching.ts -> service/errors.ts',
        'contract-imports-no-component: contract/reaching.ts -> cli/options.ts',
        'contract-rules-load-no-schema-library: contract/leaky.ts -> contract/api/common.ts',
        'contract-rules-load-no-schema-library: contract/leaky.ts -> node_modules/@sinclair/typebox/index.js',
        'only-client-speaks-http: cli/speaks-http.ts -> http',
        'product-code-imports-no-test-code: provider/keyplane/helper.ts -> test/helpers/probe.ts',
        'product-code-needs-no-dev-dependency: provider/keyplane/resource.ts -> node_modules/fast-check/index.js',
        'provider-never-imports-service: provider/keyplane/resource.ts -> service/errors.ts',
        'provider-takes-api-schemas-as-types-only: provider/keyplane/resource.ts -> contract/api/common.ts',
        'provider-uses-the-sdk-entry-points: provider/keyplane/deep.ts -> provider/sdk/server.ts',
        'scripts-never-import-service: scripts/quickstart.ts -> service/errors.ts',
        'sdk-knows-nothing-of-keyplane: provider/sdk/server.ts -> contract/roles.ts',
        'service-imports-no-caller: service/calls-client.ts -> client/index.ts',
      ].sort(),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

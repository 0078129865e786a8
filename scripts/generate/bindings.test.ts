/**
 * The bindings are npm packages that work: `npm run build` compiles each from its checked-in sources with tsc
 * under strict mode (the test checks what it made, and that it was made from the sources as they are), each
 * declares its peer dependencies, loads through its workspace name with the classes users import, and packs
 * with its compiled code and types.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { built } from '../../test/helpers/build';
import { FLAVOURS } from './bindings';
import { ROOT } from './files';

jest.setTimeout(120_000);

describe.each(FLAVOURS)('bindings/$name', (flavour) => {
  const dir = join(ROOT, 'bindings', flavour.name);

  test('the build compiled it with tsc (strict) to JavaScript and declarations, from its current sources', () => {
    const lib = built(`bindings/${flavour.name}/lib`);
    expect(JSON.parse(readFileSync(join(dir, 'tsconfig.json'), 'utf8')).compilerOptions).toMatchObject({ strict: true, declaration: true, outDir: 'lib' });
    for (const f of ['index.js', 'index.d.ts', 'api-key/index.js', 'api-key/index.d.ts', 'provider/index.d.ts']) expect(existsSync(join(lib, f))).toBe(true);
    expect(readFileSync(join(lib, 'api-key/index.d.ts'), 'utf8')).toMatch(/readonly outputToSecretStore\?: ApiKeyOutputToSecretStore/);
  });

  test(`is the package ${flavour.packageName} with peer dependencies on ${Object.keys(flavour.peerDependencies).join(' and ')}`, () => {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, any>;
    const root = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, any>;
    expect(pkg).toMatchObject({
      name: flavour.packageName,
      version: root.version,
      main: 'lib/index.js',
      types: 'lib/index.d.ts',
      peerDependencies: flavour.peerDependencies,
    });
    expect(pkg.dependencies).toBeUndefined();
    // npm shows the description on install and search: the blurb's first sentence, whole.
    const what = {
      cdktf: 'for CDK for Terraform (`cdktf` 0.21, the last HashiCorp release)',
      cdktn: 'for CDK Terrain (`cdktn`), the community continuation of CDKTF',
    };
    expect(pkg.description).toBe(`Keyplane provider bindings ${what[flavour.name as keyof typeof what]}. Generated from schemas/keyplane.json: do not edit.`);
    expect(root.workspaces).toContain(`bindings/${flavour.name}`);
  });

  test('loads by its package name (the build compiled it) and declares the resources users write', () => {
    const mod = require(flavour.packageName) as Record<string, Record<string, any>>;
    expect(mod.provider!.KeyplaneProvider.tfResourceType).toBe('keyplane');
    expect(mod.apiKey!.ApiKey.tfResourceType).toBe('keyplane_api_key');
    expect(mod.serviceAccount!.ServiceAccount.tfResourceType).toBe('keyplane_service_account');
    expect(mod.dataKeyplaneScopes!.DataKeyplaneScopes.tfResourceType).toBe('keyplane_scopes');
    if (flavour.name === 'cdktn') expect(mod.ephemeralKeyplaneSecretVersion).toBeDefined();
    else expect(mod.ephemeralKeyplaneSecretVersion).toBeUndefined();
  });

  test("the top-level README's table states this package's peer dependencies as package.json does", () => {
    const row = readFileSync(join(ROOT, 'README.md'), 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`| [\`${flavour.packageName}\`]`));
    expect(row).toBeDefined();
    // The README shortens ^0.21.0 to ^0.21 and >=10.6.0 to >=10.6: compare without trailing .0 parts.
    const short = (range: string) => range.replace(/(\d+\.\d+)\.0\b/g, '$1');
    for (const [name, range] of Object.entries(flavour.peerDependencies)) expect(row).toContain(`\`${name}\` ${short(range)}`);
  });

  test('packs with lib/ (code and types) and src/', () => {
    const packed = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: dir, encoding: 'utf8' })) as {
      files: { path: string }[];
    }[];
    const files = packed[0]!.files.map((f) => f.path);
    expect(files).toEqual(
      expect.arrayContaining(['package.json', 'README.md', 'lib/index.js', 'lib/index.d.ts', 'lib/api-key/index.js', 'src/api-key/index.ts']),
    );
  });
});

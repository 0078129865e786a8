/**
 * The checked-in generated files (schemas/, the registry docs, the CDKTF and CDK Terrain bindings) are what
 * the code generates now: a schema or description change without `npm run generate` fails here (and in CI).
 */
import { generateAll } from './main';
import { compare } from './files';

jest.setTimeout(60_000);

test('every generated file is up to date (run `npm run generate` when this fails)', async () => {
  const all = await generateAll();
  const problems = all.flatMap((g) => {
    const { stale, extra } = compare(g);
    return [...stale.map((p) => `stale: ${p}`), ...extra.map((p) => `no longer generated: ${p}`)];
  });
  expect(problems).toEqual([]);
  const paths = all.flatMap((g) => g.files.map((f) => f.path));
  expect(paths).toEqual(
    expect.arrayContaining(['schemas/keyplane.json', 'bindings/cdktf/src/api-key/index.ts', 'bindings/cdktn/src/ephemeral-keyplane-secret-version/index.ts']),
  );
});

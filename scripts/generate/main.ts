/**
 * `npm run generate`: writes every generated artefact from the provider's code: schemas/keyplane.json, the
 * registry docs under docs/, and the CDKTF/CDK Terrain bindings under bindings/. With `--check` nothing is
 * written; it lists what is stale and exits 1 (the test suite runs the same comparison).
 */
import { generateBindings } from './bindings';
import { generateDocs } from './docs';
import { compare, type Generated, write } from './files';
import { generateSchema } from './schema';

export async function generateAll(): Promise<Generated[]> {
  const schema = await generateSchema();
  return [schema, await generateDocs(schema.document), await generateBindings(schema.document)];
}

async function main(argv: string[]): Promise<number> {
  const check = argv.includes('--check');
  const all = await generateAll();
  if (check) {
    const problems = all.flatMap((g) => {
      const { stale, extra } = compare(g);
      return [...stale.map((p) => `stale: ${p}`), ...extra.map((p) => `no longer generated: ${p}`)];
    });
    for (const p of problems) process.stderr.write(`${p}\n`);
    if (problems.length > 0) process.stderr.write('generated files are out of date: run `npm run generate` and commit the result\n');
    return problems.length > 0 ? 1 : 0;
  }
  const touched = all.flatMap((g) => write(g));
  process.stdout.write(touched.length > 0 ? `${touched.map((p) => `wrote ${p}`).join('\n')}\n` : 'everything generated is up to date\n');
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (err: unknown) => {
      process.stderr.write(`generate: ${(err as Error).stack ?? String(err)}\n`);
      process.exitCode = 1;
    },
  );
}

/**
 * `npm run quickstart:clean` (scripts/quickstart-clean.sh runs this, built into dist/): stops the service a
 * quickstart left running (by its pid file) and removes the quickstart's data dir (.keyplane/quickstart, or
 * KEYPLANE_QUICKSTART_DIR): store, keys, provider mirror, Terraform state.
 * @module
 */
import { rmSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { say } from './console';
import { quickstartPaths } from './paths';
import { stopServer } from './service';

export async function main(argv: string[]): Promise<number> {
  const program = new Command('quickstart:clean')
    .description("Stop the quickstart's service and remove its data dir (.keyplane/quickstart, or $KEYPLANE_QUICKSTART_DIR).")
    .exitOverride();
  try {
    program.parse(argv);
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    throw err;
  }
  const p = quickstartPaths();
  await stopServer(p);
  rmSync(p.data, { recursive: true, force: true });
  say(`removed ${p.relData}`);
  return 0;
}

if (require.main === module) {
  main(process.argv).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`quickstart:clean failed: ${(err as Error)?.message ?? String(err)}\n`);
      process.exitCode = 1;
    },
  );
}

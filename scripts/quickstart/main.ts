/**
 * `npm run quickstart` (scripts/quickstart.sh runs this, built into dist/): Keyplane keys managed by
 * Terraform, from a fresh clone, offline. It starts the embedded Keyplane service on SQLite (data in
 * .keyplane/quickstart), installs the provider into a local filesystem mirror that `terraform init` uses,
 * and runs `terraform init` and `terraform apply` on examples/quickstart: a service account, an IP allow
 * list, a secret, a key whose secret goes to the secret store, a key encrypted to a PGP key generated here,
 * and a data source. Then it reads both secrets back (store, PGP), checks that neither is anywhere in the
 * state and that both keys authenticate, and prints a summary.
 *
 * The service keeps running afterwards, for you to use; run this again and it reuses it (the second apply
 * changes nothing). `npm run quickstart:clean` (clean.ts) stops it and removes everything.
 *
 * It talks HTTP to the service only through the client (client/), and runs the `keyplane` CLI and
 * `terraform` the way a user would. Exit codes: 0 done, 1 a step failed (the last lines say which, and how
 * to start over), 2 a bad option.
 * @module
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { prove } from './checks';
import { keyplane, terraform } from './children';
import { fail, QuickstartFailure, say, show, step } from './console';
import { type Paths, quickstartPaths } from './paths';
import { type ChosenPort, DEFAULT_PORT, defaultPort, PORT_ENV, parsePort, requireFree } from './port';
import { endpointOf, healthy, readNumber, runningServerPid, startServer, stopServer } from './service';
import { printSummary } from './summary';
import { checkTerraformVersion, forgetStaleLock, outputs, prepareWorkingCopy } from './terraform';

const START_OVER = '(to start over from nothing: npm run quickstart:clean, then npm run quickstart)';

/** dist/ as `npm run build` makes it; one from an older checkout lacks what the quickstart runs. */
function ensureBuilt(p: Paths): void {
  const needed = ['dist/cli/main.js', 'dist/provider/keyplane/main.js', 'dist/cli/commands/provider.js'];
  if (needed.every((f) => existsSync(join(p.root, f)))) return;
  say('dist/ is missing or old; building it (npm run build)');
  const res = spawnSync('npm', ['run', 'build'], { cwd: p.root, stdio: ['ignore', 'ignore', 'inherit'] });
  if (res.status !== 0) fail('npm run build failed (its errors are above)');
}

/**
 * The store and the state go together: a store without the state (left by an older quickstart, or a run
 * stopped before its first apply) holds names the apply would collide with, so it is made anew.
 */
function ensureStore(p: Paths): void {
  if (existsSync(p.adminKey) && existsSync(p.state)) return;
  if (existsSync(p.data)) say(`${p.relData} holds no Terraform state to go with its store; starting over`);
  step(`Initialising the store in ${p.relData}: SQLite database, master key (mode 0600), first admin and its API key`);
  rmSync(p.data, { recursive: true, force: true });
  mkdirSync(p.data, { recursive: true });
  chmodSync(p.data, 0o700);
  const args = ['server', 'init', '--data', p.relData, '--admin-email', 'admin@example.com', '--admin-name', 'Quickstart Admin'];
  args.push('--key-file', `${p.relData}/admin.key`);
  show('keyplane', args);
  keyplane(p, args);
}

/** Reuses the service a previous run left, or starts it; resolves with its port. */
async function service(p: Paths, chosen: ChosenPort | undefined): Promise<number> {
  const pid = runningServerPid(p);
  const lastPort = readNumber(p.portFile);
  if (pid !== undefined && lastPort !== undefined && (await healthy(lastPort))) {
    if (chosen === undefined || chosen.port === lastPort) {
      step(`Reusing the Keyplane service from the last run: ${endpointOf(lastPort)} (pid ${pid})`);
      return lastPort;
    }
    // Checked before stopping it, so that a port that cannot be had leaves the running service alone.
    await requireFree(chosen, p.relData);
    say(`the service from the last run listens on port ${lastPort}; restarting it on port ${chosen.port} (from ${chosen.source})`);
    await stopServer(p);
  } else if (pid !== undefined) {
    say(`the service from the last run (pid ${pid}) does not answer; restarting it`);
    await stopServer(p);
  }
  // A port the user chose is checked before the store is touched; the default is picked as before.
  if (chosen !== undefined) await requireFree(chosen, p.relData);
  ensureStore(p);
  const port = chosen?.port ?? (await defaultPort(readNumber(p.portFile)));
  await startServer(p, port);
  return port;
}

async function quickstart(chosen: ChosenPort | undefined): Promise<void> {
  const p = quickstartPaths();
  process.chdir(p.root);
  // The quickstart talks only to the service it starts, never to one the caller's environment points at,
  // and uses only the CLI configuration it writes; what it sets here, every program it runs inherits.
  for (const name of ['KEYPLANE_ENDPOINT', 'KEYPLANE_API_KEY', 'TF_CLI_CONFIG_FILE', 'TF_DATA_DIR', 'TF_WORKSPACE']) delete process.env[name];
  Object.assign(process.env, { CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' });
  // Colour only for a person at a terminal.
  const noColor = process.stdout.isTTY ? [] : ['-no-color'];

  checkTerraformVersion();
  ensureBuilt(p);

  const port = await service(p, chosen);
  const endpoint = endpointOf(port);
  const adminKey = readFileSync(p.adminKey, 'utf8').trim();
  Object.assign(process.env, { KEYPLANE_ENDPOINT: endpoint, KEYPLANE_API_KEY: adminKey });

  step('Installing the provider into a local filesystem mirror, and a CLI configuration that uses it');
  show('keyplane', ['provider', 'install', '--launcher', '--dir', `${p.relData}/plugins`, '--cli-config', `${p.relData}/terraformrc`]);
  const installed = keyplane(p, ['provider', 'install', '--launcher', '--dir', p.plugins, '--cli-config', p.cliConfig], { capture: true });
  process.stdout.write(installed);
  const launcherHash = /^\s*hash\s+(\S+)/m.exec(installed)?.[1];
  if (!launcherHash?.startsWith('h1:')) fail('provider install printed no h1: hash');
  process.env.TF_CLI_CONFIG_FILE = p.cliConfig;

  step(`A PGP key pair for the oncall key (the private half stays in ${p.relData}/pgp, mode 0600)`);
  if (existsSync(p.publicKey) && existsSync(p.privateKey)) say(`kept from the last run: ${p.relData}/pgp/public.asc`);
  else {
    const args = ['pgp', 'generate-key', '--name', 'Quickstart Oncall', '--email', 'oncall@example.com', '--out-dir'];
    show('keyplane', [...args, `${p.relData}/pgp`]);
    keyplane(p, [...args, p.pgpDir, '--force']);
  }

  step(`terraform init and apply on examples/quickstart (working copy: ${p.relData}/terraform)`);
  prepareWorkingCopy(p);
  forgetStaleLock(p, launcherHash);
  show('terraform', ['init', '-input=false']);
  terraform(p, ['init', '-input=false', ...noColor]);
  show('terraform', ['apply', '-auto-approve']);
  terraform(p, ['apply', '-auto-approve', '-input=false', ...noColor]);

  const out = outputs(p);
  const proven = await prove(p, endpoint, adminKey, out);
  printSummary(p, endpoint, out, proven);
}

export function buildProgram(): Command {
  return new Command('quickstart')
    .description('Start the Keyplane service in the background and manage keys in it with terraform apply (examples/quickstart), offline.')
    .addOption(
      new Option('--port <number>', `the service's port (default: the last run's, else ${DEFAULT_PORT}, else any free port)`)
        .env(PORT_ENV)
        .argParser(parsePort),
    )
    .addHelpText(
      'after',
      `
A port you choose is used or refused: when something else listens there, the quickstart stops and says so.
A service the last run left on another port is moved to it (same store and state).

Environment:
  ${PORT_ENV}    the port, when --port is not given (empty: unset)
  KEYPLANE_QUICKSTART_DIR     the data dir (default .keyplane/quickstart, relative to the repository root)

Example:
  npm run quickstart -- --port 7500`,
    )
    .exitOverride();
}

export async function main(argv: string[]): Promise<number> {
  // An empty variable counts as unset, as an empty KEYPLANE_QUICKSTART_DIR does.
  if (process.env[PORT_ENV] === '') delete process.env[PORT_ENV];
  const program = buildProgram();
  try {
    program.parse(argv);
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    throw err;
  }
  const port = program.opts<{ port?: number }>().port;
  const chosen: ChosenPort | undefined =
    port === undefined ? undefined : { port, source: program.getOptionValueSource('port') === 'env' ? PORT_ENV : '--port' };
  try {
    await quickstart(chosen);
    return 0;
  } catch (err) {
    const message = err instanceof QuickstartFailure ? err.message : ((err as Error)?.stack ?? String(err));
    process.stderr.write(`quickstart failed: ${message}\n${START_OVER}\n`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv).then((code) => {
    process.exitCode = code;
  });
}

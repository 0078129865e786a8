/**
 * Where the quickstart keeps everything: its data dir and the files in it. The quickstart (main.ts) and its
 * clean-up (clean.ts) agree on them through this one definition.
 *
 * KEYPLANE_QUICKSTART_DIR moves the data dir (relative to the repository root, or absolute; empty means
 * unset); the tests use it so that `npm test` never touches a quickstart of yours in .keyplane/quickstart.
 * @module
 */
import { isAbsolute, join } from 'node:path';
import { packageRoot } from '../../cli/version';

export const DIR_ENV = 'KEYPLANE_QUICKSTART_DIR';

export interface Paths {
  /** The repository root; relative paths (the data dir, the printed commands) start there. */
  root: string;
  /** The data dir as given (relative to `root`, or absolute): what messages and printed commands show. */
  relData: string;
  data: string;
  cli: string;
  pidFile: string;
  portFile: string;
  adminKey: string;
  serverLog: string;
  plugins: string;
  cliConfig: string;
  pgpDir: string;
  publicKey: string;
  privateKey: string;
  /** The working copy of examples/quickstart where terraform runs. */
  work: string;
  state: string;
  lockFile: string;
}

export function quickstartPaths(env: NodeJS.ProcessEnv = process.env): Paths {
  const root = packageRoot(__dirname);
  const relData = env[DIR_ENV] || '.keyplane/quickstart';
  const data = isAbsolute(relData) ? relData : join(root, relData);
  const work = join(data, 'terraform');
  return {
    root,
    relData,
    data,
    cli: join(root, 'dist/cli/main.js'),
    pidFile: join(data, 'server.pid'),
    portFile: join(data, 'port'),
    adminKey: join(data, 'admin.key'),
    serverLog: join(data, 'server.log'),
    plugins: join(data, 'plugins'),
    cliConfig: join(data, 'terraformrc'),
    pgpDir: join(data, 'pgp'),
    publicKey: join(data, 'pgp/public.asc'),
    privateKey: join(data, 'pgp/private.asc'),
    work,
    state: join(work, 'terraform.tfstate'),
    lockFile: join(work, '.terraform.lock.hcl'),
  };
}

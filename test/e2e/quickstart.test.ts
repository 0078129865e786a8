/**
 * The quickstart (scripts/quickstart.sh, the wrapper of scripts/quickstart/main.ts), the README's main job,
 * end to end with the real terraform and no network (every proxy variable points at a closed port, so a
 * registry download would fail): it must start the service, install the provider into a mirror that
 * `terraform init` uses, apply examples/quickstart, and prove the state holds no secret; this test checks
 * each claim itself, from the files and the service. Run again it reuses the service and changes nothing;
 * with port 7420 taken it moves, unless the port was chosen (--port, KEYPLANE_QUICKSTART_PORT): then it
 * refuses; a leftover service that does not answer is restarted; `npm run quickstart:clean`
 * (scripts/quickstart-clean.sh, the wrapper of scripts/quickstart/clean.ts) stops the service and removes
 * the data dir.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { KeyplaneClient } from '../../client';
import { CLI, freePort, keyplane, ROOT } from '../helpers/cli';
import { describeTerraform } from '../helpers/terraform';
import { secretFragmentsIn } from '../helpers/keyplane';

// A data dir of the tests' own, so that `npm test` leaves a quickstart of the user's (.keyplane/quickstart) alone.
const REL_DATA = `.keyplane/quickstart-test-${process.pid}`;
const DATA = join(ROOT, REL_DATA);
const OFFLINE = {
  HTTPS_PROXY: 'http://127.0.0.1:9',
  HTTP_PROXY: 'http://127.0.0.1:9',
  https_proxy: 'http://127.0.0.1:9',
  http_proxy: 'http://127.0.0.1:9',
  NO_PROXY: '',
  no_proxy: '',
};
// The caller's Keyplane and Terraform settings must not leak in.
const env = (extra: Record<string, string>): NodeJS.ProcessEnv => ({
  ...process.env,
  ...OFFLINE,
  KEYPLANE_QUICKSTART_DIR: REL_DATA,
  KEYPLANE_ENDPOINT: 'http://127.0.0.1:9',
  KEYPLANE_API_KEY: 'kp_not_a_key',
  TF_CLI_CONFIG_FILE: '/nonexistent/terraformrc',
  KEYPLANE_QUICKSTART_PORT: undefined,
  ...extra,
});
const run = (script: string, args: string[] = [], extra: Record<string, string> = {}) =>
  spawnSync('bash', [join('scripts', script), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000, env: env(extra) });

/** Like `run`, without blocking this process: needed when a process the script stops is a child of this one (it must be reaped). */
function runAsync(script: string, args: string[] = [], extra: Record<string, string> = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const c = spawn('bash', [join('scripts', script), ...args], { cwd: ROOT, env: env(extra) });
  let stdout = '';
  let stderr = '';
  c.stdout.on('data', (d) => (stdout += d));
  c.stderr.on('data', (d) => (stderr += d));
  const kill = setTimeout(() => c.kill('SIGKILL'), 120_000);
  return new Promise((resolve) =>
    c.on('close', (status) => {
      clearTimeout(kill);
      resolve({ status, stdout, stderr });
    }),
  );
}

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(true));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(false)));
  });

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

function expectOk(r: { status: number | null; stdout: string; stderr: string }): void {
  expect({ status: r.status, tail: `${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}` }).toEqual({ status: 0, tail: expect.any(String) });
}

describeTerraform('quickstart', () => {
  afterAll(() => {
    run('quickstart-clean.sh');
  });

  test('one command: service, offline provider install, terraform init and apply, secrets only in the store and in PGP; again: no changes', async () => {
    expect(run('quickstart-clean.sh').status).toBe(0);
    const first = run('quickstart.sh');
    expectOk(first);
    const out = first.stdout;
    // The steps, in order.
    const order = [
      /Initialising the store/,
      /Starting the service in the background on http:\/\/127\.0\.0\.1:\d+/,
      /Installed registry\.terraform\.io\/keyplane\/keyplane \d+\.\d+\.\d+ for \w+/,
      /Installed keyplane\/keyplane v[\d.]+ \(unauthenticated\)/,
      /Apply complete! Resources: 5 added, 0 changed, 0 destroyed\./,
      /^Outputs:$/m,
      /no 12-character piece of either secret in terraform\.tfstate/,
      /both keys authenticate/,
      /^==> Summary$/m,
    ];
    let at = 0;
    for (const step of order) {
      const m = new RegExp(step.source, step.flags.includes('m') ? 'm' : '').exec(out.slice(at));
      expect({ step: step.source, found: m !== null }).toEqual({ step: step.source, found: true });
      at += m!.index + m![0].length;
    }
    expect(out).toMatch(/keyplane secret read sec_\w+ 1 --entry KEYPLANE_API_KEY/);
    expect(out).toMatch(/npm run quickstart:clean/);

    // The service keeps running, on the port in the summary.
    const port = Number(readFileSync(join(DATA, 'port'), 'utf8'));
    const pid = Number(readFileSync(join(DATA, 'server.pid'), 'utf8'));
    expect(alive(pid)).toBe(true);
    expect(out).toContain(`service at http://127.0.0.1:${port}`);

    // init used the mirror: the lock file records the launcher's hash, the one `provider install` printed.
    const hash = /hash +(h1:[A-Za-z0-9+/=]+)/.exec(out)?.[1];
    expect(hash).toBeDefined();
    const lock = readFileSync(join(DATA, 'terraform/.terraform.lock.hcl'), 'utf8');
    expect(lock).toContain('provider "registry.terraform.io/keyplane/keyplane"');
    expect(lock).toContain(`"${hash}"`);

    // What the service holds, checked with our own client: the store's version is a working key, the PGP
    // message decrypts to a working key, and no piece of either is in the state, the output or a log.
    const admin = new KeyplaneClient({ endpoint: `http://127.0.0.1:${port}`, apiKey: readFileSync(join(DATA, 'admin.key'), 'utf8').trim(), retries: 0 });
    const state = JSON.parse(readFileSync(join(DATA, 'terraform/terraform.tfstate'), 'utf8')) as { outputs: Record<string, { value: string }> };
    const [secretId, version] = state.outputs.ci_key_secret_store_version!.value.split('/');
    const stored = await admin.readSecretVersion(secretId!, Number(version));
    const ciSecret = stored.entries!.KEYPLANE_API_KEY!;
    const privateKey = await openpgp.readPrivateKey({ armoredKey: readFileSync(join(DATA, 'pgp/private.asc'), 'utf8') });
    const message = await openpgp.readMessage({ armoredMessage: state.outputs.oncall_encrypted_secret!.value });
    const oncallSecret = String((await openpgp.decrypt({ message, decryptionKeys: privateKey })).data);
    for (const [secret, keyId] of [
      [ciSecret, state.outputs.ci_key_id!.value],
      [oncallSecret, state.outputs.oncall_key_id!.value],
    ] as const) {
      expect(secret).toMatch(/^kp_/);
      expect((await new KeyplaneClient({ endpoint: `http://127.0.0.1:${port}`, apiKey: secret, retries: 0 }).whoami()).api_key.id).toBe(keyId);
      const everything = [
        readFileSync(join(DATA, 'terraform/terraform.tfstate'), 'utf8'),
        first.stdout,
        first.stderr,
        readFileSync(join(DATA, 'server.log'), 'utf8'),
      ].join('\n');
      expect(secretFragmentsIn(everything, secret)).toEqual([]);
    }
    // The data source listed both keys.
    const listed = (state.outputs.active_quickstart_key_ids as unknown as { value: string[] }).value;
    expect(listed.sort()).toEqual([state.outputs.ci_key_id!.value, state.outputs.oncall_key_id!.value].sort());
    expect(statSync(join(DATA, 'pgp/private.asc')).mode & 0o777).toBe(0o600);

    // The summary's own commands work as printed: plan in the working copy (the tfvars file holds the
    // variable) with the exported CLI configuration and key, and it plans nothing.
    const plan = spawnSync('terraform', [`-chdir=${REL_DATA}/terraform`, 'plan', '-detailed-exitcode', '-input=false', '-no-color'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: {
        ...process.env,
        ...OFFLINE,
        CHECKPOINT_DISABLE: '1',
        KEYPLANE_ENDPOINT: `http://127.0.0.1:${port}`,
        KEYPLANE_API_KEY: readFileSync(join(DATA, 'admin.key'), 'utf8').trim(),
        TF_CLI_CONFIG_FILE: join(DATA, 'terraformrc'),
      },
    });
    expect({ status: plan.status, out: plan.stdout.slice(-1500) + plan.stderr.slice(-1500) }).toEqual({
      status: 0,
      out: expect.stringContaining('No changes.'),
    });
    expect(out).toContain(`terraform -chdir=${REL_DATA}/terraform plan`);

    // Again: the same service, the same keys, nothing to change.
    const second = run('quickstart.sh');
    expectOk(second);
    expect(second.stdout).toMatch(new RegExp(`Reusing the Keyplane service from the last run: http://127\\.0\\.0\\.1:${port} \\(pid ${pid}\\)`));
    expect(second.stdout).toMatch(/No changes\. Your infrastructure matches the configuration\./);
    expect(second.stdout).toMatch(/Apply complete! Resources: 0 added, 0 changed, 0 destroyed\./);
    expect(second.stdout).toMatch(/both keys authenticate/);
    expect(second.stdout).not.toMatch(/launcher changed/);

    // Node or the checkout moved: the launcher's hash is no longer the one in the quickstart's lock file.
    // That lock file is the quickstart's own, so the entry is recorded anew instead of failing init.
    const lockFile = join(DATA, 'terraform/.terraform.lock.hcl');
    writeFileSync(lockFile, readFileSync(lockFile, 'utf8').replace(hash!, 'h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='));
    const third = run('quickstart.sh');
    expectOk(third);
    expect(third.stdout).toContain(`the provider launcher changed since the last run (its hash is now ${hash})`);
    expect(third.stdout).toMatch(/No changes\. Your infrastructure matches the configuration\./);
    expect(readFileSync(lockFile, 'utf8')).toContain(`"${hash}"`);

    // The companion command stops the service and removes everything.
    const clean = run('quickstart-clean.sh');
    expect(clean.status).toBe(0);
    expect(clean.stdout).toMatch(new RegExp(`stopping the quickstart service \\(pid ${pid}\\)`));
    expect(alive(pid)).toBe(false);
    expect(await listening(port)).toBe(false);
    expect(existsSync(DATA)).toBe(false);
  }, 180_000);

  test('with port 7420 taken, a store left without its state, and a leftover service that does not answer, the quickstart starts over on a free port; told --port 7420, it refuses', async () => {
    expect(run('quickstart-clean.sh').status).toBe(0);
    // A store with no Terraform state beside it, as an older quickstart or an interrupted first run leaves.
    mkdirSync(DATA, { recursive: true });
    expect(keyplane(['server', 'init', '--data', DATA, '--key-file', join(DATA, 'admin.key')]).status).toBe(0);
    let blocker: Server | undefined;
    if (!(await listening(7420))) {
      blocker = createServer();
      await new Promise<void>((resolve) => blocker!.listen(7420, '127.0.0.1', resolve));
    }
    // A port that accepts connections and never answers: the health check must give up on it. (Reading
    // what arrives lets each connection see its end, so that close() below does not wait forever.)
    const silent = createServer((socket) => socket.resume());
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const silentPort = (silent.address() as { port: number }).port;
    // What the pid file names looks like our service on this data dir, but answers nothing.
    const hung = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', 'server', 'start', '--data', REL_DATA, '--listen', `127.0.0.1:${silentPort}`], {
      stdio: 'ignore',
    });
    const hungExited = new Promise<void>((resolve) => hung.once('exit', () => resolve()));
    const kill = setTimeout(() => hung.kill('SIGKILL'), 60_000);
    try {
      // A port the user chose is not swapped for another: the quickstart stops, names the flag, and leaves
      // the store as it found it.
      const refused = run('quickstart.sh', ['--port', '7420']);
      expect(refused.status).toBe(1);
      expect(refused.stderr).toContain('quickstart failed: port 7420 (from --port) is taken by a program other than the quickstart');
      expect(refused.stderr).toContain('choose another port with --port or KEYPLANE_QUICKSTART_PORT');
      expect(refused.stderr).toMatch(/npm run quickstart:clean, then npm run quickstart\)\n$/);
      expect(refused.stdout).not.toMatch(/starting over|Initialising the store/);
      expect(existsSync(join(DATA, 'admin.key'))).toBe(true);

      writeFileSync(join(DATA, 'server.pid'), `${hung.pid}\n`);
      writeFileSync(join(DATA, 'port'), `${silentPort}\n`);
      // Empty counts as unset: the default port rules apply.
      const r = await runAsync('quickstart.sh', [], { KEYPLANE_QUICKSTART_PORT: '' });
      expectOk(r);
      expect(r.stdout).toContain(`the service from the last run (pid ${hung.pid}) does not answer; restarting it`);
      expect(r.stdout).toContain(`stopping the quickstart service (pid ${hung.pid})`);
      expect(r.stderr).not.toContain('did not stop');
      await hungExited;
      expect(r.stdout).toMatch(/^port 7420 is taken; using \d+$/m);
      expect(r.stdout).toContain(`${REL_DATA} holds no Terraform state to go with its store; starting over`);
      expect(r.stdout).toMatch(/Apply complete! Resources: 5 added/);
    } finally {
      clearTimeout(kill);
      hung.kill('SIGKILL');
      await new Promise((resolve) => silent.close(resolve));
      await new Promise((resolve) => (blocker ? blocker.close(resolve) : resolve(undefined)));
      run('quickstart-clean.sh');
    }
  }, 120_000);

  test('--port and KEYPLANE_QUICKSTART_PORT choose the port; a taken one is refused naming them, and the running service is left alone; a service on another port moves', async () => {
    expect(run('quickstart-clean.sh').status).toBe(0);
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const takenPort = (taken.address() as { port: number }).port;
    try {
      // Nothing is made when the chosen port cannot be had.
      const fresh = run('quickstart.sh', ['--port', String(takenPort)]);
      expect(fresh.status).toBe(1);
      expect(fresh.stderr).toContain(`port ${takenPort} (from --port) is taken`);
      expect(existsSync(DATA)).toBe(false);

      const first = await freePort();
      const one = run('quickstart.sh', ['--port', String(first)]);
      expectOk(one);
      expect(one.stdout).toContain(`Starting the service in the background on http://127.0.0.1:${first} `);
      expect(one.stdout).toContain(`service at http://127.0.0.1:${first}:`);
      expect(readFileSync(join(DATA, 'port'), 'utf8').trim()).toBe(String(first));
      const pid = Number(readFileSync(join(DATA, 'server.pid'), 'utf8'));
      expect((await new KeyplaneClient({ endpoint: `http://127.0.0.1:${first}`, retries: 0 }).health()).status).toBe('ok');

      // Another chosen port, taken: refused, by whichever name it was given, and the service stays as it was.
      for (const [args, env, source] of [
        [['--port', String(takenPort)], {}, '--port'],
        [[], { KEYPLANE_QUICKSTART_PORT: String(takenPort) }, 'KEYPLANE_QUICKSTART_PORT'],
      ] as const) {
        const r = run('quickstart.sh', [...args], env);
        expect({ source, status: r.status }).toEqual({ source, status: 1 });
        expect(r.stderr).toContain(`quickstart failed: port ${takenPort} (from ${source}) is taken by a program other than the quickstart's service`);
        expect(r.stdout).not.toMatch(/stopping/);
        expect(alive(pid)).toBe(true);
        expect(readFileSync(join(DATA, 'port'), 'utf8').trim()).toBe(String(first));
      }

      // A free one: the service moves there, with the same store and state.
      const second = await freePort();
      const moved = run('quickstart.sh', [], { KEYPLANE_QUICKSTART_PORT: String(second) });
      expectOk(moved);
      expect(moved.stdout).toContain(`the service from the last run listens on port ${first}; restarting it on port ${second} (from KEYPLANE_QUICKSTART_PORT)`);
      expect(moved.stdout).toContain(`stopping the quickstart service (pid ${pid})`);
      expect(moved.stdout).toMatch(/No changes\. Your infrastructure matches the configuration\./);
      expect(moved.stdout).toContain(`service at http://127.0.0.1:${second}:`);
      expect(alive(pid)).toBe(false);
      expect(await listening(first)).toBe(false);
      const movedPid = Number(readFileSync(join(DATA, 'server.pid'), 'utf8'));

      // --port wins over the variable, which is then not even read.
      const again = run('quickstart.sh', ['--port', String(second)], { KEYPLANE_QUICKSTART_PORT: 'not-a-port' });
      expectOk(again);
      expect(again.stdout).toContain(`Reusing the Keyplane service from the last run: http://127.0.0.1:${second} (pid ${movedPid})`);
      // Without either, the service where it runs is reused.
      const plain = run('quickstart.sh');
      expectOk(plain);
      expect(plain.stdout).toContain(`Reusing the Keyplane service from the last run: http://127.0.0.1:${second} (pid ${movedPid})`);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
      run('quickstart-clean.sh');
    }
  }, 180_000);
});

test('bad --port and KEYPLANE_QUICKSTART_PORT values are usage errors (exit 2) naming the flag or the variable, before anything is made', () => {
  expect(run('quickstart-clean.sh').status).toBe(0);
  const cases: [string[], Record<string, string>, RegExp][] = [
    [['--port', 'abc'], {}, /option '--port <number>' argument 'abc' is invalid\. A port is a whole number from 1 to 65535\./],
    [['--port', '0'], {}, /'--port <number>' argument '0' is invalid/],
    [['--port', '65536'], {}, /'--port <number>' argument '65536' is invalid/],
    [['--port', '-1'], {}, /'--port <number>' argument '-1' is invalid/],
    [['--port', '80.5'], {}, /'--port <number>' argument '80\.5' is invalid/],
    [['--port', '1e3'], {}, /'--port <number>' argument '1e3' is invalid/],
    [['--port', ''], {}, /'--port <number>' argument '' is invalid/],
    [['--port'], {}, /option '--port <number>' argument missing/],
    [[], { KEYPLANE_QUICKSTART_PORT: 'http' }, /'--port <number>' value 'http' from env 'KEYPLANE_QUICKSTART_PORT' is invalid\. A port is a whole number/],
    [[], { KEYPLANE_QUICKSTART_PORT: '70000' }, /value '70000' from env 'KEYPLANE_QUICKSTART_PORT' is invalid/],
    [[], { KEYPLANE_QUICKSTART_PORT: ' 8080' }, /value ' 8080' from env 'KEYPLANE_QUICKSTART_PORT' is invalid/],
    [['--prot', '8080'], {}, /unknown option '--prot'/],
    [['now'], {}, /too many arguments/],
  ];
  try {
    for (const [args, env, message] of cases) {
      const r = run('quickstart.sh', args, env);
      expect({ args, env, status: r.status, stderr: r.stderr }).toEqual({ args, env, status: 2, stderr: expect.stringMatching(message) });
      expect(r.stdout).toBe('');
    }
    expect(existsSync(DATA)).toBe(false);
  } finally {
    // Should a bad value be taken for a good one, what it started must not outlive the test.
    run('quickstart-clean.sh');
  }
  const help = run('quickstart.sh', ['--help']);
  expect(help.status).toBe(0);
  expect(help.stdout).toMatch(/--port <number>/);
  expect(help.stdout).toMatch(/KEYPLANE_QUICKSTART_PORT/);
  const clean = run('quickstart-clean.sh', ['--port', '1']);
  expect(clean.status).toBe(2);
  expect(clean.stderr).toMatch(/unknown option '--port'/);
});

test('quickstart-clean stops a leftover service by its pid file and removes the data dir', async () => {
  const clean = run('quickstart-clean.sh');
  expect(clean.status).toBe(0);
  mkdirSync(DATA, { recursive: true });
  expect(keyplane(['server', 'init', '--data', DATA, '--key-file', join(DATA, 'admin.key')]).status).toBe(0);
  const port = await freePort();
  const child = spawn(process.execPath, [CLI, 'server', 'start', '--data', REL_DATA, '--listen', `127.0.0.1:${port}`, '--log-level', 'silent'], {
    cwd: ROOT,
    stdio: 'ignore',
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // Should the script miss it, the test must not leave it running (nor hang on it).
  const kill = setTimeout(() => child.kill('SIGKILL'), 40_000);
  writeFileSync(join(DATA, 'server.pid'), `${child.pid}\n`);
  for (let i = 0; !(await listening(port)); i++) {
    if (i > 150) throw new Error('the leftover service did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  const res = await new Promise<{ status: number | null; stdout: string }>((resolve) => {
    const c = spawn('bash', ['scripts/quickstart-clean.sh'], { cwd: ROOT, env: { ...process.env, KEYPLANE_QUICKSTART_DIR: REL_DATA } });
    let stdout = '';
    c.stdout.on('data', (d) => (stdout += d));
    c.on('close', (status) => resolve({ status, stdout }));
  });
  expect(res.status).toBe(0);
  expect(res.stdout).toMatch(new RegExp(`^stopping the quickstart service \\(pid ${child.pid}\\)$`, 'm'));
  expect(await exited).toBe(0);
  clearTimeout(kill);
  expect(existsSync(DATA)).toBe(false);
}, 60_000);

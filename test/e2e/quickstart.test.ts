/**
 * scripts/quickstart.sh, the README's main job, end to end with the real terraform and no network (every
 * proxy variable points at a closed port, so a registry download would fail): it must start the service,
 * install the provider into a mirror that `terraform init` uses, apply examples/quickstart, and prove the
 * state holds no secret; this test checks each claim itself, from the files and the service. Run again it
 * reuses the service and changes nothing; with port 7420 taken it moves; quickstart-clean.sh stops the
 * service and removes the data dir.
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
const run = (script: string) =>
  spawnSync('bash', [join('scripts', script)], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
    // The caller's Keyplane and Terraform settings must not leak in.
    env: {
      ...process.env,
      ...OFFLINE,
      KEYPLANE_QUICKSTART_DIR: REL_DATA,
      KEYPLANE_ENDPOINT: 'http://127.0.0.1:9',
      KEYPLANE_API_KEY: 'kp_not_a_key',
      TF_CLI_CONFIG_FILE: '/nonexistent/terraformrc',
    },
  });

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

function expectOk(r: ReturnType<typeof run>): void {
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

  test('with port 7420 taken, and a store left without its state, the quickstart starts over on a free port', async () => {
    expect(run('quickstart-clean.sh').status).toBe(0);
    // A store with no Terraform state beside it, as an older quickstart or an interrupted first run leaves.
    mkdirSync(DATA, { recursive: true });
    expect(keyplane(['server', 'init', '--data', DATA, '--key-file', join(DATA, 'admin.key')]).status).toBe(0);
    let blocker: Server | undefined;
    if (!(await listening(7420))) {
      blocker = createServer();
      await new Promise<void>((resolve) => blocker!.listen(7420, '127.0.0.1', resolve));
    }
    try {
      const r = run('quickstart.sh');
      expectOk(r);
      expect(r.stdout).toMatch(/^port 7420 is taken; using \d+$/m);
      expect(r.stdout).toContain(`${REL_DATA} holds no Terraform state to go with its store; starting over`);
      expect(r.stdout).toMatch(/Apply complete! Resources: 5 added/);
    } finally {
      await new Promise((resolve) => (blocker ? blocker.close(resolve) : resolve(undefined)));
      run('quickstart-clean.sh');
    }
  }, 120_000);
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

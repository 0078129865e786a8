/**
 * The command line itself: usage errors exit 2, a malformed key is refused by its checksum before any
 * network call, every command has --help, and API commands start without loading the service.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { buildProgram } from '../../cli/main';
import { generateKey } from '../../contract/key-format';
import { keyplane, keyplaneAsync, mistype } from '../helpers/cli';

/** A stand-in service that counts what reaches it and answers every request with an empty key list. */
let requests = 0;
let endpoint: string;
let server: http.Server;
beforeAll(async () => {
  server = http.createServer((_req, res) => {
    requests++;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ api_keys: [], next_page_token: null }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const goodKey = generateKey();

/** Runs keyplane against the stand-in and checks that nothing reached it. */
async function offline(args: string[], env: Record<string, string> = {}) {
  const before = requests;
  const res = await keyplaneAsync(args, { KEYPLANE_ENDPOINT: endpoint, KEYPLANE_API_KEY: goodKey, ...env });
  expect(requests).toBe(before);
  return res;
}

describe('usage errors exit 2 and say what is wrong', () => {
  const cases: [string, string[], RegExp][] = [
    ['an unknown command', ['api-key', 'frobnicate'], /unknown command 'frobnicate'/],
    ['a group without a command', ['api-key'], /Usage: keyplane api-key/],
    ['no command at all', [], /Usage: keyplane/],
    ['a missing required option', ['api-key', 'create'], /required option '--name <name>' not specified/],
    ['a missing argument', ['api-key', 'get'], /missing required argument 'id'/],
    ['an unknown option', ['api-key', 'list', '--colour'], /unknown option '--colour'/],
    ['an output format that does not exist', ['api-key', 'list', '-o', 'xml'], /'xml' is invalid. Allowed choices are table, json, yaml/],
    ['a role that does not exist', ['api-key', 'create', '--name', 'x', '--role', 'root'], /'root' is invalid. Allowed choices are admin, developer, viewer/],
    ['a status that does not exist', ['api-key', 'list', '--status', 'dead'], /Allowed choices are active, revoked, expired/],
    ['a page size out of range', ['api-key', 'list', '--page-size', '500'], /--page-size.*whole number from 1 to 200/],
    ['a version that is not a number', ['secret', 'read', 'sec_1', 'two'], /VERSION "two" is not a version number/],
    ['options that contradict', ['api-key', 'update', 'key_1', '--expires-at', '2030-01-01T00:00:00Z', '--never-expires'], /cannot be used with/],
    ['an update that changes nothing', ['api-key', 'update', 'key_1'], /nothing to change/],
    ['a label that is not KEY=VALUE', ['api-key', 'create', '--name', 'x', '--label', 'team'], /--label "team" is not KEY=VALUE/],
    [
      'an endpoint that is not a URL',
      ['whoami', '--endpoint', 'localhost:7420'],
      /--endpoint: endpoint "localhost:7420" must start with http:\/\/ or https:\/\//,
    ],
    ['a CA certificate that cannot be read', ['whoami', '--ca-cert', '/nonexistent/ca.pem'], /--ca-cert \/nonexistent\/ca.pem cannot be read/],
  ];
  test.each(cases)('%s', async (_name, args, message) => {
    const res = await offline(args);
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(message);
    expect(res.stdout).toBe('');
  });

  test('no endpoint or no key names both the flag and the variable', () => {
    const noEndpoint = keyplane(['whoami'], { KEYPLANE_API_KEY: goodKey });
    expect(noEndpoint.status).toBe(2);
    expect(noEndpoint.stderr).toBe('error: no endpoint: pass --endpoint URL or set KEYPLANE_ENDPOINT\n');
    const noKey = keyplane(['whoami'], { KEYPLANE_ENDPOINT: endpoint });
    expect(noKey.status).toBe(2);
    expect(noKey.stderr).toBe('error: no API key: pass --api-key KEY or set KEYPLANE_API_KEY\n');
  });
});

describe('a malformed key is refused by its checksum before any request', () => {
  test('given as --api-key', async () => {
    const res = await offline(['--api-key', mistype(goodKey), 'api-key', 'list']);
    expect(res.status).toBe(2);
    expect(res.stderr).toBe('error: --api-key is not a well-formed Keyplane key: its checksum does not match; a character is wrong\n');
  });

  test('given as KEYPLANE_API_KEY', async () => {
    const res = await offline(['whoami'], { KEYPLANE_API_KEY: goodKey.slice(0, -1) });
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/^error: KEYPLANE_API_KEY is not a well-formed Keyplane key: it has the wrong length/);
  });

  test('given to verify, as the argument or in a file', async () => {
    const arg = await offline(['verify', mistype(goodKey)]);
    expect(arg.status).toBe(2);
    expect(arg.stderr).toMatch(/^error: the KEY argument of verify is not a well-formed Keyplane key: its checksum does not match/);
    const dir = mkdtempSync(join(tmpdir(), 'keyplane-usage-'));
    writeFileSync(join(dir, 'k'), 'sk_live_123\n');
    const file = await offline(['verify', '--key-file', join(dir, 'k')]);
    expect(file.status).toBe(2);
    expect(file.stderr).toMatch(/the key in --key-file .* is not a well-formed Keyplane key: it does not start with kp_/);
    rmSync(dir, { recursive: true, force: true });
  });

  test('a well-formed key does reach the service', async () => {
    const before = requests;
    const res = await keyplaneAsync(['api-key', 'list', '-o', 'json'], { KEYPLANE_ENDPOINT: endpoint, KEYPLANE_API_KEY: goodKey });
    expect(res.status).toBe(0);
    expect(JSON.parse(res.stdout)).toEqual([]);
    expect(requests).toBe(before + 1);
  });
});

function commandPaths(command: Command, prefix: string[] = []): string[][] {
  return command.commands.filter((c) => c.name() !== 'help').flatMap((c) => [[...prefix, c.name()], ...commandPaths(c, [...prefix, c.name()])]);
}

test('--help works on every command, on stdout, with exit 0', () => {
  const paths = [[], ...commandPaths(buildProgram())];
  // The groups and commands the CLI promises.
  for (const expected of [
    'api-key create',
    'api-key update',
    'scopes delete',
    'service-account update',
    'allow-list create',
    'secret destroy-version',
    'user delete',
    'audit list',
    'whoami',
    'verify',
    'server init',
    'server start',
  ]) {
    expect(paths.map((p) => p.join(' '))).toContain(expected);
  }
  for (const path of paths) {
    const res = keyplane([...path, '--help']);
    expect({ path: path.join(' '), status: res.status, stderr: res.stderr }).toEqual({ path: path.join(' '), status: 0, stderr: '' });
    expect(res.stdout).toContain(`Usage: keyplane${path.length ? ` ${path.join(' ')}` : ''}`);
  }
  expect(keyplane(['api-key', 'create', '--help']).stdout).toMatch(/--label <key=value>[\s\S]*--secret-file <file>/);
});

test('--version prints the package version', () => {
  const { version } = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as { version: string };
  expect(keyplane(['--version'])).toMatchObject({ status: 0, stdout: `${version}\n` });
});

test('API commands start without loading the service, its database drivers or YAML', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'keyplane-usage-'));
  const hook = join(dir, 'hook.js');
  const log = join(dir, 'modules.txt');
  writeFileSync(
    hook,
    `const Module = require('module'); const load = Module._load; const seen = new Set();
     Module._load = function (request) { seen.add(request); return load.apply(this, arguments); };
     process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(log)}, [...seen].join('\\n')));`,
  );
  const res = await keyplaneAsync(['api-key', 'list'], { KEYPLANE_ENDPOINT: endpoint, KEYPLANE_API_KEY: goodKey }, { nodeArgs: ['-r', hook] });
  expect(res.stderr).toBe('no API keys found\n');
  expect(res.status).toBe(0);
  const loaded = readFileSync(log, 'utf8').split('\n');
  expect(loaded).toContain('commander');
  for (const heavy of ['fastify', 'better-sqlite3', 'pg', 'kysely', 'pino', 'yaml', '../../service/server', '../../service/context'])
    expect(loaded).not.toContain(heavy);
  rmSync(dir, { recursive: true, force: true });
});

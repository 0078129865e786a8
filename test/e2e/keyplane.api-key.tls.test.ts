/**
 * The provider against a service served over HTTPS with a private CA: ca_cert_file makes it trusted; without
 * it the provider cannot reach the service and says to check ca_cert_file.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selfSignedCertificate } from '../helpers/self-signed';
import { CLI, freePort, keyplane } from '../helpers/cli';
import { KeyplaneClient } from '../../client';
import { describeTerraform } from '../helpers/terraform';
import { type KeyplaneService, keyplaneWorkspace } from '../helpers/keyplane';

jest.setTimeout(120_000);

describeTerraform('keyplane provider over HTTPS with a private CA', () => {
  let dir: string;
  let service: KeyplaneService;
  let child: ReturnType<typeof spawn> | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'keyplane-tls-'));
    selfSignedCertificate(dir);
    const init = keyplane(['server', 'init', '--data', join(dir, 'data'), '--key-file', join(dir, 'admin.key')]);
    if (init.status !== 0) throw new Error(init.stderr);
    const port = await freePort();
    child = spawn(
      process.execPath,
      [
        CLI,
        'server',
        'start',
        '--data',
        join(dir, 'data'),
        '--listen',
        `127.0.0.1:${port}`,
        '--log-level',
        'warn',
        '--tls-cert',
        join(dir, 'cert.pem'),
        '--tls-key',
        join(dir, 'key.pem'),
      ],
      { stdio: 'ignore' },
    );
    const endpoint = `https://127.0.0.1:${port}`;
    const ca = readFileSync(join(dir, 'cert.pem'));
    for (let i = 0; ; i++) {
      const up = await new Promise<boolean>((resolve) =>
        https
          .get(`${endpoint}/healthz`, { ca }, (res) => {
            res.resume();
            resolve(res.statusCode === 200);
          })
          .on('error', () => resolve(false)),
      );
      if (up) break;
      if (i > 150) throw new Error('the TLS service did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    const adminKey = readFileSync(join(dir, 'admin.key'), 'utf8').trim();
    service = {
      endpoint,
      adminKey,
      env: { KEYPLANE_ENDPOINT: endpoint, KEYPLANE_API_KEY: adminKey },
      client: new KeyplaneClient({ endpoint, apiKey: adminKey, caCert: ca }),
    } as unknown as KeyplaneService;
  });
  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  test('ca_cert_file makes the private CA trusted; without it the error points at ca_cert_file', async () => {
    const ws = keyplaneWorkspace(service);
    try {
      const resource = 'resource "keyplane_api_key" "k" {\n  name = "over-tls"\n}';
      ws.writeConfig(`provider "keyplane" {\n  max_retries = 0\n}\n\n${resource}`);
      const refused = await ws.terraform(['plan'], { expectCode: [1] });
      expect(refused.output).toMatch(/Cannot Reach The Keyplane Service/);
      expect(refused.output).toMatch(/ca_cert_file/);

      ws.writeConfig(`provider "keyplane" {\n  ca_cert_file = "${join(dir, 'cert.pem')}"\n}\n\n${resource}`);
      await ws.apply();
      const { id } = await ws.values('keyplane_api_key.k');
      expect((await service.client.getApiKey(id)).name).toBe('over-tls');
      expect((await ws.planIsEmpty()).empty).toBe(true);
      await ws.terraform(['destroy', '-auto-approve']);
    } finally {
      ws.remove();
    }
  });
});

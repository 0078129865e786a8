import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli';

test('the quickstart issues, verifies, revokes and rejects a key, and runs twice', () => {
  for (let run = 0; run < 2; run++) {
    const res = spawnSync('bash', ['scripts/quickstart.sh'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, KEYPLANE_ENDPOINT: '', KEYPLANE_API_KEY: '' } });
    expect([run, res.status, res.stderr.slice(-2000)]).toEqual([run, 0, expect.any(String)]);
    const out = res.stdout;
    const valid = out.indexOf('│ valid      │ true');
    const revoked = out.indexOf('│ reason     │ revoked');
    expect(valid).toBeGreaterThan(0);
    expect(revoked).toBeGreaterThan(valid);
    expect(res.stderr).toMatch(/the API key has been revoked \[401 unauthenticated\]/);
    expect(existsSync(join(ROOT, '.keyplane/quickstart/server.pid'))).toBe(false); // the service was stopped
  }
  expect(spawnSync('bash', ['scripts/quickstart-clean.sh'], { cwd: ROOT }).status).toBe(0);
  expect(existsSync(join(ROOT, '.keyplane/quickstart'))).toBe(false);
}, 120_000);

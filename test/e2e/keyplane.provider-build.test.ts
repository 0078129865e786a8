/**
 * The provider build the end-to-end tests run is the one KEYPLANE_TEST_PROVIDER names
 * (test/helpers/provider-build.ts): caught running while Terraform plans, a provider process is this
 * machine's Node on the development bundle, or the released executable itself, with no `node` on its PATH.
 * Without this, a switch the helpers ignored would run the development build and pass for the release.
 */
import { existsSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { type KeyplaneService, keyplaneExecutable, keyplaneProvider, keyplaneWorkspace, startKeyplaneService } from '../helpers/keyplane';
import { providerBuild } from '../helpers/provider-build';
import { describeTerraform, processesRunning } from '../helpers/terraform';

jest.setTimeout(120_000);

/** Polls until a process running `needle` shows up, then reads what it runs and its PATH. */
async function catchProvider(needle: string, until: Promise<unknown>): Promise<{ exe: string; path: string } | undefined> {
  let done = false;
  void until.finally(() => {
    done = true;
  });
  while (!done) {
    for (const pid of processesRunning(needle)) {
      try {
        const exe = readlinkSync(`/proc/${pid}/exe`);
        const env = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
        return { exe, path: env.find((e) => e.startsWith('PATH='))?.slice(5) ?? '' };
      } catch {
        // gone while we looked
      }
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  return undefined;
}

describeTerraform('the provider build under test', () => {
  let service: KeyplaneService;
  beforeAll(async () => {
    service = await startKeyplaneService();
  });
  afterAll(async () => {
    await service?.stop();
  });

  test(`is the one ${process.env.KEYPLANE_TEST_PROVIDER ? `KEYPLANE_TEST_PROVIDER=${process.env.KEYPLANE_TEST_PROVIDER} names` : 'npm run build made'}`, async () => {
    const ws = keyplaneWorkspace(service);
    try {
      ws.writeConfig('data "keyplane_scopes" "all" {}');
      const plan = ws.terraform(['plan']);
      const caught = await catchProvider(join(keyplaneProvider(), 'terraform-provider-keyplane'), plan);
      await plan;
      expect(caught).toBeDefined();
      if (providerBuild().kind === 'release') {
        expect(realpathSync(caught!.exe)).toBe(realpathSync(keyplaneExecutable()));
        expect(caught!.path.split(delimiter).filter((d) => d && existsSync(join(d, 'node')))).toEqual([]);
      } else {
        expect(realpathSync(caught!.exe)).toBe(realpathSync(process.execPath));
        expect(realpathSync(keyplaneExecutable())).toBe(realpathSync(join(__dirname, '../../dist/provider/keyplane/main.js')));
      }
    } finally {
      ws.remove();
    }
  });
});

/**
 * The provider build the end-to-end tests run is the one KEYPLANE_TEST_PROVIDER names
 * (test/helpers/provider-build.ts): caught running while Terraform plans, a provider process is this
 * machine's Node on the development bundle, or the released executable itself, with no `node` on its PATH.
 * Without this, a switch the helpers ignored would run the development build and pass for the release.
 */
import { existsSync, realpathSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { type KeyplaneService, keyplaneExecutable, keyplaneProvider, keyplaneWorkspace, startKeyplaneService } from '../helpers/keyplane';
import { providerBuild } from '../helpers/provider-build';
import { catchProvider } from '../helpers/provider-process';
import { describeTerraform } from '../helpers/terraform';

jest.setTimeout(120_000);

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

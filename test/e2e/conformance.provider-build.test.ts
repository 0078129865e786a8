/**
 * The conformance provider the suite runs follows KEYPLANE_TEST_PROVIDER as the Keyplane provider does
 * (test/helpers/conformance.ts): caught running while Terraform plans, it is this machine's Node on the
 * development bundle, or, with a release, the executable built beside it as the release builds Keyplane's
 * (scripts/release/test-provider.ts): a single executable application embedding the release's Node runtime,
 * with no `node` on its PATH. Without this, the suite could pass on the development build for the release.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { TEST_PROVIDERS_DIR } from '../../scripts/release/artifacts';
import { nativeTarget, PLATFORMS } from '../../scripts/release/platforms';
import { SEA_FUSE } from '../../scripts/release/sea';
import { ConformanceWorkspace } from '../helpers/conformance';
import { providerBuild } from '../helpers/provider-build';
import { catchProvider } from '../helpers/provider-process';
import { describeTerraform } from '../helpers/terraform';

jest.setTimeout(120_000);

describeTerraform('the conformance provider build under test', () => {
  test(`is the one ${process.env.KEYPLANE_TEST_PROVIDER ? `built beside the release KEYPLANE_TEST_PROVIDER=${process.env.KEYPLANE_TEST_PROVIDER} names` : 'npm run build made'}`, async () => {
    const ws = ConformanceWorkspace.create('build');
    try {
      ws.writeConfig('resource "conformance_thing" "a" {\n  name = "a"\n}\n');
      const plan = ws.terraform(['plan']);
      const caught = await catchProvider(ws.executable, plan);
      await plan;
      expect(caught).toBeDefined();
      const build = providerBuild();
      if (build.kind === 'release') {
        expect(realpathSync(caught!.exe)).toBe(realpathSync(join(build.dir, TEST_PROVIDERS_DIR, 'terraform-provider-conformance')));
        expect(caught!.path.split(delimiter).filter((d) => d && existsSync(join(d, 'node')))).toEqual([]);
        const executable = readFileSync(caught!.exe);
        expect(executable.includes(`${SEA_FUSE}:1`)).toBe(true);
        const runtime = PLATFORMS.find((p) => p.target === nativeTarget())!.runtime;
        expect(executable.includes(`v${runtime.version}`)).toBe(true);
      } else {
        expect(realpathSync(caught!.exe)).toBe(realpathSync(process.execPath));
        expect(realpathSync(ws.executable)).toBe(realpathSync(join(__dirname, '../../dist/test/fixtures/conformance-provider/terraform-provider-conformance')));
      }
    } finally {
      ws.remove();
    }
  });
});

/**
 * Label filters of keyplane_api_keys under the real terraform: a filter key no label can have fails
 * `terraform plan` at validate, pinned to its line, before the provider calls the service (the endpoint here
 * listens nowhere, so a check left to read would report that instead). The rules themselves are tested in
 * process in test/provider/data-sources.test.ts.
 */
import { describeTerraform, diagnostics, type Workspace } from '../helpers/terraform';
import { keyplaneWorkspace } from '../helpers/keyplane';

jest.setTimeout(120_000);

describeTerraform('keyplane_api_keys label filters', () => {
  let ws: Workspace | undefined;
  afterEach(() => ws?.remove());

  test('a filter key holding "=" fails the plan at validate, naming the label', async () => {
    ws = keyplaneWorkspace({ env: { KEYPLANE_ENDPOINT: 'http://127.0.0.1:9', KEYPLANE_API_KEY: 'kp_unused' } });
    ws.writeConfig(`
data "keyplane_api_keys" "platform" {
  labels = {
    "team=platform" = "ci"
  }
}
`);
    const r = await ws.terraform(['plan'], { expectCode: [1] });
    const errors = diagnostics(r.output).filter((d) => d.severity === 'Error');
    expect(errors).toEqual([
      expect.objectContaining({
        summary: 'Invalid Label Key',
        address: 'data.keyplane_api_keys.platform',
        source: '"team=platform" = "ci"',
      }),
    ]);
    expect(errors[0]!.detail).toContain('No label can have key "team=platform"');
  });
});

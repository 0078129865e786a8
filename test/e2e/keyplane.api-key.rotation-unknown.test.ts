/**
 * keyplane_api_key's rotation block under the real terraform when the triggers map is only known at apply (it
 * is built from a resource changed in the same apply): the plan shows the secret outputs unknown, and the
 * apply rotates the key when the map then differs from the one in state, and keeps its secret when it does not.
 * In process: test/provider/api-key.rotation-plan.test.ts.
 */
import { describeTerraform, type Workspace } from '../helpers/terraform';
import { type KeyplaneService, keyplaneWorkspace, startKeyplaneService } from '../helpers/keyplane';

jest.setTimeout(240_000);

describeTerraform('keyplane_api_key rotation triggered by a value known only at apply', () => {
  let service: KeyplaneService;
  let ws: Workspace;

  beforeAll(async () => {
    service = await startKeyplaneService();
  });
  afterAll(async () => {
    await service?.stop();
  });
  beforeEach(() => {
    ws = keyplaneWorkspace(service);
  });
  afterEach(() => ws.remove());

  test('a triggers map unknown at plan rotates the key at apply if it changed, and only then', async () => {
    const secret = await service.client.createSecret({ name: 'rot-unknown' });
    // Changing `replace` replaces terraform_data.gen, so its output is unknown at plan even when gen is not changed.
    const cfg = (gen: string, replace = 'a') =>
      `resource "terraform_data" "gen" {\n  input            = { gen = "${gen}" }\n  triggers_replace = "${replace}"\n}\n` +
      `resource "keyplane_api_key" "k" {\n  name = "rot-unknown"\n  output_to_secret_store {\n    secret_id = "${secret.id}"\n  }\n` +
      `  rotation {\n    triggers = terraform_data.gen.output\n    overlap  = "0s"\n  }\n}\n`;
    ws.writeConfig(cfg('1'));
    await ws.terraform(['apply', '-auto-approve']);
    const before = await ws.values('keyplane_api_key.k');
    expect(before.secret_version).toBe(1);

    ws.writeConfig(cfg('2'));
    // The plan cannot know whether the map changes: the rotation outputs are unknown, the id is kept.
    const { plan } = await ws.savedPlan();
    const change = plan.resource_changes!.find((c) => c.address === 'keyplane_api_key.k')!.change;
    expect(change.actions).toEqual(['update']);
    expect(change.after_unknown).toMatchObject({ secret_version: true, rotated_at: true, display_prefix: true, secret_store_version_id: true });
    expect(change.after.id).toBe(before.id);
    // The final plan, with the map known, rotates: the saved plan allowed for it, so Terraform accepts it.
    await ws.terraform(['apply', 'tfplan']);
    const after = await ws.values('keyplane_api_key.k');
    expect(after.rotation.triggers).toEqual({ gen: '2' });
    expect(after.secret_version).toBe(2);
    expect(after.id).toBe(before.id);
    expect((await service.client.getApiKey(before.id)).secret_version).toBe(2);

    // Unknown at plan again, but the same map at apply: no rotation, the delivered secret stays.
    ws.writeConfig(cfg('2', 'b'));
    await ws.terraform(['apply', '-auto-approve']);
    const kept = await ws.values('keyplane_api_key.k');
    expect(kept).toMatchObject({
      id: before.id,
      secret_version: 2,
      secret_store_version_id: after.secret_store_version_id,
      display_prefix: after.display_prefix,
    });
    expect((await service.client.getApiKey(before.id)).secret_version).toBe(2);
  });
});

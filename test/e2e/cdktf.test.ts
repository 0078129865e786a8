/**
 * The CDK stacks in examples/cdktf and examples/cdktn, end to end: each is synthesized by running its
 * cdktf.json's app command (`npx tsc -p . && node dist/main.js`) as its README says; the synthesized cdk.tf.json is checked (a service account, a key
 * whose secret goes to the secret store, no provider credentials), then initialised, applied, planned again
 * and destroyed by the real `terraform` against a real service, with the bundled provider installed from a
 * filesystem mirror made by `keyplane provider install` (the stack's backend needs `terraform init`).
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { KeyplaneClient } from '../../client';
import { providerMirror, synthExample } from '../helpers/cdktf';
import { describeTerraform } from '../helpers/terraform';
import { type KeyplaneService, keyplaneWorkspace, secretFragmentsIn, startKeyplaneService } from '../helpers/keyplane';

jest.setTimeout(120_000);

const STACK = 'billing-deployer';

describeTerraform('CDK examples', () => {
  let service: KeyplaneService;
  let mirror: ReturnType<typeof providerMirror>;
  beforeAll(async () => {
    service = await startKeyplaneService();
    mirror = providerMirror();
  });
  afterAll(async () => {
    mirror?.remove();
    await service?.stop();
  });

  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const f of cleanups.splice(0)) f();
  });

  test.each(['cdktf', 'cdktn'] as const)(
    'examples/%s synthesizes a stack that applies, delivers the key only to the secret store, plans nothing more and destroys',
    async (flavour) => {
      const ws = keyplaneWorkspace(service, { TF_CLI_CONFIG_FILE: mirror.cliConfigFile });
      try {
        // The admin key is in the app's environment too: the stack must not copy it into cdk.tf.json.
        const synth = await synthExample(flavour, STACK, service.env);
        const { json, stderr } = synth;
        cleanups.push(synth.remove);
        expect(stderr).toBe('');
        expect(secretFragmentsIn(json, service.adminKey)).toEqual([]);
        const tf = JSON.parse(json);
        expect(tf.provider.keyplane).toEqual([{}]);
        expect(tf.terraform.required_providers.keyplane.source).toBe('registry.terraform.io/keyplane/keyplane');
        // cdktf's local backend: the state in the folder synth ran in, by absolute path.
        const stateFile = join(realpathSync(synth.dir), `terraform.${STACK}.tfstate`);
        expect(tf.terraform.backend).toEqual({ local: { path: stateFile } });
        expect(Object.keys(tf.resource.keyplane_service_account)).toEqual(['deployer']);
        expect(tf.resource.keyplane_api_key.deploy_key).toMatchObject({
          // biome-ignore lint/suspicious/noTemplateCurlyInString: Terraform's interpolation, as cdktf writes it
          service_account_id: '${keyplane_service_account.deployer.id}',
          // biome-ignore lint/suspicious/noTemplateCurlyInString: Terraform's interpolation, as cdktf writes it
          output_to_secret_store: { secret_id: '${keyplane_secret.deployer_credentials.id}', entry_key: 'KEYPLANE_API_KEY' },
        });
        expect(Object.keys(tf.output).sort()).toEqual(['api_key_id', 'secret_name', 'secret_store_version_id', 'service_account_id']);

        ws.write({ 'cdk.tf.json': json });
        const init = await ws.terraform(['init', '-input=false']);
        expect(init.output).toMatch(/Installing keyplane\/keyplane v[\d.]+/);
        expect(readFileSync(join(ws.dir, '.terraform.lock.hcl'), 'utf8')).toContain(`"${mirror.hash}"`);
        const apply = await ws.apply();

        const outputs = JSON.parse((await ws.terraform(['output', '-json'])).stdout) as Record<string, { value: string; sensitive: boolean }>;
        expect(Object.values(outputs).filter((o) => o.sensitive)).toEqual([]);
        const sa = await service.client.getServiceAccount(outputs.service_account_id!.value);
        expect(sa).toMatchObject({ name: 'billing-deployer', role: 'developer' });
        const key = await service.client.getApiKey(outputs.api_key_id!.value);
        expect(key).toMatchObject({ name: 'billing-deploy', service_account_id: sa.id, status: 'active' });
        const [secretId, version] = outputs.secret_store_version_id!.value.split('/');
        expect(version).toBe('1');
        expect(await service.client.getSecret(secretId!)).toMatchObject({ name: outputs.secret_name!.value });
        const stored = (await service.client.readSecretVersion(secretId!, 1)).entries!.KEYPLANE_API_KEY!;
        const whoami = await new KeyplaneClient({ endpoint: service.endpoint, apiKey: stored, retries: 0 }).whoami();
        expect(whoami.api_key.id).toBe(key.id);
        expect(whoami.principal).toMatchObject({ type: 'service_account', id: sa.id });

        expect(existsSync(stateFile)).toBe(true);
        const everything = [readFileSync(stateFile, 'utf8'), (await ws.terraform(['show', '-json'])).stdout, apply.output, JSON.stringify(outputs)].join('\n');
        expect(everything).toContain(key.id); // the scan reads the real state, not an empty file
        expect(secretFragmentsIn(everything, stored)).toEqual([]);

        expect((await ws.planIsEmpty()).empty).toBe(true);

        await ws.terraform(['destroy', '-auto-approve']);
        await expect(service.client.getApiKey(key.id)).rejects.toMatchObject({ status: 404 });
        await expect(service.client.getServiceAccount(sa.id)).rejects.toMatchObject({ status: 404 });
        await expect(service.client.getSecret(secretId!)).rejects.toMatchObject({ status: 404 });
      } finally {
        ws.remove();
      }
    },
  );
});

/**
 * The keyplane_api_key example as a CDKTF stack: a service account for a deploy pipeline and a key for
 * it whose secret goes straight into Keyplane's secret store, so neither cdk.tf.json nor the state ever
 * holds it. The outputs say where to read the key, never the key itself.
 */
import { App, TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { apiKey, provider, secret, serviceAccount } from '@keyplane/cdktf';

export const STACK_NAME = 'billing-deployer';

export class BillingDeployerStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);

    // No endpoint or api_key here: the provider reads KEYPLANE_ENDPOINT and KEYPLANE_API_KEY when terraform
    // runs, so the admin key is never written into the synthesized configuration.
    new provider.KeyplaneProvider(this, 'keyplane');

    const deployer = new serviceAccount.ServiceAccount(this, 'deployer', {
      name: 'billing-deployer',
      description: 'Deploys the billing service from CI',
      role: 'developer',
    });

    const credentials = new secret.Secret(this, 'deployer_credentials', {
      name: 'billing-deployer-credentials',
      description: 'The deploy key of billing-deployer',
    });

    const key = new apiKey.ApiKey(this, 'deploy_key', {
      name: 'billing-deploy',
      description: 'Used by CI to deploy the billing service',
      serviceAccountId: deployer.id,
      labels: { team: 'billing' },
      outputToSecretStore: { secretId: credentials.id, entryKey: 'KEYPLANE_API_KEY' },
      // Change a keeper to rotate the key.
      keepers: { rotation: '2026-q4' },
    });

    new TerraformOutput(this, 'service_account_id', { value: deployer.id });
    new TerraformOutput(this, 'api_key_id', { value: key.id });
    new TerraformOutput(this, 'secret_name', { value: credentials.name });
    // SECRET_ID/VERSION: `keyplane secret read SECRET_ID VERSION --entry KEYPLANE_API_KEY` prints the key.
    new TerraformOutput(this, 'secret_store_version_id', { value: key.secretStoreVersionId });
  }
}

const app = new App();
new BillingDeployerStack(app, STACK_NAME);
app.synth();

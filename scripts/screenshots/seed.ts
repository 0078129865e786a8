/**
 * The example organisation the screenshots show: a platform team with an admin, a developer and a viewer,
 * two service accounts, two IP allow lists, a custom scope, and keys in every state (active, used from an
 * address, expiring, revoked), all made through the API with the typed client, as any user would make them.
 * @module
 */
import { KeyplaneClient } from '../../client';

export interface Seeded {
  /** The key whose details sheet is shown. */
  detailsKeyName: string;
  /** The service account whose details are shown. */
  serviceAccountName: string;
}

const DAY = 24 * 3600 * 1000;
const inDays = (days: number) => new Date(Date.now() + days * DAY).toISOString();

export async function seed(endpoint: string, adminKey: string): Promise<Seeded> {
  const admin = new KeyplaneClient({ endpoint, apiKey: adminKey });
  const dana = await admin.createUser({ email: 'dana@example.com', name: 'Dana Developer', role: 'developer' });
  const vera = await admin.createUser({ email: 'vera@example.com', name: 'Vera Viewer', role: 'viewer' });
  const danaKey = await admin.createApiKey({
    name: 'dana-laptop',
    description: "Dana's terminal",
    user_id: dana.id,
    role: 'developer',
    expires_at: inDays(30),
  });
  await admin.createApiKey({ name: 'vera-readonly', user_id: vera.id, role: 'viewer', expires_at: inDays(90) });
  const asDana = new KeyplaneClient({ endpoint, apiKey: danaKey.secret! });

  const office = await admin.createAllowList({ name: 'office', description: 'Head office egress', cidrs: ['203.0.113.0/24', '2001:db8:10::/48'] });
  const runners = await admin.createAllowList({ name: 'ci-runners', description: 'Self-hosted CI runners', cidrs: ['198.51.100.16/28'] });
  await admin.createScope({ name: 'billing.read', description: 'Read invoices and usage' });
  await admin.createScope({ name: 'billing.write', description: 'Issue credits and refunds' });

  const deployer = await asDana.createServiceAccount({ name: 'ci-deployer', description: 'Terraform runs in CI', role: 'developer' });
  const billing = await admin.createServiceAccount({
    name: 'billing-sync',
    description: 'Nightly billing export',
    role: 'viewer',
    owner_user_id: dana.id,
    manager_user_ids: [vera.id],
  });

  const terraform = await asDana.createApiKey({
    name: 'terraform-ci',
    description: 'Applies the platform stack from the main branch',
    service_account_id: deployer.id,
    role: 'developer',
    allow_list_ids: [runners.id],
    expires_at: inDays(90),
    labels: { team: 'platform', env: 'prod' },
  });
  const export_ = await admin.createApiKey({
    name: 'billing-export',
    service_account_id: billing.id,
    role: 'viewer',
    scopes: ['billing.read'],
    allow_list_ids: [office.id],
    expires_at: inDays(14),
  });
  await admin.createApiKey({ name: 'grafana-reader', description: 'Dashboards', role: 'viewer', scopes: ['keyplane.audit.read'] });
  const old = await asDana.createApiKey({ name: 'terraform-ci-2025', service_account_id: deployer.id, role: 'developer', expires_at: inDays(7) });
  await admin.revokeApiKey(old.api_key.id, { reason: 'replaced by terraform-ci' });

  // Used keys show when and from where; a key is verified from the address its allow list admits.
  await admin.verify({ key: terraform.secret!, client_ip: '198.51.100.20' });
  await admin.verify({ key: export_.secret!, client_ip: '203.0.113.9' });
  return { detailsKeyName: 'terraform-ci', serviceAccountName: 'ci-deployer' };
}

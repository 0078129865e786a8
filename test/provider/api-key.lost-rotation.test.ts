/**
 * keyplane_api_key, in process against a real service over HTTP: a rotation Terraform started whose answer
 * was lost leaves the service one secret version past the one Terraform delivered. The next plan sees that
 * (as it sees a rotation done outside Terraform), rotates again, and its warning names both causes rather
 * than blaming someone outside Terraform.
 */
import { diagnosticText as text, inProcessProvider } from '../helpers/in-process';
import { faultyProxy } from '../helpers/faulty-proxy';
import { type HttpService, startHttpService } from '../helpers/service';

let service: HttpService;
beforeAll(async () => {
  service = await startHttpService();
});
afterAll(async () => {
  await service?.stop();
});

test('a rotation whose answer was lost is rotated again by the next plan, whose warning does not claim it happened outside Terraform', async () => {
  const proxy = await faultyProxy(service);
  try {
    const via = await inProcessProvider(service, { endpoint: proxy.endpoint, config: { max_retries: 0 } });
    const k = via.resource('keyplane_api_key', 'k');
    const cfg = (v: string) => ({ name: 'lost-rotation', rotation: { triggers: { v } } });
    const id = (await k.apply(cfg('1'))).state.id as string;

    proxy.fail('POST', `/v1/api-keys/${id}/rotate`, 'lose-answer', 1);
    const failed = await k.apply(cfg('2'), { expectError: true });
    expect(failed.errors.map((e) => e.summary)).toEqual(['Cannot Rotate API Key']);
    expect(text(failed.errors)).toContain('the next plan sees a secret version Terraform did not deliver');
    // The service rotated: its answer, and so the new secret, never reached Terraform.
    expect((await service.client.getApiKey(id)).secret_version).toBe(2);
    expect(proxy.hits('POST', `/v1/api-keys/${id}/rotate`)).toBe(1);

    const plan = await k.plan(cfg('2'));
    expect(plan.action).toBe('update');
    expect(plan.warnings.map((w) => [w.summary, w.attribute])).toEqual([['Key Rotated Since Terraform Delivered Its Secret', 'secret_version']]);
    const detail = plan.warnings[0]!.detail;
    expect(detail).toContain(`API key ${id}'s current secret is version 2, but the secret Terraform delivered is version 1`);
    expect(detail).toContain('either someone rotated it outside Terraform, or a rotation Terraform started reached the service but its answer was lost');
    expect(detail).not.toContain('the key was rotated outside Terraform');

    const after = (await k.apply(plan)).state;
    expect(after).toMatchObject({ id, secret_version: 3 });
    expect((await k.plan(cfg('2'))).action).toBe('no-op');
    await k.destroy();
  } finally {
    await proxy.close();
  }
});

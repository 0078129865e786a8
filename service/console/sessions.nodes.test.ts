/** On PostgreSQL a console session opened on one node works on every node, and sign-out ends it on all. */
import { describePostgres } from '../../test/helpers/postgres';
import { startTwoNodes, type TwoNodes } from '../../test/helpers/nodes';

describePostgres('console sessions across nodes', () => {
  let nodes: TwoNodes;
  beforeAll(async () => {
    nodes = await startTwoNodes('keyplane-console-nodes-');
  });
  afterAll(() => nodes?.stop());

  test('signed in on A, used and signed out on B, refused on A', async () => {
    const { a, b, admin } = nodes;
    const signIn = await fetch(`${a.url}/v1/console/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: a.url },
      body: JSON.stringify({ api_key: admin }),
    });
    expect(signIn.status).toBe(201);
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
    expect((await fetch(`${b.url}/v1/whoami`, { headers: { cookie } })).status).toBe(200);
    const out = await fetch(`${b.url}/v1/console/session`, { method: 'DELETE', headers: { cookie, origin: b.url } });
    expect(out.status).toBe(204);
    expect((await fetch(`${a.url}/v1/whoami`, { headers: { cookie } })).status).toBe(401);
  });
});

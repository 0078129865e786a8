/**
 * The baseline for the verify benchmark: a bare Fastify route that answers the same JSON a successful
 * verification does, with no auth, validation or lookup. Prints `{"url": …}` on stdout once listening.
 */
import Fastify from 'fastify';

const body = {
  valid: true,
  key_id: 'key_0VbkMotj0JA5WUHfK8rw',
  name: 'bench',
  owner_type: 'user',
  owner_id: 'usr_0VbkMolo0DdKBKdIEQcq',
  role: 'developer',
  scopes: ['billing.read'],
  expires_at: null,
};

async function main() {
  const app = Fastify({ logger: false });
  app.post('/v1/keys/verify', async () => body);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address() as { port: number };
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${address.port}` })}\n`);
  process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
}

void main();

/**
 * The baseline for the verify benchmark: a bare Fastify route that answers the same JSON a successful
 * verification does, with no auth, validation or lookup. Prints `{"url": …}` on stdout once listening.
 */
import Fastify from 'fastify';
import { VERIFIED } from './common';

async function main() {
  const app = Fastify({ logger: false });
  app.post('/v1/keys/verify', async () => VERIFIED);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address() as { port: number };
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${address.port}` })}\n`);
  process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
}

void main();

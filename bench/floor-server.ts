/**
 * The floor for the verify benchmark: the least work any verification must do, on Node's own HTTP server
 * with no framework. It reads and parses the JSON body, takes one HMAC-SHA256 of the presented key, looks
 * the hash up in a Map and answers the same JSON a successful verification does. No authentication of the
 * caller, validation, checks or records. Not a service: a bound on what a complete one can reach here
 * (bench/README.md). Prints `{"url": …}` on stdout once listening.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { VERIFIED } from './common';

const hmacKey = randomBytes(32);
const known = new Map<string, string>();
const answer = JSON.stringify(VERIFIED);

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const { key } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { key: string };
    const hash = createHmac('sha256', hmacKey).update(key, 'utf8').digest('base64url');
    // Any key is "known" after its first use: the lookup is what is measured, not the store.
    if (!known.has(hash)) known.set(hash, answer);
    const body = known.get(hash)!;
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});

server.listen(0, '127.0.0.1', () => {
  const address = server.address() as { port: number };
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${address.port}` })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));

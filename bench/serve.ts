/**
 * The service under benchmark, in a process of its own: `startServer` with the options given as JSON in
 * argv[2]. Prints `{"url": …}` on stdout once listening; closes (draining, flushing) on SIGTERM.
 */
import { type ServerOptions, startServer } from '../service/server';

async function main(): Promise<void> {
  const server = await startServer(JSON.parse(process.argv[2] ?? '{}') as ServerOptions);
  const stop = () =>
    void server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});

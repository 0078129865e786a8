/**
 * The web console itself: `GET /` answers its page and `GET /console/<file>` its script and styles, each
 * with the console's security headers (service/console/security-headers.ts). Files are revalidated by ETag
 * on every load (`no-cache`), so a new build is picked up at once; the page carries no secret, and every
 * answer that does is a /v1 answer, which no cache may keep.
 * @module
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { type ConsoleAsset, loadAssets } from './assets';
import { setConsoleSecurityHeaders } from './security-headers';

export function consoleStaticRoutes(assetsDir: string): FastifyPluginAsync {
  const assets = loadAssets(assetsDir);
  function send(request: FastifyRequest, reply: FastifyReply, asset: ConsoleAsset | undefined) {
    setConsoleSecurityHeaders(reply);
    if (!asset) {
      const message = assets.size === 0 ? 'the web console was not built with this service (npm run build makes it)' : 'no such console file';
      return reply.status(404).type('text/plain; charset=utf-8').send(message);
    }
    void reply.header('cache-control', 'no-cache');
    void reply.header('etag', asset.etag);
    if (request.headers['if-none-match'] === asset.etag) return reply.status(304).send();
    return reply.type(asset.contentType).send(asset.body);
  }
  return async (app) => {
    app.get('/', { schema: { hide: true } }, (request, reply) => send(request, reply, assets.get('index.html')));
    app.get<{ Params: { file: string } }>('/console/:file', { schema: { hide: true } }, (request, reply) =>
      send(request, reply, request.params.file === 'index.html' ? undefined : assets.get(request.params.file)),
    );
  };
}

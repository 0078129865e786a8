/**
 * How the service reads a request before validation: bodies as strict JSON (json-body.ts), query strings that
 * must decode to UTF-8 (query-encoding.ts), no NUL character anywhere (validation.ts).
 * @module
 */
import type { FastifyInstance } from 'fastify';
import { jsonBodyParser } from './json-body';
import { rejectMalformedQuery } from './query-encoding';
import { rejectNulCharacters } from './validation';

export function installRequestParsing(app: FastifyInstance): void {
  // Fastify also parses text/plain by default; the API takes JSON only, so anything else is a 415.
  app.removeContentTypeParser('text/plain');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer' },
    jsonBodyParser(app.getDefaultJsonParser(app.initialConfig.onProtoPoisoning ?? 'error', app.initialConfig.onConstructorPoisoning ?? 'error')),
  );
  app.addHook('preValidation', rejectMalformedQuery);
  app.addHook('preValidation', rejectNulCharacters);
}

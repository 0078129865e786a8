/**
 * The OpenAPI document's one correction: @fastify/swagger documents every request body as required, so a
 * route whose body may be left out says so with `[OPTIONAL_BODY]: true` in its schema, and
 * `markOptionalBodies` rewrites its operation.
 * @module
 */

export const OPTIONAL_BODY = 'x-keyplane-optional-body';

export type OpenApiDocument = { paths?: Record<string, Record<string, { requestBody?: { required?: boolean }; [OPTIONAL_BODY]?: boolean }>> };

export function markOptionalBodies(doc: OpenApiDocument): OpenApiDocument {
  for (const operations of Object.values(doc.paths ?? {})) {
    for (const op of Object.values(operations)) {
      if (!op[OPTIONAL_BODY]) continue;
      delete op[OPTIONAL_BODY];
      if (op.requestBody) op.requestBody.required = false;
    }
  }
  return doc;
}

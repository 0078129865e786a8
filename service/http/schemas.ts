/**
 * Schemas shared by all routes: errors, pagination, names, labels, times. Field limits live here so every
 * area rejects an oversized value the same way, with a 400 naming the field.
 * @module
 */
import { Type } from '@sinclair/typebox';

export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'A stable code from the error registry (see docs/api/errors.md).' }),
      message: Type.String(),
      field: Type.Optional(Type.String({ description: 'The request field at fault, as a dotted path.' })),
    }),
  },
  { $id: 'ErrorResponse' },
);

export const Role = Type.Union([Type.Literal('admin'), Type.Literal('developer'), Type.Literal('viewer')], {
  description: 'admin > developer > viewer',
});
export const OwnerType = Type.Union([Type.Literal('user'), Type.Literal('service_account')]);
export const Name = Type.String({ minLength: 1, maxLength: 128 });
export const Description = Type.String({ maxLength: 1024 });
export const Timestamp = Type.String({ description: 'RFC 3339 time in UTC' });
export const NullableTimestamp = Type.Union([Timestamp, Type.Null()]);
export const Labels = Type.Record(Type.String({ pattern: '^[A-Za-z0-9_.:/-]{1,63}$' }), Type.String({ maxLength: 256 }), {
  maxProperties: 64,
  additionalProperties: false,
  description: 'Free-form key/value labels; keys are 1-63 characters of letters, digits and _.:/-',
});
export const IdList = Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 64, uniqueItems: true });
export const ScopeName = Type.String({ minLength: 1, maxLength: 128, pattern: '^[a-z][a-z0-9_-]*(\\.[a-z0-9_*-]+)*$' });

export const PageQuery = {
  page_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  page_token: Type.Optional(Type.String({ maxLength: 200 })),
};

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

/** Put `[OPTIONAL_BODY]: true` in a route schema whose body may be left out: @fastify/swagger otherwise documents every body as required. */
export const OPTIONAL_BODY = 'x-keyplane-optional-body';

/** Responses every authenticated route may give besides its success. */
export const errorResponses = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  409: ErrorResponse,
};

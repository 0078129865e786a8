/**
 * Schemas shared by every area of the API: errors, pagination, names, labels, times. Limits come from
 * contract/limits.ts, so every area rejects an oversized value the same way, with a 400 naming the field.
 * @module
 */
import { type TSchema, Type } from '@sinclair/typebox';
import { LIMITS } from '../limits';
import { OWNER_TYPES } from '../owners';
import { ROLES_HIGHEST_FIRST } from '../roles';

/** Marks a string whose value is secret: a key, a secret entry. Logs redact it; tests look for it. */
export const SECRET = 'x-keyplane-secret';

/** A union of the string literals of a constant list (roles, statuses…), so the list is written once. */
export function literals<const T extends string>(values: readonly T[], options: { description?: string } = {}) {
  return Type.Union(
    values.map((v) => Type.Literal(v)),
    options,
  );
}

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

export const Role = literals(ROLES_HIGHEST_FIRST, { description: 'admin > developer > viewer' });
export const OwnerType = literals(OWNER_TYPES);
export const Name = Type.String({ minLength: LIMITS.name.min, maxLength: LIMITS.name.max });
export const Description = Type.String({ maxLength: LIMITS.description.max });
export const Timestamp = Type.String({ description: 'RFC 3339 time in UTC' });
export const NullableTimestamp = Type.Union([Timestamp, Type.Null()]);
export const Id = Type.String({ minLength: LIMITS.id.min, maxLength: LIMITS.id.max });
export const Labels = Type.Record(Type.String({ pattern: LIMITS.labels.keyPattern }), Type.String({ maxLength: LIMITS.labels.valueMax }), {
  maxProperties: LIMITS.labels.max,
  additionalProperties: false,
  description: 'Free-form key/value labels; keys are 1-63 characters of letters, digits and _.:/-',
});
export const IdList = Type.Array(Id, { maxItems: LIMITS.idList.max, uniqueItems: true });
export const ScopeName = Type.String({ minLength: LIMITS.scopeName.min, maxLength: LIMITS.scopeName.max, pattern: LIMITS.scopeName.pattern });
export const ScopeNames = Type.Array(ScopeName, { maxItems: LIMITS.scopesPerKey.max, uniqueItems: true });
/** A filter of a listing: at most as long as the field it matches. */
export const NameFilter = Type.String({ maxLength: LIMITS.name.max });
export const IdFilter = Type.String({ maxLength: LIMITS.id.max });

export const PageQuery = {
  page_size: Type.Optional(Type.Integer({ minimum: LIMITS.page.sizeMin, maximum: LIMITS.page.sizeMax, default: LIMITS.page.sizeDefault })),
  page_token: Type.Optional(Type.String({ maxLength: LIMITS.page.tokenMax })),
};

export const NextPageToken = Type.Union([Type.String(), Type.Null()], { description: 'Pass as page_token for the next page; null on the last.' });

/** A page of a listing: `{ <items>: [...], next_page_token }`. */
export function pageOf<const K extends string, T extends TSchema>(items: K, item: T) {
  return Type.Object({ [items]: Type.Array(item), next_page_token: NextPageToken } as { [P in K]: ReturnType<typeof Type.Array<T>> } & {
    next_page_token: typeof NextPageToken;
  });
}

export const IdParams = Type.Object({ id: Id });

/** The answer of a route that answers 204 with no body. */
export const NoContent = Type.Null();

/** Responses every authenticated route may give besides its success. */
export const errorResponses = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  409: ErrorResponse,
  429: ErrorResponse,
};

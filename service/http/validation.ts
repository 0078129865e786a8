/**
 * Request validation. Bodies are validated strictly (no type coercion, no silently removed properties), so a
 * wrong type or an unknown field is a 400 naming it; query strings and path parameters coerce, because they
 * arrive as text. Ajv's first error becomes the `field` of the API error.
 * @module
 */
import Ajv, { type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import { SECRET } from '../../contract/api/common';
import { ApiError } from '../errors';
import { findInJson } from './json-walk';

function makeAjv(coerce: boolean): Ajv {
  const ajv = new Ajv({
    coerceTypes: coerce ? 'array' : false,
    removeAdditional: false,
    useDefaults: true,
    allErrors: false,
    verbose: true, // keeps parentSchema on errors, to word record-key errors
    strict: false,
  });
  addFormats(ajv);
  ajv.addKeyword({ keyword: SECRET });
  return ajv;
}

const strictAjv = makeAjv(false);
const coercingAjv = makeAjv(true);

export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  const ajv = httpPart === 'body' ? strictAjv : coercingAjv;
  return ajv.compile(schema as object) as never;
};

/** Dotted path of the offending field: `/labels/team` becomes `labels.team`, `/scopes/2` becomes `scopes[2]`. */
function fieldOf(err: ErrorObject): string {
  const parts = err.instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (err.keyword === 'additionalProperties') parts.push(String(err.params.additionalProperty));
  if (err.keyword === 'required') parts.push(String(err.params.missingProperty));
  let out = '';
  for (const p of parts) out += /^\d+$/.test(p) ? `[${p}]` : out ? `.${p}` : p;
  return out;
}

function describe(err: ErrorObject, field: string): string {
  switch (err.keyword) {
    case 'additionalProperties': {
      // A record (labels, secret entries) names its allowed keys by pattern; an object names its fields.
      const patterns = Object.keys((err.parentSchema as { patternProperties?: object } | undefined)?.patternProperties ?? {});
      return patterns.length > 0
        ? `${field}: "${String(err.params.additionalProperty)}" is not an allowed key (keys must match ${patterns.join(' or ')})`
        : `${field} is not a known field`;
    }
    case 'required':
      return `${field} is required`;
    case 'type':
      return `${field} must be of type ${String(err.params.type)}`;
    case 'maxLength':
      return `${field} must be at most ${String(err.params.limit)} characters`;
    case 'minLength':
      return Number(err.params.limit) === 1 ? `${field} must not be empty` : `${field} must be at least ${String(err.params.limit)} characters`;
    case 'maxItems':
      return `${field} may hold at most ${String(err.params.limit)} items`;
    case 'maxProperties':
      return `${field} may hold at most ${String(err.params.limit)} entries`;
    case 'uniqueItems':
      return `${field} must not repeat items`;
    case 'enum':
      return `${field} must be one of ${(err.params.allowedValues as unknown[]).join(', ')}`;
    default:
      return `${field} ${err.message ?? 'is invalid'}`;
  }
}

/**
 * A value that matched no branch of a union of literals or types (`role`, `status`, a nullable time) fails
 * every branch, and Ajv reports each branch before the `anyOf`; one sentence listing them reads better than
 * the first branch's "must be equal to constant".
 */
function describeUnion(errors: ErrorObject[], field: string): string | undefined {
  const at = errors[0]!.instancePath;
  const end = errors.findIndex((e) => e.keyword === 'anyOf' && e.instancePath === at);
  if (end < 1) return undefined;
  const branches = errors.slice(0, end);
  if (!branches.every((e) => e.instancePath === at && (e.keyword === 'const' || e.keyword === 'type'))) return undefined;
  const values = branches.filter((e) => e.keyword === 'const').map((e) => String(e.params.allowedValue));
  const types = branches.filter((e) => e.keyword === 'type').map((e) => String(e.params.type));
  const parts = [...(values.length ? [`one of ${values.join(', ')}`] : []), ...(types.length ? [`of type ${types.join(' or ')}`] : [])];
  return `${field} must be ${parts.join(' or ')}`;
}

export function validationErrorToApiError(errors: ErrorObject[], part: string): ApiError {
  const err = errors[0]!;
  const field = fieldOf(err) || part;
  return new ApiError('invalid_argument', describeUnion(errors, field) ?? describe(err, field), field);
}

/**
 * The first string under `value` holding a NUL character, as a field path (an object key's is the object's), or
 * undefined. PostgreSQL text cannot hold NUL (SQLite can), so without this check one such character in a name,
 * an email, a filter or a path parameter was a 500 on PostgreSQL only. Secret entries are left alone: their
 * names are checked by their pattern, and their values may hold anything, being stored encrypted, as base64.
 */
export function nulField(value: unknown): string | undefined {
  return findInJson(value, (text) => text.includes('\u0000'), { skip: (path) => path === 'entries' })?.path;
}

/** preValidation hook: a NUL character anywhere in the parameters, query or body is a 400 naming the field. */
export async function rejectNulCharacters(request: { params: unknown; query: unknown; body: unknown }): Promise<void> {
  for (const [part, whole] of [
    [request.params, 'path'],
    [request.query, 'query'],
    [request.body, 'body'],
  ] as const) {
    const field = nulField(part);
    if (field !== undefined) throw new ApiError('invalid_argument', `${field || whole} must not contain a NUL character`, field || whole);
  }
}

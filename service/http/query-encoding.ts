/**
 * Query strings whose percent-escapes do not decode to UTF-8 (`%ff`, a lone surrogate as `%ED%A0%80`, a broken
 * escape like `%zz`) are a 400 naming the parameter. Fastify's query parser keeps such a value as its raw text,
 * so `name_prefix=%ff` searched for the three characters "%ff", and `%zz` could not be told from `%25zz`.
 * @module
 */
import { ApiError } from '../errors';

function decoded(component: string): string | undefined {
  try {
    return decodeURIComponent(component.replaceAll('+', ' '));
  } catch {
    return undefined;
  }
}

/** The parameter of `url`'s query string that does not decode ('query' when its name does not), or undefined. */
export function badQueryParameter(url: string): string | undefined {
  const start = url.indexOf('?');
  // Only a '%' can fail to decode.
  if (start < 0 || !url.includes('%', start)) return undefined;
  for (const pair of url.slice(start + 1).split('&')) {
    const eq = pair.indexOf('=');
    const name = decoded(eq < 0 ? pair : pair.slice(0, eq));
    if (name === undefined) return 'query';
    if (eq >= 0 && decoded(pair.slice(eq + 1)) === undefined) return name || 'query';
  }
  return undefined;
}

/** preValidation hook: a query parameter that is not percent-encoded UTF-8 is a 400 naming it. */
export async function rejectMalformedQuery(request: { url: string }): Promise<void> {
  const field = badQueryParameter(request.url);
  if (field !== undefined) throw new ApiError('invalid_argument', `${field} is not valid percent-encoded UTF-8`, field);
}

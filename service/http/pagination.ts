/**
 * Keyset pagination over time-ordered ids: the page token is the last id of the previous page, opaque to
 * clients. Pages stay correct while rows are inserted or deleted between requests.
 * @module
 */
import { ApiError } from '../errors';

export function decodePageToken(token: string | undefined): string | undefined {
  if (!token) return undefined;
  const id = Buffer.from(token, 'base64url').toString('utf8');
  if (!/^[a-z]{2,3}_[0-9A-Za-z]{20}$/.test(id)) throw new ApiError('invalid_argument', 'page_token is not a token this service issued', 'page_token');
  return id;
}

/** Takes `pageSize + 1` rows, returns the page and the token for the next one. */
export function page<T extends { id: string }>(rows: T[], pageSize: number): { items: T[]; next_page_token: string | null } {
  if (rows.length <= pageSize) return { items: rows, next_page_token: null };
  const items = rows.slice(0, pageSize);
  return { items, next_page_token: Buffer.from(items[items.length - 1]!.id, 'utf8').toString('base64url') };
}

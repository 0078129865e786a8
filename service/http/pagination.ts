/**
 * Keyset pagination over time-ordered ids: the page token is the last id of the previous page, opaque to
 * clients. Pages stay correct while rows are inserted or deleted between requests.
 *
 * A list ordered by another column (`GET /v1/api-keys?sort=`) gets a token holding the sort, the last row's
 * value in that column and its id (the tie-break), so the next page starts exactly after that row.
 * @module
 */
import { parseRfc3339 } from '../../contract/time';
import { LIMITS } from '../../contract/limits';
import { ApiError } from '../errors';

const ID = /^[a-z]{2,3}_[0-9A-Za-z]{20}$/;

const notIssued = () => new ApiError('invalid_argument', 'page_token is not a token this service issued', 'page_token');

/** Whether `token` is one `sortedPage` made (of whichever sort), so a list in id order can say so when it gets one. */
function isSortedPageToken(token: string): boolean {
  try {
    return Array.isArray(JSON.parse(Buffer.from(token, 'base64url').toString('utf8')));
  } catch {
    return false;
  }
}

const anotherOrder = () =>
  new ApiError('invalid_argument', 'page_token continues the list in another order: give the sort of the request that returned it', 'page_token');

export function decodePageToken(token: string | undefined): string | undefined {
  if (!token) return undefined;
  const id = Buffer.from(token, 'base64url').toString('utf8');
  if (!ID.test(id)) throw isSortedPageToken(token) ? anotherOrder() : notIssued();
  return id;
}

/** Takes `pageSize + 1` rows, returns the page and the token for the next one. */
export function page<T extends { id: string }>(rows: T[], pageSize: number): { items: T[]; next_page_token: string | null } {
  if (rows.length <= pageSize) return { items: rows, next_page_token: null };
  const items = rows.slice(0, pageSize);
  return { items, next_page_token: Buffer.from(items[items.length - 1]!.id, 'utf8').toString('base64url') };
}

/** Where a page of a sorted list ends: the last row's time in the sort column (null: it has none) and its id. */
export interface SortedPosition {
  value: string | null;
  id: string;
}

/** The position a token of `sort` holds; a token of another sort (or of the id order) is a 400 naming page_token. */
export function decodeSortedPageToken(token: string | undefined, sort: string): SortedPosition | undefined {
  if (!token) return undefined;
  const text = Buffer.from(token, 'base64url').toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw ID.test(text) ? anotherOrder() : notIssued();
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) throw notIssued();
  const [tokenSort, value, id] = parsed as unknown[];
  const isTime = typeof value === 'string' && value.length <= LIMITS.timeText.max && parseRfc3339(value) !== undefined;
  if (typeof tokenSort !== 'string' || !(value === null || isTime) || typeof id !== 'string' || !ID.test(id)) throw notIssued();
  if (tokenSort !== sort) throw anotherOrder();
  return { value: value as string | null, id };
}

/** `page` for a list ordered by `sort`: `readValue` reads a row's value in the sort column. */
export function sortedPage<T extends { id: string }>(
  rows: T[],
  pageSize: number,
  sort: string,
  readValue: (row: T) => string | null,
): { items: T[]; next_page_token: string | null } {
  if (rows.length <= pageSize) return { items: rows, next_page_token: null };
  const items = rows.slice(0, pageSize);
  const last = items[items.length - 1]!;
  return { items, next_page_token: Buffer.from(JSON.stringify([sort, readValue(last), last.id]), 'utf8').toString('base64url') };
}

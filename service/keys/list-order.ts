/**
 * The order of `GET /v1/api-keys`: id order by default, or a date column (contract/api-key-sorts.ts) with the
 * id as tie-break. NULLs go last in both directions, said explicitly: SQLite puts them first in ascending
 * order and PostgreSQL last, and the other way round descending. The page condition matches that order
 * exactly, so paging neither skips nor repeats a key.
 * @module
 */
import type { Selectable, SelectQueryBuilder } from 'kysely';
import { type ApiKeySort, sortOrder } from '../../contract/api-key-sorts';
import type { ApiKeysTable, Database } from '../db/tables';
import { decodePageToken, decodeSortedPageToken, page, sortedPage } from '../http/pagination';

type KeyRow = Selectable<ApiKeysTable>;
type KeyQuery = SelectQueryBuilder<Database, 'api_keys', KeyRow>;

export interface KeyListOrder {
  /** Orders `query` and starts it after the page token. */
  apply(query: KeyQuery): KeyQuery;
  /** The page of rows (fetched `pageSize + 1`) and the next page's token. */
  page(rows: KeyRow[], pageSize: number): { items: KeyRow[]; next_page_token: string | null };
}

/** Decodes the token for `sort` first, so a bad token is a 400 before any query runs. */
export function keyListOrder(sort: ApiKeySort | undefined, pageToken: string | undefined): KeyListOrder {
  if (sort === undefined) {
    const after = decodePageToken(pageToken);
    return {
      apply: (query) => (after ? query.where('id', '>', after) : query).orderBy('id'),
      page,
    };
  }
  const { column, descending } = sortOrder(sort);
  const after = decodeSortedPageToken(pageToken, sort);
  const beyond = descending ? '<' : '>';
  return {
    apply(query) {
      let q = query;
      if (after) {
        const { value, id } = after;
        q = q.where((eb) =>
          value === null
            ? // Past the last dated key: only the undated ones remain, in id order.
              eb.and([eb(column, 'is', null), eb('id', beyond, id)])
            : eb.or([eb(column, beyond, value), eb.and([eb(column, '=', value), eb('id', beyond, id)]), eb(column, 'is', null)]),
        );
      }
      return q.orderBy(column, (ob) => (descending ? ob.desc() : ob.asc()).nullsLast()).orderBy('id', descending ? 'desc' : 'asc');
    },
    page: (rows, pageSize) => sortedPage(rows, pageSize, sort, (row) => row[column]),
  };
}

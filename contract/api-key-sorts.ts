/**
 * The orders `GET /v1/api-keys` can list keys in (its `sort` parameter): by one of a key's dates, oldest first,
 * or newest first with a leading `-`. Keys with no such date (never used, never expires) come last either way;
 * ties are broken by id. Without `sort`, keys come in id order, which is creation order (service/ids.ts).
 * @module
 */
export const API_KEY_SORT_COLUMNS = ['created_at', 'last_used_at', 'expires_at'] as const;
export type ApiKeySortColumn = (typeof API_KEY_SORT_COLUMNS)[number];

export const API_KEY_SORTS = ['created_at', '-created_at', 'last_used_at', '-last_used_at', 'expires_at', '-expires_at'] as const;
export type ApiKeySort = (typeof API_KEY_SORTS)[number];

/** The column a sort orders by, and whether newest first. */
export function sortOrder(sort: ApiKeySort): { column: ApiKeySortColumn; descending: boolean } {
  const descending = sort.startsWith('-');
  return { column: (descending ? sort.slice(1) : sort) as ApiKeySortColumn, descending };
}

/** The sort by `column`, newest first or not. */
export function sortBy(column: ApiKeySortColumn, descending: boolean): ApiKeySort {
  return descending ? `-${column}` : column;
}

/**
 * One listing of the API, a page at a time: the tokens of the pages seen so far are kept so Previous page
 * goes back, and a change of filters starts again at the first page (a token belongs to the query that made it).
 */
import { useEffect, useState } from 'preact/hooks';
import type { ApiFailure } from './api';
import { api } from './api';
import { toFailure } from './failure';

export interface PagedList<L> {
  list: L | undefined;
  error: ApiFailure | undefined;
  pageNumber: number;
  hasNext: boolean;
  next: () => void;
  previous: () => void;
  refresh: () => void;
}

/** `path` gives the GET path of a page for the current filters; `filters` are those filters (compared by value). */
export function usePagedList<L extends { next_page_token: string | null }>(path: (pageToken: string | undefined) => string, filters: unknown): PagedList<L> {
  const key = JSON.stringify(filters);
  const [paging, setPaging] = useState<{ key: string; tokens: (string | undefined)[] }>({ key, tokens: [undefined] });
  const tokens = paging.key === key ? paging.tokens : [undefined];
  const token = tokens[tokens.length - 1];
  const [list, setList] = useState<L>();
  const [error, setError] = useState<ApiFailure>();
  const [reload, setReload] = useState(0);
  useEffect(() => {
    let live = true;
    api<L>('GET', path(token)).then(
      (answer) => {
        if (!live) return;
        setList(answer);
        setError(undefined);
      },
      (err) => {
        if (!live) return;
        setList(undefined);
        setError(toFailure(err));
      },
    );
    return () => {
      live = false;
    };
  }, [key, token, reload]);
  return {
    list,
    error,
    pageNumber: tokens.length,
    hasNext: Boolean(list?.next_page_token),
    next: () => {
      if (list?.next_page_token) setPaging({ key, tokens: [...tokens, list.next_page_token] });
    },
    previous: () => setPaging({ key, tokens: tokens.length > 1 ? tokens.slice(0, -1) : tokens }),
    refresh: () => setReload((n) => n + 1),
  };
}

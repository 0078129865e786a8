/** Every item of a paged /v1 listing, page after page, up to a bound. */
import { api } from './api';

// A bound, not a loop that could run on: 20 pages of 200 is more than any choice list or name table needs.
const MAX_PAGES = 20;

export async function allPages<P extends { next_page_token: string | null }, T>(path: string, items: (page: P) => T[]): Promise<T[]> {
  const out: T[] = [];
  let token: string | null = null;
  for (let i = 0; i < MAX_PAGES; i++) {
    const page: P = await api<P>('GET', `${path}?page_size=200${token ? `&page_token=${encodeURIComponent(token)}` : ''}`);
    out.push(...items(page));
    token = page.next_page_token;
    if (!token) break;
  }
  return out;
}

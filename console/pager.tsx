/** Previous page / Next page under a listing (console/paged-list.ts). */
import type { PagedList } from './paged-list';

export function Pager(props: { paged: PagedList<unknown> }) {
  const p = props.paged;
  return (
    <nav class="pager" aria-label="Pages">
      <button type="button" disabled={p.pageNumber === 1} onClick={p.previous}>
        Previous page
      </button>
      <span>Page {p.pageNumber}</span>
      <button type="button" disabled={!p.hasNext} onClick={p.next}>
        Next page
      </button>
    </nav>
  );
}

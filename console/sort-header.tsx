/**
 * A column header that sorts the API Keys list by its date (contract/api-key-sorts.ts). `aria-sort` on the
 * header of the sorted column says which way; the button makes its column the sort, newest first, or
 * reverses it when it already is. The arrow is drawn by console.css from `aria-sort`, so the header's text
 * stays the column's name.
 */
import { type ApiKeySort, type ApiKeySortColumn, sortBy, sortOrder } from '../contract/api-key-sorts';

export function SortHeader(props: { label: string; column: ApiKeySortColumn; sort: ApiKeySort; onSort: (sort: ApiKeySort) => void }) {
  const current = sortOrder(props.sort);
  const active = current.column === props.column;
  return (
    // The header keeps the column's name for the cells under it; the button inside says what it does.
    <th scope="col" aria-label={props.label} aria-sort={active ? (current.descending ? 'descending' : 'ascending') : undefined}>
      <button
        type="button"
        class="sort"
        aria-label={`Sort by ${props.label}`}
        onClick={() => props.onSort(sortBy(props.column, active ? !current.descending : true))}
      >
        {props.label}
      </button>
    </th>
  );
}

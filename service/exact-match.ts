/**
 * Exact text filters that behave the same on SQLite and PostgreSQL. LIKE does not: SQLite's LIKE ignores
 * ASCII case and has no escape character unless the query names one, so `name_prefix=ci_` (escaped as
 * `ci\_%`) matched nothing there while matching exactly on PostgreSQL. `substr` and `replace` compare
 * code points exactly in both.
 * @module
 */
import { type Expression, type SqlBool, sql } from 'kysely';

/** `column` begins with `prefix`, case and every character significant. */
export function startsWith(column: string, prefix: string): Expression<SqlBool> {
  // Both databases count characters (code points) in substr, as the spread does here, not UTF-16 units.
  return sql<SqlBool>`substr(${sql.ref(column)}, 1, cast(${[...prefix].length} as integer)) = ${prefix}`;
}

/** `column` contains `needle` somewhere, case and every character significant. */
export function containsText(column: string, needle: string): Expression<SqlBool> {
  return sql<SqlBool>`replace(${sql.ref(column)}, ${needle}, '') <> ${sql.ref(column)}`;
}

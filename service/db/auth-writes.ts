/**
 * Writes that authentication depends on. Every node caches what verification needs (service/keys/verifier.ts:
 * a key, its owner's and creator's roles and state, its allow lists), so a write to those rows must reach
 * every node's cache, or a revoked key would keep working there. Two Kysely plugins make that impossible to
 * forget:
 *
 * - `AuthWriteGuard` sits on the store's everyday handle (`store.db`) and refuses any such write: it throws
 *   before the statement reaches the database.
 * - `AuthWriteRecorder` sits on the handle of a write transaction (`store.transaction`, used by
 *   service/db/transaction.ts `inTransaction`) and records which auth tables were written, so the change is
 *   published inside that transaction whenever one was, with nothing for the caller to remember.
 * @module
 */
import type { KyselyPlugin, OperationNode, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import type { Database } from './tables';

/** The tables verification reads. */
export const AUTH_TABLES: readonly (keyof Database)[] = ['api_keys', 'users', 'service_accounts', 'ip_allow_lists', 'api_key_allow_lists'];

/** Columns of those tables that verification does not read: writing only these changes nothing it caches. */
const NOT_AUTH_COLUMNS: Partial<Record<keyof Database, readonly string[]>> = {
  // Written in batches after verifications (service/keys/last-used.ts).
  api_keys: ['last_used_at', 'last_used_ip', 'last_used_claimed_ip'],
};

export class AuthWriteOutsideTransactionError extends Error {
  constructor(table: string) {
    super(`a write to ${table} outside inTransaction (service/db/transaction.ts): other nodes would not hear of it and could keep a stale key alive`);
  }
}

/** The auth table a statement writes, if it writes one (undefined for reads and for other tables). */
export function authTableWritten(node: RootOperationNode): string | undefined {
  // A data-modifying CTE (PostgreSQL) writes too, whatever the outer statement is.
  for (const cte of (node as { with?: { expressions: readonly { expression: RootOperationNode }[] } }).with?.expressions ?? []) {
    const table = authTableWritten(cte.expression);
    if (table) return table;
  }
  switch (node.kind) {
    case 'InsertQueryNode':
      return authTable(node.into);
    case 'DeleteQueryNode':
      return node.from.froms.map(authTable).find((t) => t !== undefined);
    case 'MergeQueryNode':
      return authTable(node.into);
    case 'UpdateQueryNode': {
      const table = authTable(node.table);
      if (!table) return undefined;
      const ignored = NOT_AUTH_COLUMNS[table as keyof Database] ?? [];
      const columns = (node.updates ?? []).map((u) => columnName(u.column));
      return columns.length > 0 && columns.every((c) => c !== undefined && ignored.includes(c)) ? undefined : table;
    }
    case 'RawNode': {
      // sql`...` cannot be parsed here; a raw write is recognised by its text: a table named in the text, or
      // interpolated (sql.table) right after "insert into", "update" or "delete from".
      const verb = /\b(?:insert\s+into|update|delete\s+from)\s+/i;
      for (const [i, fragment] of node.sqlFragments.entries()) {
        const inline = new RegExp(`${verb.source}"?(\\w+)"?`, 'i').exec(fragment);
        if (inline && (AUTH_TABLES as readonly string[]).includes(inline[1]!.toLowerCase())) return inline[1]!.toLowerCase();
        const next = node.parameters[i];
        if (next && new RegExp(`${verb.source}$`, 'i').test(fragment)) {
          const table = authTable(next);
          if (table) return table;
        }
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

function authTable(node: OperationNode | undefined): string | undefined {
  if (!node) return undefined;
  if (node.kind === 'AliasNode') return authTable((node as unknown as { node: OperationNode }).node);
  // sql.table(name) arrives wrapped in a raw node of its own.
  if (node.kind === 'RawNode') {
    const raw = node as unknown as { sqlFragments: readonly string[]; parameters: readonly OperationNode[] };
    return raw.parameters.length === 1 && raw.sqlFragments.every((f) => f.trim() === '') ? authTable(raw.parameters[0]) : undefined;
  }
  if (node.kind !== 'TableNode') return undefined;
  const name = (node as unknown as { table: { identifier: { name: string } } }).table.identifier.name;
  return (AUTH_TABLES as readonly string[]).includes(name) ? name : undefined;
}

function columnName(node: OperationNode): string | undefined {
  return node.kind === 'ColumnNode' ? (node as unknown as { column: { name: string } }).column.name : undefined;
}

abstract class QueryOnlyPlugin implements KyselyPlugin {
  abstract transformQuery(args: PluginTransformQueryArgs): RootOperationNode;
  transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return Promise.resolve(args.result);
  }
}

export class AuthWriteGuard extends QueryOnlyPlugin {
  transformQuery({ node }: PluginTransformQueryArgs): RootOperationNode {
    const table = authTableWritten(node);
    if (table) throw new AuthWriteOutsideTransactionError(table);
    return node;
  }
}

export class AuthWriteRecorder extends QueryOnlyPlugin {
  readonly written = new Set<string>();
  transformQuery({ node }: PluginTransformQueryArgs): RootOperationNode {
    const table = authTableWritten(node);
    if (table) this.written.add(table);
    return node;
  }
}

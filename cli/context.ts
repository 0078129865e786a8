/**
 * What every API command shares: the global options, the client built from them (flags first, then
 * KEYPLANE_ENDPOINT and KEYPLANE_API_KEY), the checksum test that rejects a mistyped key before any network
 * call, and listing with pages.
 * @module
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { KeyplaneClient, type Page, type PageParams } from '../client';
import { KEY_FORMAT_PROBLEMS, keyFormatProblem } from '../contract/key-format';
import { UsageError } from './errors';
import type { PagingFlags } from './options';
import { note, type Format } from './output';

export interface GlobalOptions {
  endpoint?: string;
  apiKey?: string;
  caCert?: string;
  /** `-o wide` is the table format, with `wide` set. */
  output: Format;
  /** `-o wide`: the table with every column in full (cli/output.ts `printTable`). */
  wide: boolean;
}

export function globals(cmd: Command): GlobalOptions {
  const o = cmd.optsWithGlobals() as Omit<GlobalOptions, 'output' | 'wide'> & { output: Format | 'wide' };
  return { ...o, output: o.output === 'wide' ? 'table' : o.output, wide: o.output === 'wide' };
}

/** Rejects a malformed key by its format and checksum (contract/key-format.ts), naming where it came from. */
export function checkKeyFormat(key: string, source: string): void {
  const problem = keyFormatProblem(key);
  if (problem) throw new UsageError(`${source} is not a well-formed Keyplane key: ${KEY_FORMAT_PROBLEMS[problem]}`);
}

/** The client for an API command. Everything that can be wrong locally is a usage error, found before any request. */
export function clientFor(cmd: Command): KeyplaneClient {
  const g = globals(cmd);
  const endpoint = g.endpoint ?? (process.env.KEYPLANE_ENDPOINT || undefined);
  const apiKey = g.apiKey ?? (process.env.KEYPLANE_API_KEY || undefined);
  if (!endpoint) throw new UsageError('no endpoint: pass --endpoint URL or set KEYPLANE_ENDPOINT');
  if (!apiKey) throw new UsageError('no API key: pass --api-key KEY or set KEYPLANE_API_KEY');
  checkKeyFormat(apiKey.trim(), g.apiKey !== undefined ? '--api-key' : 'KEYPLANE_API_KEY');
  let caCert: Buffer | undefined;
  if (g.caCert) {
    try {
      caCert = readFileSync(g.caCert);
    } catch (err) {
      throw new UsageError(`--ca-cert ${g.caCert} cannot be read: ${(err as Error).message}`);
    }
  }
  try {
    return new KeyplaneClient({ endpoint, apiKey: apiKey.trim(), caCert, userAgent: 'keyplane-cli' });
  } catch (err) {
    throw new UsageError(`${g.endpoint !== undefined ? '--endpoint' : 'KEYPLANE_ENDPOINT'}: ${(err as Error).message}`);
  }
}

/**
 * One page (or, with --all, every page) of a listing. When more pages remain, says how to get them on stderr,
 * so stdout holds only the items.
 */
export async function listPages<T, Q extends PageParams>(
  client: KeyplaneClient,
  list: (query: Q) => Promise<Page<T>>,
  query: NoInfer<Omit<Q, keyof PageParams>>,
  flags: PagingFlags,
): Promise<T[]> {
  const q = { ...query, page_size: flags.pageSize, page_token: flags.pageToken } as Q;
  if (flags.all) {
    const items: T[] = [];
    for await (const item of client.listAll(list, q)) items.push(item);
    return items;
  }
  const page = await list.call(client, q);
  if (page.next_page_token) note(`more results: add --page-token ${page.next_page_token} (or --all)`);
  return page.items;
}

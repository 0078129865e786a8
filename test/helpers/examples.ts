/**
 * The examples as the docs show them (examples/), for the tests that run them as written.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './root';

/** The text of `examples/<path>`. */
export function example(path: string): string {
  return readFileSync(join(ROOT, 'examples', path), 'utf8');
}

/**
 * The address and a function of the id from `examples/resources/<type>/import.sh`, whose command reads
 * `terraform import ADDRESS ID`: the tests run that command with a real id.
 */
export function importExample(type: string): { address: string; args(id: string): string[] } {
  const script = example(`resources/${type}/import.sh`);
  const m = /^terraform import (\S+) (\S+)$/m.exec(script);
  if (!m) throw new Error(`examples/resources/${type}/import.sh has no "terraform import ADDRESS ID" line`);
  const address = m[1]!;
  return { address, args: (id) => ['import', address, id] };
}

/**
 * The `provider_installation` blocks `keyplane provider install|dev-overrides` print, and writing one into a
 * Terraform CLI configuration file between marker comments, so a later run replaces its own block and never
 * touches anything else. Terraform reads CLI config with HCL 1 and honours a single provider_installation
 * block, so a file that already has one of its own is refused rather than edited.
 * @module
 */
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { UsageError } from './errors';

export const BEGIN_MARKER = '# BEGIN keyplane provider install';
export const END_MARKER = '# END keyplane provider install';

/** An HCL string literal. JSON's escapes are HCL's; control characters would not survive HCL 1, so they are refused. */
export function hclString(value: string, option: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(value))
    throw new UsageError(`${option} ${JSON.stringify(value)} holds a control character, which a Terraform CLI configuration cannot hold`);
  return JSON.stringify(value);
}

/** The mirror for `address`, the network for every other provider. */
export function mirrorBlock(address: string, dir: string): string {
  const a = JSON.stringify(address);
  return `provider_installation {\n  filesystem_mirror {\n    path    = ${hclString(dir, '--dir')}\n    include = [${a}]\n  }\n  direct {\n    exclude = [${a}]\n  }\n}\n`;
}

/**
 * Each address run from the executable in its directory, with no init and no lock file; dev_overrides must
 * come first, and `direct {}` keeps every other provider installable as usual.
 */
export function devOverridesBlock(overrides: Readonly<Record<string, string>>): string {
  const lines = Object.entries(overrides).map(([address, dir]) => `    ${JSON.stringify(address)} = ${hclString(dir, '--dir')}`);
  return `provider_installation {\n  dev_overrides {\n${lines.join('\n')}\n  }\n  direct {}\n}\n`;
}

/** `block` between the markers, as it goes into the file. */
export function managedSection(block: string, command: string): string {
  return `${BEGIN_MARKER}\n# Written by \`${command}\`, which replaces everything down to the END line when run again.\n${block}${END_MARKER}\n`;
}

/**
 * The 1-based line of the first `provider_installation` identifier outside comments, strings and heredocs,
 * or undefined. A scan, not a parser: enough to tell whether a CLI config already has such a block.
 */
export function findProviderInstallation(text: string): number | undefined {
  const lineAt = (i: number) => text.slice(0, i).split('\n').length;
  for (let i = 0; i < text.length; ) {
    const c = text[i];
    if (c === '#' || text.startsWith('//', i)) {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
    } else if (c === '"') {
      for (i++; i < text.length && text[i] !== '"' && text[i] !== '\n'; i++) if (text[i] === '\\') i++;
      i++;
    } else if (text.startsWith('<<', i)) {
      // A heredoc runs to the line that holds only its identifier.
      const opener = /^<<-?([A-Za-z_][\w-]*)[ \t]*\n/.exec(text.slice(i));
      if (!opener) {
        i += 2;
        continue;
      }
      const body = i + opener[0].length;
      const close = new RegExp(`^[ \\t]*${opener[1]}[ \\t]*$`, 'm').exec(text.slice(body));
      i = close ? body + close.index + close[0].length : text.length;
    } else if (/[A-Za-z_]/.test(c)) {
      const word = /^[A-Za-z_][\w-]*/.exec(text.slice(i))![0];
      if (word === 'provider_installation') return lineAt(i);
      i += word.length;
    } else {
      i++;
    }
  }
  return undefined;
}

export type CliConfigChange = 'created' | 'appended' | 'replaced' | 'unchanged';

export interface CliConfigPlan {
  file: string;
  change: CliConfigChange;
  /** The file's new content. */
  text: string;
}

/**
 * Works out the new content of `file` with `section` in it, touching nothing yet, so a refusal comes before
 * anything is installed. `mergeHint` says how to merge by hand when the file has a provider_installation
 * block of its own.
 */
export function planCliConfig(file: string, section: string, mergeHint: string): CliConfigPlan {
  let old: string | undefined;
  try {
    if (statSync(file).isDirectory())
      throw new UsageError(`--cli-config ${file} is a directory; give the path of a file (e.g. ${file.replace(/\/+$/, '')}/keyplane.tfrc)`);
    old = readFileSync(file, 'utf8');
  } catch (err) {
    if (err instanceof UsageError) throw err;
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new UsageError(`--cli-config ${file} cannot be read: ${(err as Error).message}`);
  }
  if (old === undefined) return { file, change: 'created', text: section };

  const lines = old.split('\n');
  const begins = lines.flatMap((l, n) => (l.trimEnd().startsWith(BEGIN_MARKER) ? [n] : []));
  const ends = lines.flatMap((l, n) => (l.trimEnd().startsWith(END_MARKER) ? [n] : []));
  const damaged = (why: string) =>
    new Error(`--cli-config ${file}: ${why}; fix the "${BEGIN_MARKER}" … "${END_MARKER}" lines by hand (or delete that section), then run this again`);
  if (begins.length > 1 || ends.length > 1) throw damaged('it holds more than one keyplane section');
  if (begins.length !== ends.length || (begins.length === 1 && ends[0] < begins[0]))
    throw damaged('its keyplane section has a BEGIN line without a matching END line, or the other way round');

  let before = old;
  let after = '';
  if (begins.length === 1) {
    before = lines.slice(0, begins[0]).join('\n') + (begins[0] > 0 ? '\n' : '');
    after = lines.slice(ends[0] + 1).join('\n');
  }
  // JSON syntax is HCL 1's other form (a file starting with "{"); a native-syntax block cannot be added to it.
  if (/^\s*\{/.test(before.replace(/^\s*(#|\/\/).*$/gm, '')))
    throw new UsageError(`--cli-config ${file} is in JSON syntax; this command writes native syntax: give another file`);
  const inAfter = findProviderInstallation(after);
  const foreign = findProviderInstallation(before) ?? (inAfter === undefined ? undefined : ends[0] + 1 + inAfter);
  if (foreign !== undefined) {
    throw new Error(
      `--cli-config ${file} already has a provider_installation block of its own (line ${foreign}), and Terraform allows only one such block in its CLI configuration. ${mergeHint}; or give another --cli-config file.`,
    );
  }
  if (begins.length === 1) {
    const text = before + section + after;
    return { file, change: text === old ? 'unchanged' : 'replaced', text };
  }
  const separator = old === '' ? '' : old.endsWith('\n\n') ? '' : old.endsWith('\n') ? '\n' : '\n\n';
  return { file, change: 'appended', text: old + separator + section };
}

/** Writes what `planCliConfig` worked out: a new file gets mode 0644 (and its directory); an existing one keeps its mode. */
export function applyCliConfig(plan: CliConfigPlan): void {
  if (plan.change === 'unchanged') return;
  try {
    if (plan.change === 'created') {
      mkdirSync(dirname(plan.file), { recursive: true });
      writeFileSync(plan.file, plan.text, { flag: 'wx', mode: 0o644 });
      chmodSync(plan.file, 0o644); // the umask may have narrowed it; Terraform only needs to read it, but say what we mean
    } else {
      writeFileSync(plan.file, plan.text);
    }
  } catch (err) {
    throw new UsageError(`--cli-config ${plan.file} cannot be written: ${(err as Error).message}`);
  }
}

/**
 * `npm run release`: builds the provider's release files into dist/release (docs/releases.md).
 *
 *   npm run release -- --signing-key FILE        # or KEYPLANE_RELEASE_SIGNING_KEY_FILE=FILE
 *   npm run release -- --platform linux_amd64    # only some platforms (repeatable; default: all that work)
 *   npm run release -- --unsigned                # no key: SHA256SUMS without a .sig, said so at the end
 *
 * Without a key and without --unsigned it fails before building anything: a release is signed unless
 * someone asked for it not to be. Runtime packages are kept in dist/release-cache (--cache DIR).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { packageRoot } from '../../cli/version';
import { RELEASE_DIR, RUNTIME_CACHE_DIR } from './artifacts';
import { buildRelease } from './build';
import { selectPlatforms } from './platforms';
import { sourceDate } from './source-date';
import { readSigningKey, SIGNING_KEY_FILE_ENV, SIGNING_KEY_PASSPHRASE_ENV, signingKeyWarning } from './signing';

const USAGE = `usage: npm run release -- [--signing-key FILE | --unsigned] [--platform OS_ARCH]... [--out DIR] [--cache DIR]
  --signing-key FILE  armored OpenPGP private key signing SHA256SUMS (or $${SIGNING_KEY_FILE_ENV}; passphrase in $${SIGNING_KEY_PASSPHRASE_ENV})
  --unsigned          build without a signature: no SHA256SUMS.sig is written
  --platform OS_ARCH  build this platform (repeatable); default: every platform but windows_amd64 (not ready)
  --out DIR           where the release goes (default dist/release; earlier release files there are removed)
  --cache DIR         where fetched runtime packages are kept (default dist/release-cache)
  SOURCE_DATE_EPOCH   the zip entries' time (default: the time of the commit checked out)`;

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'signing-key': { type: 'string' },
      unsigned: { type: 'boolean', default: false },
      platform: { type: 'string', multiple: true, default: [] },
      out: { type: 'string' },
      cache: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const root = packageRoot(__dirname);
  const keyFile = values['signing-key'] ?? process.env[SIGNING_KEY_FILE_ENV];
  if (keyFile && values.unsigned) throw new Error('--unsigned and a signing key exclude each other');
  if (!keyFile && !values.unsigned) {
    throw new Error(`no signing key: pass --signing-key FILE or set ${SIGNING_KEY_FILE_ENV} (or --unsigned for a release without SHA256SUMS.sig)`);
  }
  const signingKey = keyFile ? await readSigningKey(readFileSync(keyFile, 'utf8'), process.env[SIGNING_KEY_PASSPHRASE_ENV]) : null;
  const warning = signingKey && signingKeyWarning(signingKey);
  if (warning) process.stderr.write(`warning: ${warning}\n`);

  const platforms = selectPlatforms(values.platform);
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  const outDir = resolve(values.out ?? join(root, RELEASE_DIR));
  const release = await buildRelease({
    root,
    version,
    platforms,
    outDir,
    cacheDir: resolve(values.cache ?? join(root, RUNTIME_CACHE_DIR)),
    modified: sourceDate(root),
    signingKey,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(`${release.files.map((f) => `${join(outDir, f)}\n`).join('')}`);
  if (!release.signed) process.stderr.write('UNSIGNED: no SHA256SUMS.sig was written (--unsigned); Terraform will not install this release from a registry\n');
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (err: unknown) => {
      process.stderr.write(`release: ${(err as Error).message}\n`);
      process.exitCode = 1;
    },
  );
}

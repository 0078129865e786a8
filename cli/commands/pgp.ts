/**
 * `keyplane pgp generate-key|decrypt`: the two OpenPGP steps a person receiving a key through `pgp_key`
 * needs, for machines without gpg. `generate-key` writes a key pair (the private key mode 0600, optionally
 * passphrase-protected); `decrypt` reads a keyplane_api_key's `encrypted_secret` (`terraform output -raw …`)
 * on stdin or from a file and prints the key. openpgp loads only inside these actions.
 * @module
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { globals } from '../context';
import { action, UsageError } from '../errors';
import { printObject, write } from '../output';

type OpenPGP = typeof import('openpgp');
const openpgp = (): OpenPGP => require('openpgp') as OpenPGP;

function readInput(file: string): string {
  try {
    return readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read ${file === '-' ? 'stdin' : file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

function passphraseFrom(file: string | undefined): string | undefined {
  if (file === undefined) return undefined;
  const text = readInput(file).replace(/\r?\n$/, '');
  if (text === '') throw new UsageError(`--passphrase-file ${file} is empty`);
  return text;
}

interface GenerateFlags {
  name: string;
  email: string;
  outDir: string;
  passphraseFile?: string;
  force?: boolean;
}

interface DecryptFlags {
  privateKey: string;
  passphraseFile?: string;
  in: string;
}

export function register(program: Command): void {
  const group = program.command('pgp').description('Make an OpenPGP key pair for pgp_key, and decrypt encrypted_secret with it');

  group
    .command('generate-key')
    .description('Write an OpenPGP key pair (Curve25519): public.asc for pgp_key, private.asc (mode 0600) to decrypt with')
    .requiredOption('--name <name>', "the key owner's name")
    .requiredOption('--email <email>', "the key owner's email address")
    .requiredOption('--out-dir <dir>', 'where public.asc and private.asc go (created if missing)')
    .option('--passphrase-file <file>', 'protect the private key with the passphrase in this file (- is stdin)')
    .option('--force', 'overwrite an existing key pair in --out-dir')
    .action(
      action(async (o: GenerateFlags, cmd: Command) => {
        if (!/^[^\s@<>]+@[^\s@<>]+$/.test(o.email)) throw new UsageError(`--email ${JSON.stringify(o.email)} is not an email address`);
        const pub = join(o.outDir, 'public.asc');
        const priv = join(o.outDir, 'private.asc');
        if (!o.force && (existsSync(pub) || existsSync(priv)))
          throw new UsageError(`--out-dir ${o.outDir} already holds a key pair (public.asc or private.asc); give --force to replace it`);
        const passphrase = passphraseFrom(o.passphraseFile);
        const pgp = openpgp();
        const key = await pgp.generateKey({ type: 'curve25519', userIDs: [{ name: o.name, email: o.email }], passphrase, format: 'armored' });
        try {
          mkdirSync(o.outDir, { recursive: true, mode: 0o700 });
          writeFileSync(priv, key.privateKey, { mode: 0o600 });
          // The mode applies only to a new file: an overwritten private.asc (--force) may have been readable.
          chmodSync(priv, 0o600);
          writeFileSync(pub, key.publicKey, { mode: 0o644 });
        } catch (err) {
          throw new Error(`cannot write to --out-dir ${o.outDir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
        }
        const fingerprint = (await pgp.readKey({ armoredKey: key.publicKey })).getFingerprint().toUpperCase();
        printObject(globals(cmd).output, { fingerprint, public_key: pub, private_key: priv, protected: passphrase !== undefined });
      }),
    );

  group
    .command('decrypt')
    .description('Decrypt an OpenPGP message (a keyplane_api_key encrypted_secret) and print it')
    .requiredOption('--private-key <file>', 'the armored private key (private.asc)')
    .option('--passphrase-file <file>', 'its passphrase, when it has one')
    .option('--in <file>', 'the armored message (default: stdin)', '-')
    .addHelpText('after', '\nExample:\n  terraform output -raw oncall_encrypted_secret | keyplane pgp decrypt --private-key ./private.asc')
    .action(
      action(async (o: DecryptFlags) => {
        const pgp = openpgp();
        let privateKey: Awaited<ReturnType<OpenPGP['readPrivateKey']>>;
        try {
          privateKey = await pgp.readPrivateKey({ armoredKey: readInput(o.privateKey) });
        } catch (err) {
          if (!(err instanceof Error) || /^cannot read /.test(err.message)) throw err;
          throw new UsageError(`--private-key ${o.privateKey} is not an armored OpenPGP private key: ${(err as Error).message}`);
        }
        if (!privateKey.isDecrypted()) {
          const passphrase = passphraseFrom(o.passphraseFile);
          if (passphrase === undefined) throw new UsageError(`--private-key ${o.privateKey} is protected by a passphrase: give --passphrase-file`);
          try {
            privateKey = await pgp.decryptKey({ privateKey, passphrase });
          } catch {
            throw new Error(`--passphrase-file does not unlock --private-key ${o.privateKey}`);
          }
        }
        const text = readInput(o.in);
        let message: Awaited<ReturnType<OpenPGP['readMessage']>>;
        try {
          message = await pgp.readMessage({ armoredMessage: text });
        } catch (err) {
          throw new UsageError(`the input is not an armored OpenPGP message (-----BEGIN PGP MESSAGE-----): ${(err as Error).message}`);
        }
        try {
          const { data } = await pgp.decrypt({ message, decryptionKeys: privateKey });
          write(`${String(data)}\n`);
        } catch (err) {
          throw new Error(
            `cannot decrypt the message with --private-key ${o.privateKey} (${(err as Error).message}); was it encrypted to this key's public half?`,
          );
        }
      }),
    );
}

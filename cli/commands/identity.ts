/**
 * `keyplane whoami` (the calling key and its principal) and `keyplane verify` (POST /v1/keys/verify, as a
 * service that was handed a key would call it). A failed verification is a result: it prints `valid false`
 * and the reason on stdout, like a valid one, and exits with the reason's code (cli/errors.ts), so
 * `keyplane verify "$KEY" && deploy` stops on a key that does not pass.
 * @module
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { checkKeyFormat, clientFor, globals } from '../context';
import { action, EXIT_FAILURE, EXIT_USAGE, UsageError, VERIFY_EXIT_CODES } from '../errors';
import { collect } from '../options';
import { printObject } from '../output';

interface VerifyFlags {
  keyFile?: string;
  scope?: string[];
  clientIp?: string;
}

/** The key to verify, from the argument, `-` (stdin) or --key-file; the latter two keep it out of `ps`. */
function keyToVerify(arg: string | undefined, o: VerifyFlags): { key: string; source: string } {
  if (arg !== undefined && o.keyFile !== undefined) throw new UsageError('give the key as an argument or with --key-file, not both');
  if (o.keyFile !== undefined) {
    try {
      return { key: readFileSync(o.keyFile, 'utf8').trim(), source: `the key in --key-file ${o.keyFile}` };
    } catch (err) {
      throw new UsageError(`--key-file ${o.keyFile} cannot be read: ${(err as Error).message}`);
    }
  }
  if (arg === '-') return { key: readFileSync(0, 'utf8').trim(), source: 'the key read from stdin' };
  if (arg === undefined) throw new UsageError('give the key to verify: keyplane verify KEY, keyplane verify - (stdin) or --key-file FILE');
  return { key: arg.trim(), source: 'the KEY argument of verify' };
}

/** The exit codes of verify, from VERIFY_EXIT_CODES: one line per code with the reasons that give it. */
function verifyExitCodesHelp(): string {
  const byCode = new Map<number, string[]>();
  for (const [reason, code] of Object.entries(VERIFY_EXIT_CODES)) byCode.set(code, [...(byCode.get(code) ?? []), reason]);
  const lines = [...byCode].map(([code, reasons]) => `  ${code}  the key does not pass: ${reasons.join(', ')}`);
  return `
The result (valid, and the reason when not) is printed in every case. Exit codes:
  0  the key is valid (and holds every --scope)
  ${EXIT_FAILURE}  the service could not be asked, or refused the request (the verifying key lacks the right)
  ${EXIT_USAGE}  usage error, or a malformed key (checked locally, before any request)
${lines.join('\n')}`;
}

export function register(program: Command): void {
  program
    .command('whoami')
    .description('Show the calling key and who it acts for')
    .action(
      action(async (_o: object, cmd: Command) => {
        const w = await clientFor(cmd).whoami();
        const format = globals(cmd).output;
        if (format !== 'table') return printObject(format, w);
        printObject(format, {
          key_id: w.api_key.id,
          key_name: w.api_key.name,
          principal: `${w.principal.type} ${w.principal.id}`,
          name: w.principal.name,
          email: w.principal.email,
          role: w.effective_role,
          scopes: w.api_key.scopes,
          expires_at: w.api_key.expires_at,
        });
      }),
    );

  program
    .command('verify [key]')
    .description('Verify a key presented to your service (needs the admin role or keyplane.keys.verify); "-" reads it from stdin')
    .option('--key-file <file>', 'read the key to verify from this file')
    .option('--scope <scope>', 'a scope the key must hold (repeatable)', collect)
    .option('--client-ip <address>', 'where the key was presented from (needed for keys with allow lists)')
    .addHelpText('after', verifyExitCodesHelp())
    .action(
      action(async (arg: string | undefined, o: VerifyFlags, cmd: Command) => {
        const { key, source } = keyToVerify(arg, o);
        checkKeyFormat(key, source);
        const result = await clientFor(cmd).verify({ key, required_scopes: o.scope, client_ip: o.clientIp });
        printObject(globals(cmd).output, result);
        if (!result.valid) process.exitCode = result.reason ? VERIFY_EXIT_CODES[result.reason] : Math.max(...Object.values(VERIFY_EXIT_CODES));
      }),
    );
}

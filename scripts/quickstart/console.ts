/**
 * What the quickstart prints: steps, the commands it runs (shell-quoted, to copy), and failures. A failure
 * is a QuickstartFailure; main.ts prints it with how to start over. Nothing here ever receives a secret.
 * @module
 */
import { shellWord } from '../../cli/shell';

export { shellWord };

export class QuickstartFailure extends Error {}

export function fail(message: string): never {
  throw new QuickstartFailure(message);
}

export function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

export function step(title: string): void {
  say(`\n==> ${title}`);
}

/** Prints `$ COMMAND ARGS…` with each argument quoted for a POSIX shell. */
export function show(command: string, args: readonly string[]): void {
  say(`$ ${[command, ...args.map(shellWord)].join(' ')}`);
}

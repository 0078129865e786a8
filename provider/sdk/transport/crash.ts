/**
 * @module transport/crash
 * An error nobody caught ends the process the way a Go panic does, so Terraform reports it as one.
 *
 * Terraform records a provider's non-JSON stderr from a line starting `panic: ` onwards; when the process
 * then dies it prints "Stack trace from the terraform-provider-X plugin: …" and "Error: The
 * terraform-provider-X plugin crashed!" [verified]. We write that line and the stack synchronously (the
 * process exits right after) and exit 2, Go's exit status for a panic.
 */
import { writeSync } from 'node:fs';
import { inspect } from 'node:util';

/** The text Terraform will show: `panic: ` then the error's stack, or its inspection for a non-Error. */
export function panicText(reason: unknown, origin: string): string {
  const describe = (e: Error) => e.stack ?? `${e.name}: ${e.message}`;
  let body = reason instanceof Error ? describe(reason) : `${origin}: ${inspect(reason, { depth: 4 })}`;
  for (let cause = (reason as Error)?.cause, depth = 0; cause instanceof Error && depth < 5; cause = cause.cause, depth++)
    body += `\nCaused by: ${describe(cause)}`;
  // Stack lines are indented, so none of them can start with "[LEVEL]" or parse as JSON: go-plugin passes
  // them on as raw debug lines, which is where Terraform's panic recorder looks.
  return `panic: ${body}\n\n(${origin} in provider process ${process.pid})\n`;
}

/** Writes the panic text and exits 2, now. */
export function crash(reason: unknown, origin: string): never {
  try {
    writeSync(2, panicText(reason, origin));
  } finally {
    process.exit(2);
  }
}

let installed = false;

export function installCrashHandler(): void {
  if (installed) return;
  installed = true;
  process.on('uncaughtException', (err) => crash(err, 'uncaughtException'));
  process.on('unhandledRejection', (reason) => crash(reason, 'unhandledRejection'));
}

/**
 * @module transport/debug
 * Debug mode (`--debug`): the developer starts the provider, under a debugger if they like, and points
 * Terraform at it with TF_REATTACH_PROVIDERS instead of letting Terraform launch it. Terraform then skips
 * the cookie, TLS and Shutdown, and one process serves every provider instance of every command run with
 * that variable [verified]. The convention is terraform-plugin-go's WithManagedDebug: print the variable's
 * value on stdout with instructions, serve plaintext, stop on Ctrl-C.
 */
import type { Network } from './listener';

/** One entry of TF_REATTACH_PROVIDERS, as Terraform's parseReattachProviders reads it. */
export interface ReattachConfig {
  Protocol: 'grpc';
  ProtocolVersion: number;
  Pid: number;
  /** true: Terraform does not own the process and will not stop it. */
  Test: true;
  Addr: { Network: Network; String: string };
}

/** `listener`: where the debug process listens, a unix socket's path or TCP's `127.0.0.1:PORT`. */
export function reattachProviders(
  providerAddress: string,
  listener: { network: Network; address: string },
  pid: number,
  protocolVersion: number,
): Record<string, ReattachConfig> {
  return {
    [providerAddress]: {
      Protocol: 'grpc',
      ProtocolVersion: protocolVersion,
      Pid: pid,
      Test: true,
      Addr: { Network: listener.network, String: listener.address },
    },
  };
}

/** Shell quoting, loaded only in debug mode: the executable loads nothing before its handshake that it may not need. */
function shellWords(...words: string[]): string {
  return (require('shell-quote') as typeof import('shell-quote')).quote(words);
}

/** What debug mode prints on stdout. The export line is the one to copy, and the one tests parse. */
export function debugInstructions(providerAddress: string, reattach: Record<string, ReattachConfig>): string {
  return [
    `Provider ${providerAddress} is running in debug mode (pid ${process.pid}). In the shell where you run Terraform:`,
    '',
    `\texport TF_REATTACH_PROVIDERS=${shellWords(JSON.stringify(reattach))}`,
    '',
    'Terraform then uses this process instead of starting the provider. Stop it with Ctrl-C.',
    '',
  ].join('\n');
}

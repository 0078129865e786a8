/**
 * @module transport/signals
 * Process lifetime under Terraform.
 *
 * - SIGINT is ignored. Ctrl-C reaches the whole process group, provider included; Terraform then sends
 *   StopProvider to the providers that are busy and waits for them, as go-plugin servers expect. Exiting
 *   here would turn a graceful stop into "plugin did not respond".
 * - SIGTERM ends the process after removing the socket (the exit hook in listener.ts does that).
 * - The parent going away (Terraform killed with SIGKILL) leaves us orphaned, reparented to init or a
 *   subreaper: a cheap unref'd timer notices the parent pid change and exits.
 */
import type { HclogLogger } from './logger';

const PARENT_CHECK_MS = 500;

export function ignoreInterrupts(log: HclogLogger): void {
  process.on('SIGINT', () => log.debug('SIGINT ignored: Terraform stops providers with StopProvider'));
}

export function exitOnTerminate(log: HclogLogger, exit: (code: number) => void = process.exit): void {
  process.once('SIGTERM', () => {
    log.debug('SIGTERM: exiting');
    exit(0);
  });
}

/**
 * Calls `onOrphaned` once the parent is no longer `parent`, the parent pid read at start-up (read it before
 * anything slow: a parent that dies during start-up must count). The timer never keeps the process alive.
 */
export function watchParent(parent: number, onOrphaned: () => void, intervalMs = PARENT_CHECK_MS): () => void {
  const timer = setInterval(() => {
    if (process.ppid !== parent) {
      clearInterval(timer);
      onOrphaned();
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

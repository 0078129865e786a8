/**
 * A provider process caught while it runs: what it executes and the PATH it was given, read from /proc. The
 * provider-build tests (test/e2e/*.provider-build.test.ts) use it to prove which build Terraform started.
 */
import { readFileSync, readlinkSync } from 'node:fs';
import { processesRunning } from './terraform';

/** Polls until a process running `needle` shows up, then reads what it runs and its PATH; undefined if none did before `until` settled. */
export async function catchProvider(needle: string, until: Promise<unknown>): Promise<{ exe: string; path: string } | undefined> {
  let done = false;
  void until.finally(() => {
    done = true;
  });
  while (!done) {
    for (const pid of processesRunning(needle)) {
      try {
        const exe = readlinkSync(`/proc/${pid}/exe`);
        const env = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
        return { exe, path: env.find((e) => e.startsWith('PATH='))?.slice(5) ?? '' };
      } catch {
        // gone while we looked
      }
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  return undefined;
}

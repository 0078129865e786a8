/**
 * A provider executable in debug mode (`--debug`, provider/sdk/transport/debug.ts): started as a developer
 * starts it, with none of Terraform's TF_* or go-plugin's PLUGIN_* variables unless given, and the
 * TF_REATTACH_PROVIDERS value read back from the export line it prints.
 */
import { type ChildProcess, spawn } from 'node:child_process';

export interface DebugProvider {
  child: ChildProcess;
  reattach: Record<string, { Pid: number; Test: boolean; Addr: { Network: string; String: string } }>;
  /** The value to pass as TF_REATTACH_PROVIDERS. */
  reattachJson: string;
  exited: Promise<number | null>;
}

/** Starts `executable --debug` with `env` over a clean environment and waits for the export line. */
export function startDebugProvider(executable: string, env: Record<string, string> = {}): Promise<DebugProvider> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TF_') && !k.startsWith('PLUGIN_')));
  const child = spawn(executable, ['--debug'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...clean, ...env } });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let out = '';
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  return new Promise((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const line = out.split('\n').find((l) => l.includes('export TF_REATTACH_PROVIDERS='));
      if (!line || !out.includes('Ctrl-C')) return;
      // shell-quote wraps the JSON in single quotes and writes a quote inside as '"'"'.
      const quoted = line.slice(line.indexOf('=') + 1).trim();
      const reattachJson = quoted.slice(1, -1).replace(/'"'"'/g, "'");
      resolve({ child, reattach: JSON.parse(reattachJson), reattachJson, exited });
    });
    void exited.then((code) => reject(new Error(`debug provider exited (${code}): ${out}${err}`)));
  });
}

/**
 * Runs the `keyplane` command in this process (cli/main.ts `main`) against a service's endpoint, capturing
 * what it writes; for unit tests of the CLI, which need no build.
 */
import { main } from '../../cli/main';

export interface InProcessResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `keyplane --endpoint ENDPOINT --api-key KEY ARGS`: its exit code and what it wrote; `env` is set for the run. */
export async function runCli(endpoint: string, apiKey: string, args: string[], env: Record<string, string | undefined> = {}): Promise<InProcessResult> {
  let stdout = '';
  let stderr = '';
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  const setEnv = (values: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  setEnv(env);
  process.exitCode = undefined;
  try {
    const code = await main(['node', 'keyplane', '--endpoint', endpoint, '--api-key', apiKey, ...args]);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    setEnv(saved);
    process.exitCode = undefined;
  }
}

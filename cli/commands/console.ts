/**
 * `keyplane console`: a one-time link that signs a browser into the web console as the CLI's key
 * (POST /v1/console/sign-in-links). It prints the link and, on a terminal with a desktop, opens it; the link
 * works once, within minutes, and carries its token in the fragment, which no server receives.
 * @module
 */
import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import { clientFor, globals } from '../context';
import { action } from '../errors';
import { printObject } from '../output';

/** The desktop's "open this URL" command, or undefined where there is none to find. */
function opener(): { command: string; args: string[] } | undefined {
  if (process.platform === 'darwin') return { command: 'open', args: [] };
  if (process.platform === 'win32') return { command: 'rundll32', args: ['url.dll,FileProtocolHandler'] };
  if (process.env.DISPLAY || process.env.WAYLAND_DISPLAY) return { command: 'xdg-open', args: [] };
  return undefined;
}

/** Opens `url` in the desktop's browser, quietly: failing to open leaves the printed link, which is enough. */
function openInBrowser(url: string): boolean {
  const how = opener();
  if (!how) return false;
  try {
    const child = spawn(how.command, [...how.args, url], { detached: true, stdio: 'ignore' });
    child.on('error', () => {});
    child.unref();
    return true;
  } catch {
    return false;
  }
}

export function register(program: Command): void {
  program
    .command('console')
    .description('Print (and on a desktop, open) a one-time link that signs the web console in as this key')
    .option('--no-open', 'only print the link; do not open a browser')
    .action(
      action(async (o: { open: boolean }, cmd: Command) => {
        const client = clientFor(cmd);
        const g = globals(cmd);
        const endpoint = g.endpoint ?? process.env.KEYPLANE_ENDPOINT ?? '';
        const link = await client.createConsoleSignInLink();
        const url = new URL(link.path, endpoint).toString();
        const format = g.output;
        if (format !== 'table') return printObject(format, { url, expires_at: link.expires_at });
        process.stdout.write(`${url}\n`);
        process.stderr.write(`The link signs in once, until ${link.expires_at}. Do not share it: whoever opens it first acts as this key.\n`);
        // Only for a person at a terminal: a script reading the output opens what it wants itself.
        if (o.open && process.stdout.isTTY && openInBrowser(url)) process.stderr.write('Opened in your browser.\n');
      }),
    );
}

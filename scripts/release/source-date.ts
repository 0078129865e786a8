/**
 * The time a release stores in its zips, the same for every build of one commit: SOURCE_DATE_EPOCH when set
 * (the reproducible-builds convention), else the time of the commit checked out.
 */
import { execFileSync } from 'node:child_process';

export function sourceDate(root: string, env: NodeJS.ProcessEnv = process.env): Date {
  const epoch = env.SOURCE_DATE_EPOCH;
  if (epoch !== undefined && epoch !== '') {
    if (!/^\d+$/.test(epoch)) throw new Error(`SOURCE_DATE_EPOCH must be seconds since 1970, not ${JSON.stringify(epoch)}`);
    return new Date(Number(epoch) * 1000);
  }
  const seconds = execFileSync('git', ['log', '-1', '--format=%ct', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
  return new Date(Number(seconds) * 1000);
}

import { spawnSync } from 'node:child_process';
import { shellWord } from './console';

describe('shellWord, the quoting of the commands the quickstart prints to copy', () => {
  test('leaves plain words bare, so printed paths read as typed', () => {
    for (const w of ['.keyplane/quickstart', '/home/me/keyplane/dist/cli/main.js', 'sec_0Vcd/1', '-chdir=a/b', 'admin@example.com', 'x=1,y:2'])
      expect(shellWord(w)).toBe(w);
  });

  test('anything else survives sh as one word, unchanged', () => {
    for (const w of ['', 'Quickstart Admin', "it's", '$HOME', '`id`', 'a\\b', 'a"b', 'new\nline', '*', '~/x', 'a;b|c&d', 'ü'])
      expect(spawnSync('sh', ['-c', `printf %s ${shellWord(w)}`], { encoding: 'utf8' }).stdout).toBe(w);
  });

  test('a quoted word nests: the summary quotes the alias value, which holds a quoted path', () => {
    const cli = "/tmp/it's here/dist/cli/main.js";
    const out = spawnSync('sh', ['-c', `v=${shellWord(`node ${shellWord(cli)}`)}; eval "set -- $v"; printf '%s\\n' "$@"`], { encoding: 'utf8' }).stdout;
    expect(out).toBe(`node\n${cli}\n`);
  });
});

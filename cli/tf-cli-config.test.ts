/**
 * The provider_installation blocks and their place in a Terraform CLI configuration file: created, appended
 * after what is there, replaced when this command wrote it, refused when the file has a block of its own.
 * (That Terraform accepts what is written is shown in test/e2e/provider-install.test.ts.)
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from './errors';
import {
  applyCliConfig,
  BEGIN_MARKER,
  devOverridesBlock,
  END_MARKER,
  findProviderInstallation,
  managedSection,
  mirrorBlock,
  planCliConfig,
} from './tf-cli-config';

const ADDRESS = 'registry.terraform.io/keyplane/keyplane';
const HINT = 'Merge by hand';
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'keyplane-tfrc-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const section = (mirror: string) => managedSection(mirrorBlock(ADDRESS, mirror), 'keyplane provider install');
/** Plans and applies, as the command does. */
function write(file: string, mirror: string) {
  const plan = planCliConfig(file, section(mirror), HINT);
  applyCliConfig(plan);
  return plan.change;
}

test('the mirror block: keyplane from the mirror, everything else from the network', () => {
  expect(mirrorBlock(ADDRESS, '/opt/mirror "x"')).toBe(
    `provider_installation {
  filesystem_mirror {
    path    = "/opt/mirror \\"x\\""
    include = ["registry.terraform.io/keyplane/keyplane"]
  }
  direct {
    exclude = ["registry.terraform.io/keyplane/keyplane"]
  }
}
`,
  );
  expect(devOverridesBlock({ [ADDRESS]: '/dev/dir' })).toBe(
    `provider_installation {\n  dev_overrides {\n    "registry.terraform.io/keyplane/keyplane" = "/dev/dir"\n  }\n  direct {}\n}\n`,
  );
  expect(() => mirrorBlock(ADDRESS, '/a\nb')).toThrow(/--dir "\/a\\nb" holds a control character/);
});

test('a missing file is created with mode 0644, its directory too', () => {
  const file = join(dir, 'nested', 'deeper', 'keyplane.tfrc');
  const old = process.umask(0o077);
  try {
    expect(write(file, '/m')).toBe('created');
  } finally {
    process.umask(old);
  }
  expect(readFileSync(file, 'utf8')).toBe(section('/m'));
  expect(readFileSync(file, 'utf8')).toMatch(new RegExp(`^${BEGIN_MARKER}\\n# Written by .*\\nprovider_installation \\{[\\s\\S]*\\}\\n${END_MARKER}\\n$`));
  expect(statSync(file).mode & 0o777).toBe(0o644);
});

test('other settings stay as they are; the block is appended after them, and its mode kept', () => {
  const file = join(dir, 'cli.tfrc');
  const before = 'plugin_cache_dir = "/var/cache/tf"\ndisable_checkpoint = true';
  writeFileSync(file, before);
  chmodSync(file, 0o600);
  expect(write(file, '/m')).toBe('appended');
  expect(readFileSync(file, 'utf8')).toBe(`${before}\n\n${section('/m')}`);
  expect(statSync(file).mode & 0o777).toBe(0o600);
});

test('its own block is replaced in place; the same block again changes nothing', () => {
  const file = join(dir, 'cli.tfrc');
  writeFileSync(file, `# mine\ncredentials "app.terraform.io" {\n  token = "x"\n}\n\n${section('/old')}\nplugin_cache_dir = "/c"\n`);
  expect(write(file, '/new')).toBe('replaced');
  expect(readFileSync(file, 'utf8')).toBe(`# mine\ncredentials "app.terraform.io" {\n  token = "x"\n}\n\n${section('/new')}\nplugin_cache_dir = "/c"\n`);
  const text = readFileSync(file, 'utf8');
  expect(write(file, '/new')).toBe('unchanged');
  expect(readFileSync(file, 'utf8')).toBe(text);
});

test('a provider_installation block of its own is refused, naming the file and saying how to merge', () => {
  const file = join(dir, 'cli.tfrc');
  const text = `disable_checkpoint = true\n\nprovider_installation {\n  direct {}\n}\n`;
  writeFileSync(file, text);
  expect(() => planCliConfig(file, section('/m'), HINT)).toThrow(
    `--cli-config ${file} already has a provider_installation block of its own (line 3), and Terraform allows only one such block in its CLI configuration. Merge by hand; or give another --cli-config file.`,
  );
  // Beside a keyplane section too: the line counts from the top of the file.
  writeFileSync(file, `${section('/m')}provider_installation {\n  direct {}\n}\n`);
  expect(() => planCliConfig(file, section('/m'), HINT)).toThrow(/\(line 13\), and Terraform allows only one/);
  expect(() => planCliConfig(file, section('/m'), HINT)).not.toThrow(UsageError); // exit 1: the file, not the command line, is the problem
});

test('only a real block counts: not one in a comment, a string or a heredoc', () => {
  expect(
    findProviderInstallation(
      '# provider_installation {\n// provider_installation\n/* provider_installation\n*/ x = "provider_installation"\ny = <<EOT\nprovider_installation {}\nEOT\n',
    ),
  ).toBeUndefined();
  expect(findProviderInstallation('a = "q\\"provider_installation"\n\n  provider_installation {\n}')).toBe(3);
  expect(findProviderInstallation('x = <<-EOT\n  body\n  EOT\nprovider_installation {}')).toBe(4);
});

test('JSON syntax, a damaged section and a directory are refused', () => {
  const json = join(dir, 'cli.tfrc.json');
  writeFileSync(json, '{"disable_checkpoint": true}\n');
  expect(() => planCliConfig(json, section('/m'), HINT)).toThrow(
    new UsageError(`--cli-config ${json} is in JSON syntax; this command writes native syntax: give another file`),
  );
  const damaged = join(dir, 'damaged.tfrc');
  writeFileSync(damaged, `${BEGIN_MARKER}\nprovider_installation {}\n`);
  expect(() => planCliConfig(damaged, section('/m'), HINT)).toThrow(
    /damaged.tfrc: its keyplane section has a BEGIN line without a matching END line.*fix the .* lines by hand/,
  );
  mkdirSync(join(dir, 'a-dir'));
  expect(() => planCliConfig(join(dir, 'a-dir'), section('/m'), HINT)).toThrow(
    new UsageError(`--cli-config ${join(dir, 'a-dir')} is a directory; give the path of a file (e.g. ${join(dir, 'a-dir')}/keyplane.tfrc)`),
  );
});

test('a file that cannot be written is an error naming --cli-config', () => {
  const below = join(dir, 'a-file', 'cli.tfrc');
  writeFileSync(join(dir, 'a-file'), '');
  expect(() => write(below, '/m')).toThrow(new RegExp(`^--cli-config ${below} cannot be (read|written): `));
});

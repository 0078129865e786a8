/**
 * The conformance suite's layer on the Terraform workspace helper (test/helpers/terraform): the conformance
 * provider (test/fixtures/conformance-provider) in a workspace with its own store, and what the tests read and
 * change in that store behind Terraform's back: the objects, and the event log the provider processes append
 * to. The provider is the development bundle `npm run build` made (test/helpers/build.ts checks it is
 * current), or, when KEYPLANE_TEST_PROVIDER names a release, the executable built beside it as the release
 * builds Keyplane's (a single executable application embedding the release's Node runtime,
 * test/helpers/provider-build.ts releasedTestProvider), run with no `node` on the PATH.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { built } from './build';
import { providerBuild, providerEnv, releasedTestProvider } from './provider-build';
import { type ProviderUnderTest, Workspace, parseJSON } from './terraform';

export const PROVIDER_SOURCE = 'keyplane-test/conformance';
export const PROVIDER_ADDRESS = `registry.terraform.io/${PROVIDER_SOURCE}`;
export const EXECUTABLE = 'terraform-provider-conformance';

/** The development bundle `npm run build` makes: the fixture, the whole SDK, the protos. */
const DEV_BUNDLE = `dist/test/fixtures/conformance-provider/${EXECUTABLE}`;

let providerDir: string | undefined;

/** The directory holding `terraform-provider-conformance`: the development bundle's, or the release's test providers. */
export function conformanceProvider(): string {
  if (!providerDir) {
    const build = providerBuild();
    providerDir = dirname(build.kind === 'release' ? releasedTestProvider(build.dir, EXECUTABLE, DEV_BUNDLE) : built(DEV_BUNDLE));
  }
  return providerDir;
}

/**
 * The conformance provider as one of a workspace's providers, keeping its objects in `storeDir` (set as
 * CONFORMANCE_STORE_DIR in the workspace's environment too, beside the provider's PATH: providerEnv); with `providerBlock`, main.tf names the store in a
 * provider block.
 */
export function conformanceUnderTest(storeDir: string, { providerBlock = true } = {}): { providers: ProviderUnderTest[]; env: Record<string, string> } {
  return {
    providers: [
      {
        source: PROVIDER_SOURCE,
        name: 'conformance',
        dir: conformanceProvider(),
        ...(providerBlock ? { block: `provider "conformance" {\n  store_dir = "${storeDir}"\n}` } : {}),
      },
    ],
    env: { CONFORMANCE_STORE_DIR: storeDir, ...providerEnv() },
  };
}

export interface ConformanceOptions {
  /** false: no provider block, so the provider takes its store from the environment. */
  providerBlock?: boolean;
}

/** A workspace running the conformance provider alone, with its own store. */
export class ConformanceWorkspace extends Workspace {
  readonly storeDir: string;

  private constructor(name: string, storeDir: string, options: ConformanceOptions) {
    const under = conformanceUnderTest(storeDir, options);
    super({ name: `conformance-${name}`, providers: under.providers, env: under.env });
    this.storeDir = storeDir;
  }

  static create(name: string, options: ConformanceOptions = {}): ConformanceWorkspace {
    return new ConformanceWorkspace(name, mkdtempSync(join(tmpdir(), `keyplane-conformance-${name}-store-`)), options);
  }

  get executable(): string {
    return join(conformanceProvider(), EXECUTABLE);
  }

  // ---- the provider's store, behind Terraform's back --------------------------------------------------------

  storeIds(kind: string): string[] {
    try {
      return readdirSync(join(this.storeDir, kind))
        .filter((f) => f.endsWith('.json'))
        .map((f) => f.slice(0, -5))
        .sort();
    } catch {
      return [];
    }
  }

  storeRead(kind: string, id: string): Record<string, any> {
    return parseJSON(readFileSync(join(this.storeDir, kind, `${id}.json`), 'utf8'));
  }

  storeWrite(kind: string, id: string, doc: object | string): void {
    mkdirSync(join(this.storeDir, kind), { recursive: true });
    writeFileSync(join(this.storeDir, kind, `${id}.json`), typeof doc === 'string' ? doc : `${JSON.stringify(doc, null, 2)}\n`);
  }

  storeText(kind: string, id: string): string {
    return readFileSync(join(this.storeDir, kind, `${id}.json`), 'utf8');
  }

  storeDelete(kind: string, id: string): void {
    rmSync(join(this.storeDir, kind, `${id}.json`));
  }

  /** events.jsonl of the provider processes, in order. */
  events(): Record<string, any>[] {
    const file = join(this.storeDir, 'events.jsonl');
    if (!existsSync(file)) return [];
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.pop(); // after the last newline: nothing, or a line a provider is still writing
    return lines.map((l) => JSON.parse(l) as Record<string, any>);
  }

  clearEvents(): void {
    rmSync(join(this.storeDir, 'events.jsonl'), { force: true });
  }

  /** Removes the directory and the store (both kept with KEYPLANE_KEEP_WORKSPACE=1). */
  override remove(): void {
    super.remove();
    if (process.env.KEYPLANE_KEEP_WORKSPACE) process.stderr.write(`its store: ${this.storeDir}\n`);
    else rmSync(this.storeDir, { recursive: true, force: true });
  }
}

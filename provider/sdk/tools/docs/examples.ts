/**
 * @module tools/docs/examples
 * Where a page's example comes from. `examplesDir()` reads tfplugindocs' layout:
 * `provider/provider.tf`, `resources/<type>/resource.tf` and `import.sh`, `data-sources/<type>/data-source.tf`,
 * `ephemeral-resources/<type>/ephemeral-resource.tf`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export type TypeKind = 'resource' | 'data-source' | 'ephemeral-resource';

/** Example text for each page, or undefined when a page has none (its section is then left out). */
export interface Examples {
  provider(): string | undefined;
  example(kind: TypeKind, typeName: string): string | undefined;
  /** Shell commands importing the resource, shown under "## Import". */
  importCommands(typeName: string): string | undefined;
}

export class MissingExampleError extends Error {
  readonly code = 'missing_example';
  constructor(
    readonly file: string,
    what: string,
  ) {
    super(`${what} has no example: expected ${file}`);
    this.name = 'MissingExampleError';
  }
}

const FILES: Record<TypeKind, [folder: string, file: string, label: string]> = {
  resource: ['resources', 'resource.tf', 'resource'],
  'data-source': ['data-sources', 'data-source.tf', 'data source'],
  'ephemeral-resource': ['ephemeral-resources', 'ephemeral-resource.tf', 'ephemeral resource'],
};

/**
 * Examples from `dir`. With `required`, a missing provider or type example throws MissingExampleError
 * naming the file expected; import commands stay optional (not every resource can be imported).
 */
export function examplesDir(dir: string, options: { required?: boolean } = {}): Examples {
  const read = (file: string, what: string): string | undefined => {
    if (existsSync(file)) return readFileSync(file, 'utf8');
    if (options.required) throw new MissingExampleError(file, what);
    return undefined;
  };
  return {
    provider: () => read(join(dir, 'provider', 'provider.tf'), 'the provider'),
    example: (kind, typeName) => {
      const [folder, file, label] = FILES[kind];
      return read(join(dir, folder, typeName, file), `${label} ${typeName}`);
    },
    importCommands: (typeName) => {
      const file = join(dir, 'resources', typeName, 'import.sh');
      return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
    },
  };
}

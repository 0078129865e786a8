/**
 * @module framework/server/state
 * What the framework server holds for one provider process: the provider, its registered types with their
 * schemas (checked once, at construction), and what ConfigureProvider produced.
 */
import { PathError } from '../../cty/path';
import type { CallContext, DynamicValue } from '../../protocol/types';
import { emptyObject } from '../../cty/types';
import { Value } from '../../cty/value';
import { decodeDynamic } from './values';
import type { DataSource } from '../data-source';
import { Diagnostics } from '../diagnostics';
import { diagnosticOf } from '../error-diagnostic';
import type { EphemeralResource } from '../ephemeral-resource';
import type { ProviderFunction } from '../function';
import type { Provider } from '../provider';
import type { ConfigureResourceRequest, ConfigureResourceResponse, RequestContext, Resource } from '../resource';
import type { AnySchema } from '../schema/schema';
import { SchemaError, checkSchema } from '../schema/validate';

interface Registered<T> {
  readonly factory: () => T;
  readonly schema: AnySchema;
}

export class ServerState {
  readonly resources = new Map<string, Registered<Resource>>();
  readonly dataSources = new Map<string, Registered<DataSource>>();
  readonly ephemeralResources = new Map<string, Registered<EphemeralResource>>();
  readonly functions = new Map<string, ProviderFunction>();
  /** Some resource accepts `moved {}` from another type (the move_resource_state capability). */
  movesState = false;
  /** What the provider's configure put in resp.data; undefined until ConfigureProvider. */
  providerData: unknown;
  configured = false;

  constructor(readonly provider: Provider) {
    const problems: string[] = [...checkSchema(provider.schema, 'provider', provider.schemaChecks)];
    if (provider.metaSchema) problems.push(...checkSchema(provider.metaSchema, 'provider_meta', provider.schemaChecks));
    const register = <T extends { typeName: string; schema: AnySchema }>(
      kind: string,
      map: Map<string, Registered<T>>,
      factories: readonly (() => T)[] | undefined,
    ) => {
      for (const factory of factories ?? []) {
        const sample = factory();
        const where = `${kind} ${sample.typeName}`;
        if (map.has(sample.typeName)) problems.push(`${where}: registered twice`);
        if (!/^[a-z][a-z0-9_]*$/.test(sample.typeName)) problems.push(`${where}: type names may contain only lowercase letters, digits and underscores`);
        else if (sample.typeName !== provider.typeName && !sample.typeName.startsWith(`${provider.typeName}_`))
          problems.push(`${where}: type names start with the provider name "${provider.typeName}_"`);
        problems.push(...checkSchema(sample.schema, where, provider.schemaChecks));
        map.set(sample.typeName, { factory, schema: sample.schema });
        if (((sample as { moveState?: readonly unknown[] }).moveState?.length ?? 0) > 0) this.movesState = true;
      }
    };
    register('resource', this.resources, provider.resources?.());
    register('data source', this.dataSources, provider.dataSources?.());
    register('ephemeral resource', this.ephemeralResources, provider.ephemeralResources?.());
    for (const fn of provider.functions?.() ?? []) {
      if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(fn.name)) problems.push(`function ${fn.name}: not a valid HCL identifier`);
      if (this.functions.has(fn.name)) problems.push(`function ${fn.name}: registered twice`);
      const names = [...fn.parameters, ...(fn.variadicParameter ? [fn.variadicParameter] : [])].map((p) => p.name);
      for (const n of names) if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(n)) problems.push(`function ${fn.name}: parameter "${n}" is not a valid HCL identifier`);
      if (new Set(names).size !== names.length) problems.push(`function ${fn.name}: parameter names must be unique`);
      this.functions.set(fn.name, fn);
    }
    if (problems.length > 0) throw new SchemaError(problems);
  }

  /** A fresh, configured instance of a registered type, or an error diagnostic when the type is unknown. */
  instance<T extends { configure?(req: ConfigureResourceRequest, resp: ConfigureResourceResponse): void }>(
    map: Map<string, Registered<T>>,
    kind: string,
    typeName: string,
    diags: Diagnostics,
  ): { instance: T; schema: AnySchema } | undefined {
    const reg = map.get(typeName);
    if (!reg) {
      diags.addError(`Unknown ${capitalise(kind)} Type`, `The provider has no ${kind} type "${typeName}". This is a bug in Terraform or in the provider.`);
      return undefined;
    }
    const instance = reg.factory();
    if (this.configured) instance.configure?.({ providerData: this.providerData }, { diagnostics: diags });
    return { instance, schema: reg.schema };
  }
}

function capitalise(s: string): string {
  return s.replace(/(^|\s)\w/g, (c) => c.toUpperCase());
}

export function requestContext(ctx: CallContext): RequestContext {
  // A getter: the transport makes a call's signal only when it is read (transport/cancellation.ts).
  return {
    get signal() {
      return ctx.signal;
    },
    log: ctx.log,
  };
}

/**
 * Runs provider code; an exception that escapes becomes one error diagnostic and the server keeps serving.
 * An error that carries its own diagnostic (error-diagnostic.ts: a refused connection, a failed service) is
 * reported as it says; a PathError points at its attribute; anything else is a provider bug, said so.
 */
export async function guard(diags: Diagnostics, ctx: CallContext, what: string, fn: () => unknown): Promise<boolean> {
  try {
    await fn();
    return true;
  } catch (err) {
    const carried = diagnosticOf(err);
    if (carried) {
      if (carried.path) diags.addAttributeError(carried.path, carried.summary, carried.detail);
      else diags.addError(carried.summary, carried.detail);
      ctx.log.error(`${what} failed`, { summary: carried.summary, detail: carried.detail });
      return false;
    }
    if (err instanceof PathError && err.path.length > 0) {
      diags.addAttributeError(
        err.path,
        'Invalid Value From Provider',
        `${what}: ${err.reason}. This is a bug in the provider; please report it to its developers.`,
      );
    } else if (ctx.signal.aborted && (err as Error)?.name === 'AbortError') {
      diags.addError('Operation Cancelled', `${what} was stopped because Terraform asked the provider to stop.`);
    } else {
      diags.addError(
        'Unexpected Provider Error',
        `${what} failed: ${err instanceof Error ? err.message : String(err)}. This is a bug in the provider; please report it to its developers.`,
      );
    }
    ctx.log.error(`${what} threw`, { error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    return false;
  }
}

/** provider_meta decoded by the provider's meta schema; null (of the empty object) when it has none. */
export function providerMeta(state: ServerState, dv: DynamicValue | undefined): Value {
  const schema = state.provider.metaSchema;
  return schema ? decodeDynamic(dv, schema.type) : Value.null(emptyObject);
}

export { Diagnostics };

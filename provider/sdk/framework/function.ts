/**
 * @module framework/function
 * Provider-defined functions (`provider::NAME::fn(...)`). Terraform calls them on a separate, unconfigured
 * provider process, so a function must not depend on provider configuration. Errors are FunctionErrors (the
 * protocol has no diagnostics for CallFunction), optionally naming the argument at fault.
 */
import type { Type } from '../cty/types';
import type { Value } from '../cty/value';
import type { RequestContext } from './resource';

export interface FunctionParameter {
  readonly name: string;
  readonly type: Type;
  /** Pass null arguments through instead of Terraform refusing them. */
  readonly allowNullValue?: boolean;
  /** Pass unknown arguments through instead of Terraform answering unknown without a call. */
  readonly allowUnknownValues?: boolean;
  readonly description?: string;
  readonly markdownDescription?: string;
}

export interface FunctionCallRequest extends RequestContext {
  /** Positional arguments, decoded by their parameter types. */
  readonly args: readonly Value[];
  /** Arguments given for the variadic parameter, each decoded by its type. */
  readonly variadic: readonly Value[];
}

export interface ProviderFunction {
  /** A valid HCL identifier, unique in the provider. */
  readonly name: string;
  readonly summary?: string;
  readonly description?: string;
  readonly markdownDescription?: string;
  readonly deprecationMessage?: string;
  readonly parameters: readonly FunctionParameter[];
  readonly variadicParameter?: FunctionParameter;
  readonly returnType: Type;
  /** Returns the result (of returnType); throw a FunctionError for a bad argument. */
  run(req: FunctionCallRequest): Value | Promise<Value>;
}

export class FunctionError extends Error {
  readonly code = 'function_error';
  /** @param argument index of the argument at fault (variadic ones count on from the positional ones). */
  constructor(
    message: string,
    readonly argument?: number,
  ) {
    super(message);
  }
}

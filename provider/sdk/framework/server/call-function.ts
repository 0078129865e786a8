/**
 * @module framework/server/call-function
 * CallFunction: arguments decoded by their parameter types (variadic ones by the variadic parameter's type),
 * the result encoded by the return type. Errors are FunctionErrors; anything else thrown is a provider bug,
 * reported as a function error too, since CallFunction has no diagnostics.
 */
import type * as P from '../../protocol/types';
import type { CallContext } from '../../protocol/types';
import { PathError } from '../../cty/path';
import type { Value } from '../../cty/value';
import { FunctionError } from '../function';
import { requestContext, type ServerState } from './state';
import { decodeDynamic, encodeDynamic } from './values';
import { conformanceError } from '../../cty/value';

export async function callFunction(state: ServerState, req: P.CallFunction.Request, ctx: CallContext): Promise<P.CallFunction.Response> {
  const fn = state.functions.get(req.name);
  if (!fn) return { error: { text: `The provider has no function "${req.name}".` } };
  const params = fn.parameters;
  const args: Value[] = [];
  const variadic: Value[] = [];
  for (const [i, dv] of req.arguments.entries()) {
    const param = i < params.length ? params[i] : fn.variadicParameter;
    if (!param) return { error: { text: `${req.name} takes ${params.length} arguments, got ${req.arguments.length}.` } };
    try {
      const v = decodeDynamic(dv, param.type);
      (i < params.length ? args : variadic).push(v);
    } catch (err) {
      return { error: { text: `Invalid value for parameter "${param.name}": ${err instanceof PathError ? err.message : String(err)}`, function_argument: i } };
    }
  }
  if (args.length < params.length) return { error: { text: `${req.name} takes ${params.length} arguments, got ${args.length}.` } };
  try {
    const result = await fn.run({ ...requestContext(ctx), args, variadic });
    const mismatch = conformanceError(result, fn.returnType);
    if (mismatch) throw new Error(`returned a value that is not of its return type: ${mismatch}`);
    return { result: encodeDynamic(result, fn.returnType) };
  } catch (err) {
    if (err instanceof FunctionError) {
      const e: P.FunctionError = { text: err.message };
      if (err.argument !== undefined) e.function_argument = err.argument;
      return { error: e };
    }
    ctx.log.error(`function ${req.name} threw`, { error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    return { error: { text: `Unexpected error in ${req.name}: ${err instanceof Error ? err.message : String(err)}. This is a bug in the provider.` } };
  }
}

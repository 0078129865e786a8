/**
 * @module framework/state-writer
 * The object a resource writes its result into: a state, a plan or an ephemeral result. It starts filled
 * (create and update start from the plan, read from the prior state, a data source from its configuration),
 * so a resource sets only what it computes, and values it does not touch keep their exact cty form.
 */
import type { Path } from '../cty/path';
import { PathError } from '../cty/path';
import { Value } from '../cty/value';
import { type Unknown, objectToPlain, plainToAttribute, plainToBlock } from './schema/convert';
import type { AnySchema, PlanOf, StateOf } from './schema/schema';

export class StateWriter<S extends AnySchema = AnySchema> {
  private current: Value;
  private wasSet = false;

  constructor(
    readonly schema: S,
    initial: Value,
  ) {
    this.current = initial.isNull() || initial.isUnknown() ? emptyObject(schema) : initial;
  }

  /** The cty value as it stands. */
  get value(): Value {
    return this.current;
  }

  /** True once the resource has written anything (create uses it to decide whether an object exists). */
  get touched(): boolean {
    return this.wasSet;
  }

  /** The plain object as it stands; values not known yet are `Unknown`. */
  get(): PlanOf<S> {
    return objectToPlain(this.current, this.schema.object, { allowUnknown: true }) as PlanOf<S>;
  }

  /** Sets the given top-level attributes and blocks from plain values; the others stay as they are. */
  set(values: Partial<{ [K in keyof StateOf<S>]: StateOf<S>[K] | Unknown }>): void {
    const attrs: Record<string, Value> = { ...this.current.entries() };
    for (const [name, plain] of Object.entries(values)) {
      if (plain === undefined) continue;
      const a = this.schema.object.attributes[name];
      const b = this.schema.object.blocks[name];
      const path: Path = [{ attr: name }];
      if (a) attrs[name] = plainToAttribute(plain, a, path);
      else if (b) attrs[name] = plainToBlock(plain, b, path);
      else throw new PathError(path, 'no such attribute in the schema');
    }
    this.current = Value.object(this.schema.type, attrs);
    this.wasSet = true;
  }

  /** Sets one top-level attribute or block to a cty value as it is. */
  setValue(name: string, value: Value): void {
    if (!(name in this.schema.type.attributes)) throw new PathError([{ attr: name }], 'no such attribute in the schema');
    this.current = Value.object(this.schema.type, { ...this.current.entries(), [name]: value });
    this.wasSet = true;
  }

  /** Replaces the whole object. */
  replace(value: Value): void {
    this.current = value;
    this.wasSet = true;
  }
}

/** An object of the schema with every attribute null and every block collection empty. */
export function emptyObject(schema: AnySchema): Value {
  const attrs: Record<string, Value> = {};
  for (const [name, a] of Object.entries(schema.object.attributes)) attrs[name] = Value.null(a.type);
  for (const [name, b] of Object.entries(schema.object.blocks)) attrs[name] = plainToBlock(null, b, [{ attr: name }]);
  return Value.object(schema.type, attrs);
}

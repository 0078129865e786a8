/**
 * @module framework/server/values
 * DynamicValues in and out, and the bookkeeping every returned object needs: write-only attributes null
 * (Terraform 1.11 refuses any other value in plan or state), block collections never null (Terraform refuses
 * a null list of blocks), group blocks always objects.
 */
import { decodeJSON } from '../../cty/json';
import { decodeMsgpack, encodeMsgpack } from '../../cty/msgpack';
import type { ObjectType, Type } from '../../cty/types';
import { Value } from '../../cty/value';
import type { DynamicValue } from '../../protocol/types';
import { plainToBlock } from '../schema/convert';
import type { AnySchema } from '../schema/schema';
import { type ObjectSchema, blocksOf, mapAttributes } from './walk';

/** Terraform always sends msgpack; json appears only in raw state. An absent value is null of the type. */
export function decodeDynamic(dv: DynamicValue | undefined, type: Type): Value {
  if (dv?.msgpack && dv.msgpack.length > 0) return decodeMsgpack(dv.msgpack, type);
  if (dv?.json && dv.json.length > 0) return decodeJSON(Buffer.from(dv.json).toString('utf8'), type);
  return Value.null(type);
}

export function encodeDynamic(v: Value, type: Type): DynamicValue {
  return { msgpack: Buffer.from(encodeMsgpack(v, type)) };
}

/** Write-only attributes nulled at every depth. */
export function nullWriteOnly(schema: AnySchema, v: Value): Value {
  if (!hasWriteOnly(schema)) return v;
  return mapAttributes(schema.object, schema.type, v, {}, [], (a, value) => (a.writeOnly ? Value.null(a.type) : value));
}

function hasWriteOnly(schema: AnySchema): boolean {
  let cached = writeOnlyCache.get(schema);
  if (cached === undefined) {
    cached = writeOnlyIn(schema.object);
    writeOnlyCache.set(schema, cached);
  }
  return cached;
}

function writeOnlyIn(o: ObjectSchema): boolean {
  return (
    Object.values(o.attributes).some((a) => a.writeOnly || (a.nested !== undefined && writeOnlyIn(a.nested.object))) ||
    Object.values(blocksOf(o)).some((b) => writeOnlyIn(b.object))
  );
}
const writeOnlyCache = new WeakMap<AnySchema, boolean>();

/** Null block collections made empty and null group blocks made objects, at every depth. */
export function normaliseBlocks(schema: { object: AnySchema['object'] }, type: ObjectType, v: Value): Value {
  if (!v.isKnown()) return v;
  const before = v.entries();
  // Copied only when a block changes, which is rare: this runs on every plan and state returned.
  let attrs: Record<string, Value> | undefined;
  for (const [name, b] of Object.entries(schema.object.blocks)) {
    let bv = before[name]!;
    if (bv.isNull() && b.nesting !== 'single') {
      bv = plainToBlock(null, b, [{ attr: name }]);
    } else if (bv.isKnown()) {
      const ot = b.objectType;
      const norm = (e: Value) => normaliseBlocks(b, ot, e);
      switch (b.nesting) {
        case 'single':
        case 'group':
          bv = norm(bv);
          break;
        case 'list':
          bv = Value.list(ot, bv.elements().map(norm));
          break;
        case 'set':
          bv = Value.set(ot, bv.elements().map(norm));
          break;
        case 'map': {
          const entries: Record<string, Value> = {};
          for (const [k, e] of Object.entries(bv.entries())) entries[k] = norm(e);
          bv = Value.map(ot, entries);
        }
      }
    }
    if (bv !== before[name]) {
      attrs ??= { ...before };
      attrs[name] = bv;
    }
  }
  return attrs ? Value.object(type, attrs) : v;
}

/** What every object returned to Terraform as plan or state goes through. */
export function forTerraform(schema: AnySchema, v: Value): Value {
  if (v.isNull()) return v;
  return nullWriteOnly(schema, normaliseBlocks(schema, schema.type, v));
}

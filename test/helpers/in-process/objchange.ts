/**
 * What Terraform computes and checks around a provider's plan and apply (its plans/objchange package), so an
 * in-process plan means what it means under terraform:
 *
 * - `proposedNew`: the proposed new state Terraform sends with PlanResourceChange: the configuration, with
 *   the prior value kept for every computed attribute the configuration leaves null;
 * - `assertPlanValid`: the plan may change only computed values (or keep a prior value the provider finds
 *   equal to the configured one), else Terraform reports "Provider produced invalid plan";
 * - `assertObjectCompatible`: every value known at plan time must be the same after apply (and in the final
 *   plan at apply time), else "Provider produced inconsistent result after apply".
 *
 * Set-valued blocks with computed attributes, which Terraform correlates by their configured attributes, are
 * not needed by the providers here and are refused rather than approximated.
 */
import type { Type } from '../../../provider/sdk/cty/types';
import { Value } from '../../../provider/sdk/cty/value';
import type { AttributeSchema, BlockSchema, NestedBlockSchema } from './schema';

// ---- values --------------------------------------------------------------------------------------------------

/** The value with every unknown's refinements dropped (Terraform compares plans "unrefined"). */
export function unrefined(v: Value): Value {
  if (v.isUnknown()) return Value.unknown(v.type);
  if (v.isNull()) return v;
  switch (v.type.kind) {
    case 'list':
      return Value.list(v.type.element, v.elements().map(unrefined));
    case 'set':
      return Value.set(v.type.element, v.elements().map(unrefined));
    case 'tuple':
      return Value.tupleOf(v.type.elements, v.elements().map(unrefined));
    case 'map':
      return Value.map(v.type.element, mapValues(v.entries(), unrefined));
    case 'object':
      return Value.object(v.type, mapValues(v.entries(), unrefined));
    default:
      return v;
  }
}

function mapValues(r: Readonly<Record<string, Value>>, f: (v: Value) => Value): Record<string, Value> {
  const out: Record<string, Value> = {};
  for (const [k, v] of Object.entries(r)) out[k] = f(v);
  return out;
}

/** Terraform's RawEquals on unrefined values: the same value, unknowns equal to unknowns of the type. */
export function sameValue(a: Value, b: Value): boolean {
  return unrefined(a).equals(unrefined(b));
}

/** The empty value of a block: attributes null, single blocks null, collections of blocks empty. */
export function emptyValue(block: BlockSchema): Value {
  const attrs: Record<string, Value> = {};
  for (const [name, a] of Object.entries(block.attributes)) attrs[name] = Value.null(a.type);
  for (const [name, nb] of Object.entries(block.blocks)) {
    const o = nb.block.type;
    attrs[name] =
      nb.nesting === 'SINGLE'
        ? Value.null(o)
        : nb.nesting === 'GROUP'
          ? emptyValue(nb.block)
          : nb.nesting === 'LIST'
            ? Value.list(o, [])
            : nb.nesting === 'SET'
              ? Value.set(o, [])
              : Value.map(o, {});
  }
  return Value.object(block.type, attrs);
}

function attrOf(obj: Value, name: string, type: Type): Value {
  return obj.isNull() || obj.isUnknown() ? (obj.isUnknown() ? Value.unknown(type) : Value.null(type)) : obj.attr(name);
}

function hasComputed(block: BlockSchema): boolean {
  return Object.values(block.attributes).some((a) => a.computed) || Object.values(block.blocks).some((nb) => hasComputed(nb.block));
}

// ---- the proposed new state -------------------------------------------------------------------------------------

export function proposedNew(block: BlockSchema, prior: Value, config: Value): Value {
  if (config.isNull() && prior.isNull()) return prior;
  return proposedNewBlock(block, prior.isNull() ? emptyValue(block) : prior, config);
}

function proposedNewBlock(block: BlockSchema, prior: Value, config: Value): Value {
  if (config.isNull() || !config.isKnown()) return prior;
  const attrs = proposedNewAttributes(block.attributes, prior, config);
  for (const [name, nb] of Object.entries(block.blocks))
    attrs[name] = proposedNewNestedBlock(nb, attrOf(prior, name, config.attr(name).type), config.attr(name));
  return Value.object(block.type, attrs);
}

function proposedNewAttributes(attributes: Record<string, AttributeSchema>, prior: Value, config: Value): Record<string, Value> {
  const out: Record<string, Value> = {};
  for (const [name, a] of Object.entries(attributes)) {
    const priorV = attrOf(prior, name, a.type);
    const configV = config.attr(name);
    if (a.computed && configV.isNull()) {
      // The prior value stays, unless it holds values only configuration can set: then it was configured
      // before and the configuration has since removed it.
      out[name] = optionalValueNotComputable(a, priorV) ? configV : priorV;
    } else if (a.nested && configV.isKnown()) {
      out[name] = proposedNewNestedType(a.nested, priorV, configV);
    } else {
      out[name] = configV;
    }
  }
  return out;
}

function optionalValueNotComputable(a: AttributeSchema, prior: Value): boolean {
  if (!a.optional || !a.nested || prior.isNull() || !prior.isKnown()) return false;
  const objects = a.nested.nesting === 'SINGLE' ? [prior] : a.nested.nesting === 'MAP' ? Object.values(prior.entries()) : prior.elements();
  return objects.some((o) => !o.isNull() && o.isKnown() && Object.entries(a.nested!.attributes).some(([n, na]) => !na.computed && !o.attr(n).isNull()));
}

function proposedNewNestedType(nested: NonNullable<AttributeSchema['nested']>, prior: Value, config: Value): Value {
  if (config.isNull()) return config;
  const one = (p: Value, c: Value): Value => {
    if (c.isNull() || !c.isKnown()) return c;
    const attrs = proposedNewAttributes(nested.attributes, p, c);
    return Value.object(c.type as never, attrs);
  };
  switch (nested.nesting) {
    case 'SINGLE':
      return one(prior, config);
    case 'LIST': {
      const pe = prior.isNull() || !prior.isKnown() ? [] : prior.elements();
      const t = config.type as { element: Type };
      return Value.list(
        t.element,
        config.elements().map((c, i) => (pe[i] ? one(pe[i]!, c) : c)),
      );
    }
    case 'MAP': {
      const pe = prior.isNull() || !prior.isKnown() ? {} : prior.entries();
      const out: Record<string, Value> = {};
      for (const [k, c] of Object.entries(config.entries())) out[k] = pe[k] ? one(pe[k]!, c) : c;
      return Value.map((config.type as { element: Type }).element, out);
    }
    case 'SET':
      if (Object.values(nested.attributes).some((na) => na.computed))
        throw new Error('harness: set-nested attributes with computed attributes are not supported');
      return config;
  }
}

function proposedNewNestedBlock(nb: NestedBlockSchema, prior: Value, config: Value): Value {
  if (!config.isKnown()) return config;
  switch (nb.nesting) {
    case 'SINGLE':
      return config.isNull() ? config : proposedNewBlock(nb.block, prior.isNull() ? emptyValue(nb.block) : prior, config);
    case 'GROUP':
      return proposedNewBlock(nb.block, prior, config);
    case 'LIST': {
      const pe = prior.isNull() || !prior.isKnown() ? [] : prior.elements();
      return Value.list(
        nb.block.type,
        config.elements().map((c, i) => (pe[i] ? proposedNewBlock(nb.block, pe[i]!, c) : c)),
      );
    }
    case 'MAP': {
      const pe = prior.isNull() || !prior.isKnown() ? {} : prior.entries();
      const out: Record<string, Value> = {};
      for (const [k, c] of Object.entries(config.entries())) out[k] = pe[k] ? proposedNewBlock(nb.block, pe[k]!, c) : c;
      return Value.map(nb.block.type, out);
    }
    case 'SET':
      if (hasComputed(nb.block)) throw new Error('harness: set blocks with computed attributes are not supported');
      return config;
  }
}

// ---- checks on a plan ---------------------------------------------------------------------------------------------

/** Terraform's AssertPlanValid: what a provider's planned state may differ from the configuration in. */
export function assertPlanValid(block: BlockSchema, prior: Value, config: Value, planned: Value, path = ''): string[] {
  if (planned.isNull() && !config.isNull()) return [`${path || 'root'}: planned for absence but config wants existence`];
  if (config.isNull() && !planned.isNull()) return [`${path || 'root'}: planned for existence but config wants absence`];
  if (planned.isNull()) return [];
  const errs: string[] = [];
  for (const [name, a] of Object.entries(block.attributes)) {
    errs.push(...assertPlannedValueValid(a, attrOf(prior, name, a.type), config.attr(name), planned.attr(name), join(path, name)));
  }
  for (const [name, nb] of Object.entries(block.blocks)) {
    const p = join(path, name);
    const plannedV = planned.attr(name);
    const configV = config.attr(name);
    const priorV = attrOf(prior, name, plannedV.type);
    if (plannedV.equals(configV)) continue;
    if (!configV.isKnown()) {
      errs.push(`${p}: planned value ${plannedV} for unknown dynamic block`);
      continue;
    }
    if (!plannedV.isKnown()) {
      errs.push(`${p}: attribute representing nested block must not be unknown itself; set nested attribute values to unknown instead`);
      continue;
    }
    switch (nb.nesting) {
      case 'SINGLE':
      case 'GROUP':
        errs.push(...assertPlanValid(nb.block, priorV, configV, plannedV, p));
        break;
      case 'LIST': {
        if (plannedV.isNull()) {
          errs.push(`${p}: attribute representing a list of nested blocks must be empty to indicate no blocks, not null`);
          break;
        }
        const pl = plannedV.elements();
        const cl = configV.isNull() ? [] : configV.elements();
        if (pl.length !== cl.length) {
          errs.push(`${p}: block count in plan (${pl.length}) disagrees with count in config (${cl.length})`);
          break;
        }
        const pr = priorV.isNull() ? [] : priorV.elements();
        pl.forEach((e, i) => {
          errs.push(...assertPlanValid(nb.block, pr[i] ?? Value.null(nb.block.type), cl[i]!, e, `${p}[${i}]`));
        });
        break;
      }
      case 'MAP': {
        const pm = plannedV.isNull() ? {} : plannedV.entries();
        const cm = configV.isNull() ? {} : configV.entries();
        const prm = priorV.isNull() ? {} : priorV.entries();
        if (Object.keys(pm).sort().join() !== Object.keys(cm).sort().join()) errs.push(`${p}: block keys in plan disagree with config`);
        for (const [k, e] of Object.entries(pm))
          if (cm[k]) errs.push(...assertPlanValid(nb.block, prm[k] ?? Value.null(nb.block.type), cm[k]!, e, `${p}["${k}"]`));
        break;
      }
      case 'SET':
        // Set elements have no identity to correlate them by; Terraform checks only that none is unknown.
        for (const e of plannedV.isNull() ? [] : plannedV.elements())
          if (!e.isKnown()) errs.push(`${p}: element representing nested block must not be unknown itself`);
        break;
    }
  }
  return errs;
}

function assertPlannedValueValid(a: AttributeSchema, prior: Value, config: Value, planned: Value, path: string): string[] {
  if (sameValue(planned, config)) return [];
  if (sameValue(planned, prior) && !prior.isNull() && !config.isNull()) return [];
  if (a.computed && !a.optional) return [];
  if (config.isNull() && a.computed) return [];
  if (config.isNull() && !planned.isNull()) return [`${path}: planned value ${shown(a, planned)} for a non-computed attribute`];
  if (a.nested && planned.isKnown() && config.isKnown() && a.nested.nesting === 'SINGLE' && !planned.isNull()) {
    const nestedBlock: BlockSchema = { attributes: a.nested.attributes, blocks: {}, type: planned.type as never };
    return assertPlanValid(nestedBlock, prior, config, planned, path);
  }
  if (prior.isNull()) return [`${path}: planned value ${shown(a, planned)} does not match config value ${shown(a, config)}`];
  return [`${path}: planned value ${shown(a, planned)} does not match config value ${shown(a, config)} nor prior value ${shown(a, prior)}`];
}

// ---- checks on an apply (and on the final plan) -----------------------------------------------------------------

/** Terraform's AssertObjectCompatible: what the plan promised, the result keeps. */
export function assertObjectCompatible(block: BlockSchema, planned: Value, actual: Value, path = ''): string[] {
  const root = path === '' ? 'Root object ' : '';
  if (planned.isNull() && !actual.isNull()) return [`${path || 'root'}: ${root}was absent, but now present`];
  if (actual.isNull() && !planned.isNull()) return [`${path || 'root'}: ${root}was present, but now absent`];
  if (planned.isNull()) return [];
  const errs: string[] = [];
  for (const [name, a] of Object.entries(block.attributes)) {
    const found = assertValueCompatible(planned.attr(name), actual.attr(name), join(path, name));
    if (found.length > 0) errs.push(...(a.sensitive ? [`${join(path, name)}: inconsistent values for sensitive attribute`] : found));
  }
  for (const [name, nb] of Object.entries(block.blocks)) {
    const p = join(path, name);
    const pv = planned.attr(name);
    const av = actual.attr(name);
    if (!pv.isKnown()) continue;
    if (nb.nesting === 'SINGLE' || nb.nesting === 'GROUP') {
      errs.push(...assertObjectCompatible(nb.block, pv, av, p));
    } else if (nb.nesting === 'LIST') {
      const pl = pv.isNull() ? [] : pv.elements();
      const al = av.isNull() ? [] : av.elements();
      if (pl.length !== al.length) errs.push(`${p}: block count changed from ${pl.length} to ${al.length}`);
      else for (const [i, e] of pl.entries()) errs.push(...assertObjectCompatible(nb.block, e, al[i]!, `${p}[${i}]`));
    } else if (nb.nesting === 'MAP') {
      const pm = pv.isNull() ? {} : pv.entries();
      const am = av.isNull() ? {} : av.entries();
      for (const k of new Set([...Object.keys(pm), ...Object.keys(am)])) {
        if (!pm[k] || !am[k]) errs.push(`${p}: block key "${k}" has ${pm[k] ? 'vanished' : 'appeared'}`);
        else errs.push(...assertObjectCompatible(nb.block, pm[k]!, am[k]!, `${p}["${k}"]`));
      }
    } else if (pv.isWhollyKnown() && !sameValue(pv, av)) {
      errs.push(`${p}: planned set element ${pv} does not correlate with any element in actual`);
    }
  }
  return errs;
}

function assertValueCompatible(planned: Value, actual: Value, path: string): string[] {
  if (!planned.isKnown()) {
    const r = planned.refinement;
    if (r?.notNull && actual.isNull()) return [`${path}: final value null does not conform to planning placeholder (not null)`];
    if (r?.stringPrefix && actual.isKnown() && !actual.isNull() && !actual.asString().startsWith(r.stringPrefix))
      return [`${path}: final value ${actual} does not conform to planning placeholder (prefix ${JSON.stringify(r.stringPrefix)})`];
    return [];
  }
  if (!actual.isKnown()) return [`${path}: was known, but now unknown`];
  if (planned.isNull() !== actual.isNull()) return [`${path}: was ${planned}, but now ${actual}`];
  if (planned.isNull()) return [];
  switch (planned.type.kind) {
    case 'list':
    case 'tuple': {
      const pl = planned.elements();
      const al = actual.elements();
      if (pl.length !== al.length) return [`${path}: length changed from ${pl.length} to ${al.length}`];
      return pl.flatMap((e, i) => assertValueCompatible(e, al[i]!, `${path}[${i}]`));
    }
    case 'map':
    case 'object': {
      const pm = planned.entries();
      const am = actual.entries();
      const keys = new Set([...Object.keys(pm), ...Object.keys(am)]);
      return [...keys].flatMap((k) =>
        pm[k] && am[k] ? assertValueCompatible(pm[k]!, am[k]!, `${path}["${k}"]`) : [`${path}: key "${k}" has ${pm[k] ? 'vanished' : 'appeared'}`],
      );
    }
    case 'set':
      if (planned.isWhollyKnown()) return planned.equals(actual) ? [] : [`${path}: planned ${planned}, but now ${actual}`];
      // Unknown elements change identity when they become known; the count may only shrink.
      return actual.elements().length > planned.elements().length ? [`${path}: set grew from ${planned.elements().length} elements`] : [];
    default:
      return planned.equals(actual) ? [] : [`${path}: was ${planned}, but now ${actual}`];
  }
}

function join(path: string, name: string): string {
  return path === '' ? name : `${path}.${name}`;
}

function shown(a: AttributeSchema, v: Value): string {
  return a.sensitive ? '(sensitive value)' : String(v);
}

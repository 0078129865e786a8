/**
 * Type-level tests: `npm test` type-checks this file with tsc, so a wrong derived type fails the build.
 * The runtime assertions only keep Jest from reporting an empty test.
 */
import * as T from '../../cty/types';
import type { Value } from '../../cty/value';
import { requiresReplace } from '../plan-modifiers';
import { boolAttr, dynamicAttr, exactNumberAttr, listNestedAttr, mapAttr, numberAttr, setAttr, singleNestedAttr, stringAttr, typedAttr } from './attributes';
import { groupBlock, listBlock, singleBlock } from './blocks';
import type { Unknown } from './convert';
import { dataSourceSchema, type PlanOf, resourceSchema, type StateOf } from './schema';

type Equal<A, B> = (<X>() => X extends A ? 1 : 2) extends <X>() => X extends B ? 1 : 2 ? true : false;
function assertType<C extends true>(_c?: C): void {}

const schema = resourceSchema({
  attributes: {
    id: stringAttr({ computed: true }),
    name: stringAttr({ required: true, planModifiers: [requiresReplace()] }),
    amount: numberAttr({ optional: true }),
    big: exactNumberAttr({ optional: true }),
    on: boolAttr({ optional: true, computed: true, default: false }),
    tags: mapAttr(T.string, { optional: true }),
    scopes: setAttr(T.string, { optional: true }),
    pair: typedAttr(T.tuple([T.string, T.number]), { optional: true }),
    obj: typedAttr(T.object({ a: T.string }), { optional: true }),
    any: dynamicAttr({ optional: true }),
    password: stringAttr({ required: true, writeOnly: true }),
    settings: singleNestedAttr({ attributes: { depth: numberAttr({ required: true }) } }, { optional: true }),
    items: listNestedAttr({ attributes: { key: stringAttr({ required: true }), note: stringAttr({ optional: true }) } }, { optional: true }),
  },
  blocks: {
    rule: listBlock({ attributes: { port: numberAttr({ required: true }) } }),
    single: singleBlock({ attributes: { x: stringAttr({ optional: true }) } }),
    group: groupBlock({ attributes: { y: stringAttr({ optional: true }) } }),
  },
});

type S = StateOf<typeof schema>;
assertType<Equal<S['id'], string | null>>();
assertType<Equal<S['name'], string>>();
assertType<Equal<S['amount'], number | null>>();
assertType<Equal<S['big'], string | null>>();
assertType<Equal<S['on'], boolean | null>>();
assertType<Equal<S['tags'], Record<string, string> | null>>();
assertType<Equal<S['scopes'], string[] | null>>();
assertType<Equal<S['pair'], [string | null, number | null] | null>>();
assertType<Equal<S['obj'], { a: string | null } | null>>();
assertType<Equal<S['any'], Value | null>>();
// Write-only values are null in every plan and state, required or not.
assertType<Equal<S['password'], string | null>>();
assertType<Equal<S['settings'], { depth: number } | null>>();
assertType<Equal<S['items'], { key: string; note: string | null }[] | null>>();
assertType<Equal<S['rule'], { port: number }[]>>();
assertType<Equal<S['single'], { x: string | null } | null>>();
assertType<Equal<S['group'], { y: string | null }>>();

type Pl = PlanOf<typeof schema>;
assertType<Equal<Pl['id'], string | null | Unknown>>();
assertType<Equal<Pl['name'], string | Unknown>>();

// A plan modifier, a default or write-only on a data source attribute does not type-check.
// @ts-expect-error plan modifiers are for managed resources only
dataSourceSchema({ attributes: { a: stringAttr({ optional: true, planModifiers: [requiresReplace()] }) } });
// @ts-expect-error defaults are for managed resources only
dataSourceSchema({ attributes: { a: stringAttr({ optional: true, computed: true, default: 'x' }) } });
// @ts-expect-error write-only is for managed resources only
dataSourceSchema({ attributes: { a: stringAttr({ optional: true, writeOnly: true }) } });
dataSourceSchema({ attributes: { a: stringAttr({ optional: true }) } });

it('derives state types from a schema (checked by tsc)', () => {
  expect(Object.keys(schema.type.attributes).sort()).toEqual([
    'amount',
    'any',
    'big',
    'group',
    'id',
    'items',
    'name',
    'obj',
    'on',
    'pair',
    'password',
    'rule',
    'scopes',
    'settings',
    'single',
    'tags',
  ]);
});

import * as T from '../../cty/types';
import { requiresReplace } from '../plan-modifiers';
import { boolAttr, dynamicAttr, listAttr, listNestedAttr, setNestedAttr, stringAttr } from './attributes';
import { groupBlock, listBlock, mapBlock, setBlock, singleBlock } from './blocks';
import { dataSourceSchema, providerSchema, resourceSchema } from './schema';
import { checkSchema } from './validate';

const problems = (s: Parameters<typeof checkSchema>[0], opts = {}) => checkSchema(s, 'resource t', opts);

describe("Terraform's schema rules are checked before any user sees them", () => {
  it('a sound schema has no problems', () => {
    const s = resourceSchema({
      version: 1,
      attributes: { id: stringAttr({ computed: true }), name: stringAttr({ required: true, planModifiers: [requiresReplace()] }) },
      blocks: {
        rule: listBlock({ attributes: { port: stringAttr({ optional: true }) } }, { minItems: 1, maxItems: 3 }),
        one: singleBlock({}, { minItems: 1 }),
      },
    });
    expect(problems(s)).toEqual([]);
  });

  it.each([
    ['no mode', { a: stringAttr({}) }, 'attribute "a": must be required, optional or computed'],
    ['required and optional', { a: stringAttr({ required: true, optional: true }) }, 'cannot be both required and optional'],
    ['required and computed', { a: stringAttr({ required: true, computed: true }) }, 'cannot be both required and computed'],
    ['bad name', { Name: stringAttr({ optional: true }) }, 'attribute "Name": names may contain only lowercase'],
    ['write-only computed', { a: stringAttr({ optional: true, computed: true, writeOnly: true }) }, 'a write-only attribute cannot be computed'],
    ['default without computed', { a: boolAttr({ optional: true, default: true }) }, 'must be optional and computed'],
    [
      'write-only with a plan modifier',
      { a: stringAttr({ optional: true, writeOnly: true, planModifiers: [requiresReplace()] }) },
      'a write-only attribute cannot have plan modifiers',
    ],
    ['a meta-argument name', { count: stringAttr({ optional: true }) }, '"count" is reserved by Terraform'],
    ['dynamic in a list', { a: listAttr(T.dynamic, { optional: true }) }, 'a dynamic type inside a list, set or map is not supported'],
    [
      'dynamic in a list nested attribute',
      { a: listNestedAttr({ attributes: { d: dynamicAttr({ optional: true }) } }, { optional: true }) },
      'a dynamic type inside a list nested attribute',
    ],
    [
      'write-only in a set',
      { a: setNestedAttr({ attributes: { w: stringAttr({ optional: true, writeOnly: true }) } }, { optional: true }) },
      'a write-only attribute cannot sit inside a set',
    ],
  ])('%s', (_name, attributes, message) => {
    expect(problems(resourceSchema({ attributes } as never)).join('\n')).toContain(message);
  });

  it.each([
    ['single with max 1 but min 0', { b: { ...singleBlock({}), maxItems: 1 } }, 'a single block needs minItems = maxItems'],
    ['list min above max', { b: listBlock({}, { minItems: 3, maxItems: 2 }) }, 'minItems is greater than maxItems'],
    ['map with max', { b: { ...mapBlock({}), maxItems: 2 } }, 'a map block cannot have minItems or maxItems'],
    ['group with min', { b: { ...groupBlock({}), minItems: 1 } }, 'a group block cannot have minItems or maxItems'],
    ['dynamic inside a set block', { b: setBlock({ attributes: { d: dynamicAttr({ optional: true }) } }) }, 'a dynamic type inside a set block'],
    ['name taken by an attribute', { a: listBlock({}) }, 'block "a": the name is also an attribute name'],
  ])('%s', (_name, blocks, message) => {
    const s = resourceSchema({ attributes: { a: stringAttr({ optional: true }) }, blocks } as never);
    expect(problems(s).join('\n')).toContain(message);
  });

  it('resource-only powers are refused elsewhere at run time too', () => {
    const ds = dataSourceSchema({ attributes: { a: stringAttr({ optional: true, writeOnly: true }) } as never });
    expect(checkSchema(ds, 'data source d').join('\n')).toContain('write-only attributes exist only in managed resources');
    const p = providerSchema({ attributes: { a: stringAttr({ computed: true }), alias: stringAttr({ optional: true }) } });
    expect(checkSchema(p, 'provider').join('\n')).toContain('provider configuration attributes cannot be computed');
    expect(checkSchema(p, 'provider').join('\n')).toContain('"alias" is reserved by Terraform');
  });

  it('descriptions can be required', () => {
    const s = resourceSchema({ attributes: { a: stringAttr({ optional: true }), b: stringAttr({ optional: true, description: 'B.' }) } });
    expect(problems(s, { requireDescriptions: true })).toEqual(['resource t: attribute "a": has no description']);
  });
});

/**
 * The label rules as an attribute validator: the contract's numbers and key pattern (contract/limits.ts), each
 * problem at its label, unknown values left for later. The same rules at plan on keyplane_api_key are tested
 * in test/provider/errors.test.ts.
 */
import { LIMITS } from '../../contract/limits';
import { Diagnostics, Value, types as T } from '../sdk';
import { checkDescriptionAndLabels } from './api-key/plan-checks';
import { descriptionLength, labelLimits } from './limits';

function check(entries: Record<string, Value>): { summary: string; path: string }[] {
  const diags = new Diagnostics();
  const value = Value.map(T.string, entries);
  labelLimits().validate({ path: [{ attr: 'labels' }], value, parent: value, config: value }, diags);
  return diags.toArray().map((d) => ({ summary: d.summary, path: JSON.stringify(d.path) }));
}

test('label keys the service refuses, values and counts over its limits are errors at the label or the map', () => {
  expect(check({ env: Value.string('prod'), 'team/a.b:c-d_e': Value.string('x'.repeat(LIMITS.labels.valueMax)) })).toEqual([]);
  expect(check({ 'has space': Value.string('v'), long: Value.string('x'.repeat(LIMITS.labels.valueMax + 1)) })).toEqual([
    { summary: 'Invalid Label Key', path: JSON.stringify([{ attr: 'labels' }, { key: 'has space' }]) },
    { summary: 'Label Value Too Long', path: JSON.stringify([{ attr: 'labels' }, { key: 'long' }]) },
  ]);
  const many = Object.fromEntries(Array.from({ length: LIMITS.labels.max + 1 }, (_, i) => [`l${i}`, Value.string('v')]));
  expect(check(many)).toEqual([{ summary: 'Too Many Labels', path: JSON.stringify([{ attr: 'labels' }]) }]);
  // An unknown value is checked once known; its key is known now.
  expect(check({ ok: Value.unknown(T.string), 'bad key': Value.unknown(T.string) }).map((p) => p.summary)).toEqual(['Invalid Label Key']);
});

/** A description of `n` characters outside the Basic Multilingual Plane (two UTF-16 units each). */
const astral = (n: number) => '\u{1F511}'.repeat(n);

test('the description limit is one rule: the validator and the plan check of keyplane_api_key say the same, counting code points', () => {
  const byValidator = (text: string) => {
    const diags = new Diagnostics();
    const value = Value.string(text);
    descriptionLength().validate({ path: [{ attr: 'description' }], value, parent: value, config: value }, diags);
    return diags.toArray();
  };
  const byPlanCheck = (text: string) => {
    const diags = new Diagnostics();
    checkDescriptionAndLabels(text, null, diags);
    return diags.toArray();
  };
  // At the limit in characters, though twice as long in UTF-16 units: the service takes it (it counts code
  // points: test/provider/errors.test.ts applies one), so neither refuses it.
  expect(astral(LIMITS.description.max).length).toBe(2 * LIMITS.description.max);
  expect(byValidator(astral(LIMITS.description.max))).toEqual([]);
  expect(byPlanCheck(astral(LIMITS.description.max))).toEqual([]);
  const over = astral(LIMITS.description.max + 1);
  const expected = [
    expect.objectContaining({
      severity: 'error',
      summary: 'Description Too Long',
      detail: `description is ${LIMITS.description.max + 1} characters; the Keyplane service accepts at most ${LIMITS.description.max}.`,
      path: [{ attr: 'description' }],
    }),
  ];
  expect(byValidator(over)).toEqual(expected);
  expect(byPlanCheck(over)).toEqual(expected);
});

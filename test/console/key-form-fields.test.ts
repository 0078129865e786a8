/**
 * Each `field` the API names in a refusal of POST /v1/api-keys reaches the Create API Key control that set it,
 * and each of POST /v1/api-keys/{id}/rotate the Rotate API Key control.
 */
import { ROTATE_FORM_FIELDS, controlOf, formFieldOf } from '../../console/key-form-fields';

test.each([
  ['name', 'name'],
  ['description', 'description'],
  ['role', 'role'],
  ['service_account_id', 'owner'],
  ['user_id', 'owner'],
  ['scopes[2]', 'scopes'],
  ['scopes', 'scopes'],
  ['expires_at', 'expires_at'],
  ['allow_list_ids[0]', 'allow_list_ids'],
  ['delivery.secret_store.secret_id', 'delivery.secret_store.secret_id'],
  ['delivery.secret_store.entry_key', 'delivery.secret_store.entry_key'],
  ['delivery.secret_store', 'delivery.secret_store.secret_id'],
  ['delivery.pgp_public_key', 'delivery.pgp_public_key'],
  ['delivery', 'delivery'],
  ['delivery.other', 'delivery'],
])('%s is shown at %s', (api, control) => {
  expect(formFieldOf(api)).toBe(control);
});

test.each([['labels.team'], ['rate_limit.limit'], ['body'], [undefined]])('%s has no control: the form’s general note shows it', (api) => {
  expect(formFieldOf(api)).toBeUndefined();
});

test.each([
  ['overlap_seconds', 'overlap_seconds'],
  ['delivery.secret_store', 'delivery.secret_store.secret_id'],
  ['delivery.secret_store.entry_key', 'delivery.secret_store.entry_key'],
  ['delivery.pgp_public_key', 'delivery.pgp_public_key'],
  ['service_account_id', undefined],
  ['name', undefined],
  ['Idempotency-Key', undefined],
])('a rotation refused at %s is shown at %s', (api, control) => {
  expect(controlOf(ROTATE_FORM_FIELDS, api)).toBe(control);
});

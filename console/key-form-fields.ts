/**
 * Where the Create API Key form shows a refusal from the API: the API's `field` is a dotted path with indexes
 * (`scopes[2]`, `delivery.secret_store.entry_key`; service/http/validation.ts), and each maps to the control
 * that set it. A field the form does not show (labels, rate_limit) maps to none: the form's general note says it.
 */
export const KEY_FORM_FIELDS = [
  'name',
  'description',
  'owner',
  'role',
  'scopes',
  'expires_at',
  'allow_list_ids',
  'delivery.secret_store.secret_id',
  'delivery.secret_store.entry_key',
  'delivery.pgp_public_key',
  'delivery',
] as const;
export type KeyFormField = (typeof KEY_FORM_FIELDS)[number];

/** The request fields that name a control's value under another name. */
const ALIASES: Record<string, KeyFormField> = {
  service_account_id: 'owner',
  user_id: 'owner',
  // A secret too full for one more entry is refused as the whole target: the secret chosen is at fault.
  'delivery.secret_store': 'delivery.secret_store.secret_id',
};

export function formFieldOf(apiField: string | undefined): KeyFormField | undefined {
  if (apiField === undefined) return undefined;
  // The control is the longest form field the API's path starts with (`scopes[2]` is the scopes control).
  let path = apiField.replace(/\[\d+\]/g, '');
  for (;;) {
    const known = ALIASES[path] ?? (KEY_FORM_FIELDS as readonly string[]).find((f) => f === path);
    if (known) return known as KeyFormField;
    const dot = path.lastIndexOf('.');
    if (dot < 0) return undefined;
    path = path.slice(0, dot);
  }
}

/**
 * Where the Create API Key and Rotate API Key forms show a refusal from the API: the API's `field` is a dotted
 * path with indexes (`scopes[2]`, `delivery.secret_store.entry_key`; service/http/validation.ts), and each maps
 * to the control that set it. A field the form does not show (labels, rate_limit, the Idempotency-Key header)
 * maps to none: the form's general note says it.
 */
/** The controls of where the secret goes (console/secret-destination-choice.tsx), in both forms. */
const DELIVERY_FIELDS = ['delivery.secret_store.secret_id', 'delivery.secret_store.entry_key', 'delivery.pgp_public_key', 'delivery'] as const;

export const KEY_FORM_FIELDS = ['name', 'description', 'owner', 'role', 'scopes', 'expires_at', 'allow_list_ids', ...DELIVERY_FIELDS] as const;
export type KeyFormField = (typeof KEY_FORM_FIELDS)[number];

export const ROTATE_FORM_FIELDS = ['overlap_seconds', ...DELIVERY_FIELDS] as const;
export type RotateFormField = (typeof ROTATE_FORM_FIELDS)[number];

/** The request fields that name a control's value under another name. */
const ALIASES: Record<string, string> = {
  service_account_id: 'owner',
  user_id: 'owner',
  // A secret too full for one more entry is refused as the whole target: the secret chosen is at fault.
  'delivery.secret_store': 'delivery.secret_store.secret_id',
};

/** The control among `fields` that shows a refusal naming `apiField`, if the form has one. */
export function controlOf<F extends string>(fields: readonly F[], apiField: string | undefined): F | undefined {
  if (apiField === undefined) return undefined;
  // The control is the longest form field the API's path starts with (`scopes[2]` is the scopes control).
  let path = apiField.replace(/\[\d+\]/g, '');
  for (;;) {
    const name = ALIASES[path] ?? path;
    const known = fields.find((f) => f === name);
    if (known) return known;
    const dot = path.lastIndexOf('.');
    if (dot < 0) return undefined;
    path = path.slice(0, dot);
  }
}

export function formFieldOf(apiField: string | undefined): KeyFormField | undefined {
  return controlOf(KEY_FORM_FIELDS, apiField);
}

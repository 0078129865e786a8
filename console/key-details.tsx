/**
 * The API Key Details sheet: every field of one key (its IP allow lists by name), and Rotate API Key and
 * Revoke API Key when the key is active and the caller's role may change keys (the service decides either way).
 */
import type { ApiKey, Whoami } from '../contract/api';
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { useAllowListNames } from './allow-list-names';
import { Dialog } from './dialog';
import { formatTime } from './format';
import { type PrincipalNames, nameOf } from './principals';
import { RotateKeyDialog } from './rotate-key-dialog';

function Field(props: { label: string; children: ComponentChildren }) {
  return (
    <>
      <dt>{props.label}</dt>
      <dd>{props.children}</dd>
    </>
  );
}

/** Each list by name with its id after it; a list that could not be read, by its id alone. */
function AllowLists(props: { ids: string[] }) {
  const names = useAllowListNames(props.ids);
  return (
    <ul class="plain">
      {props.ids.map((id) => {
        const name = names.get(id);
        return (
          <li key={id}>
            {name === undefined ? (
              <code>{id}</code>
            ) : (
              <>
                <span>{name}</span> <code class="help">{id}</code>
              </>
            )}
          </li>
        );
      })}
    </ul>
  );
}

export function KeyDetails(props: {
  apiKey: ApiKey;
  names: PrincipalNames;
  me: Whoami;
  /** The caller's role may change keys: Rotate and Revoke are offered. */
  canManage: boolean;
  onRevoke: () => void;
  /** After a rotation: the key as it is now. */
  onRotated: (key: ApiKey) => void;
  onClose: () => void;
}) {
  const k = props.apiKey;
  const labels = Object.entries(k.labels);
  const [rotating, setRotating] = useState(false);
  return (
    <Dialog title="API Key Details" className="dialog sheet" onCancel={props.onClose}>
      <dl class="details">
        <Field label="Name">{k.name}</Field>
        <Field label="ID">
          <code>{k.id}</code>
        </Field>
        <Field label="Status">
          <span class={`status status-${k.status}`}>{k.status}</span>
        </Field>
        <Field label="Prefix">
          <code>{k.display_prefix}</code>
        </Field>
        <Field label="Description">{k.description || '—'}</Field>
        <Field label="Owner">
          {nameOf(props.names, k.owner_id)} ({k.owner_type === 'user' ? 'user' : 'service account'})
        </Field>
        <Field label="Created by">{nameOf(props.names, k.created_by)}</Field>
        <Field label="Role">{k.role}</Field>
        <Field label="Effective role">{k.effective_role}</Field>
        <Field label="Scopes">{k.scopes.length > 0 ? k.scopes.join(', ') : 'None'}</Field>
        <Field label="IP allow lists">{k.allow_list_ids.length > 0 ? <AllowLists ids={k.allow_list_ids} /> : 'All IP addresses allowed'}</Field>
        <Field label="Labels">{labels.length > 0 ? labels.map(([name, value]) => `${name}=${value}`).join(', ') : 'None'}</Field>
        <Field label="Rate limit">{k.rate_limit ? `${k.rate_limit.limit} per ${k.rate_limit.window_seconds} s` : 'None'}</Field>
        <Field label="Created">{formatTime(k.created_at)}</Field>
        <Field label="Last used">{k.last_used_at ? `${formatTime(k.last_used_at)}${k.last_used_ip ? ` from ${k.last_used_ip}` : ''}` : 'Never used'}</Field>
        <Field label="Expires">{formatTime(k.expires_at, 'Never')}</Field>
        <Field label="Secret version">
          {k.secret_version}
          {k.rotated_at ? `, rotated ${formatTime(k.rotated_at)}` : ''}
          {k.previous_secret_expires_at ? `; the previous secret works until ${formatTime(k.previous_secret_expires_at)}` : ''}
        </Field>
        {k.revoked_at && <Field label="Revoked">{formatTime(k.revoked_at)}</Field>}
        {k.revoked_at && <Field label="Revoke reason">{k.revoke_reason ?? '—'}</Field>}
      </dl>
      <div class="actions">
        {props.canManage && k.status === 'active' && (
          <button type="button" onClick={() => setRotating(true)}>
            Rotate API Key
          </button>
        )}
        {props.canManage && k.status === 'active' && (
          <button type="button" class="danger" onClick={props.onRevoke}>
            Revoke API Key
          </button>
        )}
        <button type="button" onClick={props.onClose}>
          Close
        </button>
      </div>
      {rotating && <RotateKeyDialog apiKey={k} me={props.me} onRotated={props.onRotated} onClose={() => setRotating(false)} />}
    </Dialog>
  );
}

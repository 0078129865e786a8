/**
 * Create IP Allow List and Edit IP Allow List: name, description and CIDRs (console/cidr-field.tsx). While a
 * CIDR is invalid nothing is sent; the service checks again by the same rule and its refusals show at their field.
 */
import type { CreateAllowListBody, IpAllowList, UpdateAllowListBody } from '../contract/api';
import { LIMITS } from '../contract/limits';
import { useRef, useState } from 'preact/hooks';
import { type ApiFailure, api } from './api';
import { CidrField, checkCidrs } from './cidr-field';
import { Dialog } from './dialog';
import { ErrorNote } from './error-note';
import { toFailure } from './failure';

const FIELDS = ['name', 'description', 'cidrs'] as const;

/** `editing` is the list to change; without it the dialog creates one. */
export function AllowListDialog(props: { editing?: IpAllowList; onSaved: (list: IpAllowList) => void; onClose: () => void }) {
  const { editing } = props;
  const [name, setName] = useState(editing?.name ?? '');
  const [description, setDescription] = useState(editing?.description ?? '');
  const [cidrText, setCidrText] = useState(editing ? editing.cidrs.join('\n') : '');
  const [error, setError] = useState<ApiFailure>();
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  const check = checkCidrs(cidrText);
  const generalError = error?.field?.startsWith('cidrs[') ? undefined : error;

  async function save(e: Event) {
    e.preventDefault();
    if (check.problems.length > 0) {
      form.current?.querySelector<HTMLTextAreaElement>('textarea.mono')?.focus();
      return;
    }
    setError(undefined);
    setBusy(true);
    try {
      const saved = editing
        ? await api<IpAllowList>('PATCH', `/v1/ip-allow-lists/${encodeURIComponent(editing.id)}`, {
            name: name.trim(),
            description: description.trim(),
            cidrs: check.cidrs,
          } satisfies UpdateAllowListBody)
        : await api<IpAllowList>('POST', '/v1/ip-allow-lists', {
            name: name.trim(),
            cidrs: check.cidrs,
            ...(description.trim() ? { description: description.trim() } : {}),
          } satisfies CreateAllowListBody);
      props.onSaved(saved);
    } catch (err) {
      setError(toFailure(err));
      setBusy(false);
    }
  }

  return (
    <Dialog title={editing ? `Edit IP Allow List “${editing.name}”` : 'Create IP Allow List'} onCancel={props.onClose}>
      <form ref={form} onSubmit={save} class="form" noValidate>
        <label for="al-name">Name</label>
        <input id="al-name" required maxLength={LIMITS.name.max} value={name} onInput={(e) => setName(e.currentTarget.value)} />
        <ErrorNote error={error} field="name" />
        <label for="al-description">Description</label>
        <textarea id="al-description" maxLength={LIMITS.description.max} value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
        <ErrorNote error={error} field="description" />
        <CidrField id="al-cidrs" value={cidrText} onInput={setCidrText} check={check} refusal={error} />
        <ErrorNote error={generalError} fields={FIELDS} />
        <div class="actions">
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={busy}>
            {editing ? 'Save' : 'Create'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/**
 * The fields Create and Edit Service Account share: name, description and role (none above the signed-in
 * key's effective role, `callerRole`), each with the API's refusal next to it.
 */
import { LIMITS } from '../contract/limits';
import { ROLES_HIGHEST_FIRST, type Role, atLeast } from '../contract/roles';
import type { ApiFailure } from './api';
import { ErrorNote } from './error-note';

export interface ServiceAccountFieldValues {
  name: string;
  description: string;
  role: Role;
}

export function ServiceAccountFields(props: {
  /** Prefix of the controls' ids, distinct per form. */
  idPrefix: string;
  values: ServiceAccountFieldValues;
  onChange: (values: ServiceAccountFieldValues) => void;
  callerRole: Role;
  error: ApiFailure | undefined;
}) {
  const { idPrefix: id, values, error } = props;
  const set = (change: Partial<ServiceAccountFieldValues>) => props.onChange({ ...values, ...change });
  const roles = ROLES_HIGHEST_FIRST.filter((r) => atLeast(props.callerRole, r));
  return (
    <>
      <label for={`${id}-name`}>Name</label>
      <input id={`${id}-name`} required maxLength={LIMITS.name.max} value={values.name} onInput={(e) => set({ name: e.currentTarget.value })} />
      <ErrorNote error={error} field="name" />
      <label for={`${id}-description`}>Description</label>
      <textarea
        id={`${id}-description`}
        maxLength={LIMITS.description.max}
        value={values.description}
        onInput={(e) => set({ description: e.currentTarget.value })}
      />
      <ErrorNote error={error} field="description" />
      <label for={`${id}-role`}>Role</label>
      <select id={`${id}-role`} value={values.role} onChange={(e) => set({ role: e.currentTarget.value as Role })} aria-describedby={`${id}-role-help`}>
        {roles.map((r) => (
          <option key={r} value={r}>
            {r}
          </option>
        ))}
      </select>
      <p id={`${id}-role-help`} class="help">
        Its keys never act above this role, and it cannot be above your own ({props.callerRole}).
      </p>
      <ErrorNote error={error} field="role" />
    </>
  );
}

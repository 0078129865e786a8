/**
 * A form's refusal from the API at its controls: `note(field)` is the message, shown where the form puts it,
 * and `aria(field, …help)` marks the control invalid and adds the message to what a screen reader reads
 * for it, after the control's own help.
 */
import type { JSX } from 'preact';
import type { ApiFailure } from './api';
import { ErrorNote } from './error-note';

export interface FieldErrors {
  note(field: string): JSX.Element;
  aria(field: string, ...help: string[]): { 'aria-invalid'?: true; 'aria-describedby'?: string };
}

const errorId = (field: string) => `error-${field.replace(/[^A-Za-z0-9_-]/g, '-')}`;

export function fieldErrors(error: ApiFailure | undefined): FieldErrors {
  return {
    note: (field) => <ErrorNote error={error} field={field} id={errorId(field)} />,
    aria(field, ...help) {
      const invalid = error !== undefined && error.field === field;
      const ids = invalid ? [...help, errorId(field)] : help;
      return { ...(invalid ? { 'aria-invalid': true as const } : {}), ...(ids.length > 0 ? { 'aria-describedby': ids.join(' ') } : {}) };
    },
  };
}

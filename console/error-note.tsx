/**
 * A refusal from the API, read out when it appears: next to the field it names when the form shows that
 * field (`field`), otherwise in the form's general note (`fields` lists the fields that have their own).
 */
import type { ApiFailure } from './api';

export function ErrorNote(props: { error: ApiFailure | undefined; field?: string; fields?: readonly string[]; id?: string }) {
  const { error } = props;
  if (!error) return null;
  const atField = error.field !== undefined && (props.fields ?? []).includes(error.field);
  if (props.field !== undefined ? error.field !== props.field : atField) return null;
  return (
    <p class="error" role="alert" id={props.id}>
      {error.message}
    </p>
  );
}

/** After a key's secret was written into a secret-store entry: where it is, and that it was not shown. */
import type { Delivered } from '../contract/api/delivery';
import { Dialog } from './dialog';

export function DeliveredToStore(props: { name: string; target: NonNullable<Delivered['secret_store']>; secretName: string; onDone: () => void }) {
  const { target } = props;
  return (
    <Dialog title={`API key “${props.name}” created`} onCancel={props.onDone}>
      <p role="status">
        The key was written to secret <strong>{props.secretName}</strong> ({target.secret_id}), entry <code>{target.entry_key}</code>, version {target.version}.
        It was not shown here: read it from the secret store.
      </p>
      <div class="actions">
        <button type="button" class="primary" onClick={props.onDone}>
          Done
        </button>
      </div>
    </Dialog>
  );
}

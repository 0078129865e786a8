/**
 * How long the current secret keeps working after a rotation (console/rotation-overlap.ts): Stop the current
 * secret now, or Keep it working for a number of minutes or hours. A refusal naming `overlap_seconds` is
 * shown here, whichever is chosen (the service refuses some rotations only without an overlap).
 */
import type { ComponentChildren } from 'preact';
import type { FieldErrors } from './field-errors';
import { OVERLAP_LIMIT_TEXT, OVERLAP_UNITS, type Overlap, type OverlapUnit } from './rotation-overlap';

export function OverlapChoice(props: { value: Overlap; onChange: (value: Overlap) => void; errors: FieldErrors; children?: ComponentChildren }) {
  const v = props.value;
  const { note, aria } = props.errors;
  const set = (change: Partial<Overlap>) => props.onChange({ ...v, ...change });
  return (
    <fieldset>
      <legend>The current secret</legend>
      <label class="inline">
        <input type="radio" name="rotate-overlap" checked={!v.keep} onChange={() => set({ keep: false })} {...(v.keep ? {} : aria('overlap_seconds'))} /> Stop
        the current secret now
      </label>
      <label class="inline">
        <input type="radio" name="rotate-overlap" checked={v.keep} onChange={() => set({ keep: true })} /> Keep it working for a while
      </label>
      {v.keep && (
        <div class="field-row">
          <label for="rotate-overlap-amount">Keep it working for</label>
          <input
            id="rotate-overlap-amount"
            type="number"
            inputMode="numeric"
            min={1}
            step={1}
            required
            value={v.amount}
            {...aria('overlap_seconds', 'rotate-overlap-help')}
            onInput={(e) => set({ amount: e.currentTarget.value })}
          />
          <label for="rotate-overlap-unit">Unit</label>
          <select id="rotate-overlap-unit" value={v.unit} onChange={(e) => set({ unit: e.currentTarget.value as OverlapUnit })}>
            {Object.keys(OVERLAP_UNITS).map((u) => (
              <option key={u} value={u}>
                {u}
              </option>
            ))}
          </select>
        </div>
      )}
      <p id="rotate-overlap-help" class="help">
        {v.keep
          ? `Until then both secrets work, so whatever uses the key can move to the new one. At most ${OVERLAP_LIMIT_TEXT}.`
          : 'Whatever still uses the current secret is refused from the moment the key is rotated.'}
      </p>
      {note('overlap_seconds')}
      {props.children}
    </fieldset>
  );
}

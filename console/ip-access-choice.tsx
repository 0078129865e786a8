/**
 * Where a new key may be used from: Allow all IP addresses, or Restrict to trusted IP addresses only, with the
 * IP allow lists (one or more) whose addresses may use it.
 */
import type { IpAllowList } from '../contract/api';
import type { ComponentChildren } from 'preact';

export function IpAccessChoice(props: {
  allowLists: IpAllowList[];
  restricted: boolean;
  chosen: readonly string[];
  onRestrictedChange: (restricted: boolean) => void;
  onChange: (chosen: string[]) => void;
  children?: ComponentChildren;
}) {
  const toggle = (id: string, on: boolean) => props.onChange(on ? [...props.chosen, id] : props.chosen.filter((l) => l !== id));
  return (
    <fieldset>
      <legend>IP address access</legend>
      <label class="inline">
        <input type="radio" name="ip-access" checked={!props.restricted} onChange={() => props.onRestrictedChange(false)} /> Allow all IP addresses
      </label>
      <label class="inline">
        <input type="radio" name="ip-access" checked={props.restricted} onChange={() => props.onRestrictedChange(true)} /> Restrict to trusted IP addresses only
      </label>
      {props.restricted && (
        <fieldset>
          <legend>Select IP Allow List</legend>
          {props.allowLists.length === 0 && <p class="help">There is no IP allow list yet: create one first, or allow all IP addresses.</p>}
          <div class="choices">
            {props.allowLists.map((l, i) => (
              <div class="choice" key={l.id}>
                <label class="inline">
                  <input
                    type="checkbox"
                    checked={props.chosen.includes(l.id)}
                    onChange={(e) => toggle(l.id, e.currentTarget.checked)}
                    aria-describedby={`allow-list-help-${i}`}
                  />{' '}
                  {l.name}
                </label>
                <span class="help" id={`allow-list-help-${i}`}>
                  {l.cidrs.join(', ')}
                </span>
              </div>
            ))}
          </div>
        </fieldset>
      )}
      {props.children}
    </fieldset>
  );
}

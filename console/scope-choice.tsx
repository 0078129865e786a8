/** The scopes of a new key, from the catalogue: one checkbox each, its description read with it. */
import type { Scope } from '../contract/api';
import type { ComponentChildren } from 'preact';

export function ScopeChoice(props: { scopes: Scope[]; chosen: readonly string[]; onChange: (chosen: string[]) => void; children?: ComponentChildren }) {
  const toggle = (name: string, on: boolean) => props.onChange(on ? [...props.chosen, name] : props.chosen.filter((s) => s !== name));
  return (
    <fieldset>
      <legend>Scopes</legend>
      {props.scopes.length === 0 && <p class="help">The scope catalogue is empty.</p>}
      <div class="choices">
        {props.scopes.map((s, i) => (
          <div class="choice" key={s.name}>
            <label class="inline">
              <input
                type="checkbox"
                checked={props.chosen.includes(s.name)}
                onChange={(e) => toggle(s.name, e.currentTarget.checked)}
                aria-describedby={`scope-help-${i}`}
              />{' '}
              {s.name}
            </label>
            <span class="help" id={`scope-help-${i}`}>
              {s.description}
            </span>
          </div>
        ))}
      </div>
      {props.children}
    </fieldset>
  );
}

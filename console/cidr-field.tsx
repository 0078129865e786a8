/**
 * The CIDRs of an IP allow list, one per line, checked as they are typed by the service's own rule
 * (contract/cidr.ts): each line that is not an address or CIDR is named at once, and a line with bits set
 * after its prefix shows what the service will store instead. A refusal from the API naming `cidrs[i]`
 * shows here too.
 */
import { inspectCidr } from '../contract/cidr';
import { LIMITS } from '../contract/limits';
import type { ApiFailure } from './api';

export interface CidrCheck {
  cidrs: string[];
  problems: string[];
  notes: string[];
}

/** The non-empty lines of `text`, what is wrong with them, and what normalising changes. */
export function checkCidrs(text: string): CidrCheck {
  const lines = text.split('\n').map((l, i) => ({ line: i + 1, text: l.trim() }));
  const given = lines.filter((l) => l.text !== '');
  const problems: string[] = [];
  const notes: string[] = [];
  for (const { line, text: cidr } of given) {
    if (cidr.length > LIMITS.cidr.textMax) {
      problems.push(`Line ${line}: longer than ${LIMITS.cidr.textMax} characters`);
      continue;
    }
    const inspected = inspectCidr(cidr);
    if (inspected instanceof Error) problems.push(`Line ${line}: ${inspected.message}`);
    else if (inspected.hostBitsSet) notes.push(`Line ${line}: ${cidr} has bits set after its prefix and is stored as ${inspected.normalised}`);
  }
  if (given.length > LIMITS.cidrsPerList.max) problems.push(`At most ${LIMITS.cidrsPerList.max} CIDRs in one list (${given.length} given)`);
  return { cidrs: given.map((l) => l.text), problems, notes };
}

export function CidrField(props: { id: string; value: string; onInput: (value: string) => void; check: CidrCheck; refusal: ApiFailure | undefined }) {
  const { check, refusal } = props;
  const refused = refusal?.field !== undefined && /^cidrs(\[\d+\])?$/.test(refusal.field) ? refusal : undefined;
  const invalid = check.problems.length > 0 || refused !== undefined;
  return (
    <>
      <label for={props.id}>CIDRs</label>
      <textarea
        id={props.id}
        rows={6}
        spellcheck={false}
        autocomplete="off"
        class="mono"
        value={props.value}
        onInput={(e) => props.onInput(e.currentTarget.value)}
        aria-invalid={invalid}
        aria-describedby={`${props.id}-help ${props.id}-errors`}
      />
      <p id={`${props.id}-help`} class="help">
        One IPv4 or IPv6 address or CIDR per line, such as 10.0.0.0/8 or 2001:db8::/32. A list with none allows no address.
      </p>
      <div id={`${props.id}-errors`} role="alert">
        {check.problems.map((p) => (
          <p key={p} class="error">
            {p}
          </p>
        ))}
        {refused && check.problems.length === 0 && <p class="error">{refused.message}</p>}
      </div>
      {check.notes.map((n) => (
        <p key={n} class="help">
          {n}
        </p>
      ))}
    </>
  );
}

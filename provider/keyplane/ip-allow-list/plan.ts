/**
 * @module keyplane/ip-allow-list/plan
 * The validator and plan modifier of `cidrs`. Terraform requires a planned value for a configured attribute
 * to equal the configuration, or to be the prior state unchanged (objchange.AssertPlanValid, Terraform 1.11),
 * so the plan cannot rewrite "2001:DB8::/32" as "2001:db8::/32" in `cidrs` itself. Instead `cidrs` keeps the
 * prior state whenever it denotes the same set as the configuration (no diff for another spelling), and
 * `normalised_cidrs` shows at plan exactly what the service will store.
 */
import type { Value, PlanModifier, Validator } from '../../sdk';
import { inspectCidr, sameCidrSet } from '../../../contract/cidr';
import { LIMITS } from '../../../contract/limits';

const MAX_CIDRS = LIMITS.cidrsPerList.max;

const strings = (v: Value): string[] | undefined => (v.isWhollyKnown() && !v.isNull() ? v.elements().map((e) => e.asString()) : undefined);

/** Every element is an address or CIDR the service accepts, with no bits set after its prefix. */
export function allowListCidrs(): Validator {
  return {
    description: `at most ${MAX_CIDRS} elements, each an IPv4 or IPv6 address or CIDR block without bits set after its prefix`,
    validate({ path, value }, diags) {
      if (!value.isKnown() || value.isNull()) return;
      if (value.length() > MAX_CIDRS) {
        diags.addAttributeError(
          path,
          'Too Many CIDR Blocks',
          `cidrs has ${value.length()} elements; an allow list holds at most ${MAX_CIDRS}. Merge adjacent blocks or split the list.`,
        );
      }
      for (const e of value.elements()) {
        if (!e.isKnown()) continue;
        const text = e.asString();
        const n = inspectCidr(text);
        if (n instanceof Error) {
          diags.addAttributeError(
            path,
            'Invalid CIDR Block',
            `${n.message}. Write an address (203.0.113.7) or an address and a prefix length (10.0.0.0/8, 2001:db8::/32).`,
          );
        } else if (n.hostBitsSet) {
          diags.addAttributeError(
            path,
            'Invalid CIDR Block',
            `${JSON.stringify(text)} has bits set after its prefix; the service would store ${n.normalised}. Write ${n.normalised} if that is the block you mean.`,
          );
        }
      }
    },
  };
}

/** Keeps the prior `cidrs` when the configuration is the same set spelled differently. */
export function keepEquivalentCidrs(): PlanModifier {
  return {
    description: 'A configuration that denotes the same normalised set of CIDRs as the state plans no change.',
    modify(req, resp) {
      const configured = strings(req.config);
      const prior = strings(req.state);
      if (configured === undefined || prior === undefined) return;
      if (!req.config.equals(req.state) && sameCidrSet(configured, prior)) resp.planValue = req.state;
    },
  };
}

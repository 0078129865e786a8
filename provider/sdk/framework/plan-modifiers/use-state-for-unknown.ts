/**
 * @module framework/plan-modifiers/use-state-for-unknown
 * For computed values that never change once set (an id, a creation time): keep the prior value instead of
 * showing "(known after apply)" on every update.
 */
import type { PlanModifier } from './plan-modifier';

export function useStateForUnknown(): PlanModifier {
  return {
    description: 'Once set, the value of this attribute in state will not change.',
    modify(req, resp) {
      // Nothing to keep on create; nothing to decide while the value is still planned known or configured unknown.
      if (req.state.isNull() || !req.plan.isUnknown() || req.config.isUnknown()) return;
      resp.planValue = req.state;
    },
  };
}

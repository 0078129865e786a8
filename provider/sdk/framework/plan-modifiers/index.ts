export type { PlanModifier, PlanModifierRequest, PlanModifierResponse } from './plan-modifier';
export { useStateForUnknown } from './use-state-for-unknown';
export { requiresReplace, requiresReplaceIf, requiresReplaceIfConfigured } from './requires-replace';

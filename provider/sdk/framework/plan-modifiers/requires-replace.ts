/**
 * @module framework/plan-modifiers/requires-replace
 * Marks an attribute whose change needs a new object. We name the path whenever there is a prior object and
 * the condition holds; Terraform then compares prior and planned values at the path (unknown counts as a
 * change) and plans a replacement only when they differ. Filtering on unknowns here would make the apply-time
 * plan differ from the saved one ("changed the planned action from Update to DeleteThenCreate").
 */
import type { PlanModifier, PlanModifierRequest } from './plan-modifier';

export function requiresReplaceIf(condition: (req: PlanModifierRequest) => boolean, description: string): PlanModifier {
  return {
    description,
    modify(req, resp) {
      // Creation and destruction replace nothing.
      if (req.resourceState.isNull() || req.resourcePlan.isNull()) return;
      if (condition(req)) resp.requiresReplace = true;
    },
  };
}

export function requiresReplace(): PlanModifier {
  return requiresReplaceIf(() => true, 'Changing this value replaces the resource.');
}

/** Replaces only when the attribute is set in the configuration (unsetting it keeps the object). */
export function requiresReplaceIfConfigured(): PlanModifier {
  return requiresReplaceIf((req) => !req.config.isNull(), 'Changing this value, when it is set, replaces the resource.');
}

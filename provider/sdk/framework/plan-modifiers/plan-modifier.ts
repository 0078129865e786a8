/**
 * @module framework/plan-modifiers/plan-modifier
 * Plan behaviour is declared on attributes, never coded in CRUD. A modifier sees one attribute's
 * configuration, prior state and current planned value, and may change the planned value or mark that a change
 * needs replacement. Modifiers run in declaration order, after defaults and after computed attributes were
 * marked unknown, and before the resource's own modifyPlan (see server/plan-resource-change.ts).
 */
import type { Path } from '../../cty/path';
import type { Value } from '../../cty/value';
import type { Diagnostics } from '../diagnostics';
import type { PrivateState } from '../private-state';

export interface PlanModifierRequest {
  readonly path: Path;
  /** This attribute in the configuration (null when unset; may be unknown). */
  readonly config: Value;
  /** This attribute in the prior state; null on create. */
  readonly state: Value;
  /** This attribute as planned so far. */
  readonly plan: Value;
  /** The whole resource: configuration, prior state (null on create) and plan so far. */
  readonly resourceConfig: Value;
  readonly resourceState: Value;
  readonly resourcePlan: Value;
  readonly private: PrivateState;
}

export interface PlanModifierResponse {
  planValue: Value;
  /**
   * The attribute's path goes into requires_replace. Terraform compares prior and planned values at the path
   * itself and replaces only when they differ or the planned value is unknown, so say true whenever a change
   * here would need a new object; do not try to compare unknowns yourself.
   */
  requiresReplace: boolean;
  readonly diagnostics: Diagnostics;
}

export interface PlanModifier {
  /** One sentence for docs: "Changing this value replaces the resource." */
  readonly description: string;
  /** Synchronous: checks that need I/O belong in the resource's modifyPlan. */
  modify(req: PlanModifierRequest, resp: PlanModifierResponse): void;
}

import type { RootConfigService } from '@backstage/backend-plugin-api';
import {
  parseEntityRef,
  stringifyEntityRef,
  type Entity,
} from '@backstage/catalog-model';
import type { CostBudget } from '@paved/plugin-cost-common';

export const COST_BUDGET_ANNOTATION = 'paved.dev/cost-budget';

/** A plain amount: digits with an optional decimal part, no units or separators. */
const AMOUNT_PATTERN = /^\d+(\.\d+)?$/;

/**
 * The entity's monthly budget. The `paved.dev/cost-budget` annotation wins
 * over config `cost.budgets` (a map from entity ref to monthly amount; refs
 * are matched case-insensitively and may omit the default namespace).
 *
 * Garbage is never guessed at: an annotation like "12k" or "1,200" gives
 * no budget and a problem naming the entity and the value — the cost is
 * still shown, and the owner sees what to fix rather than the config budget
 * they meant to override. A malformed `cost.budgets` throws an Error naming
 * the key (the operator's mistake, found at the first read).
 */
export function budgetFor(
  entity: Entity,
  config: RootConfigService,
): { budget?: CostBudget; problem?: string } {
  const entityRef = stringifyEntityRef(entity).toLocaleLowerCase('en-US');
  const annotation = entity.metadata.annotations?.[COST_BUDGET_ANNOTATION];
  if (annotation !== undefined) {
    const monthly = parseAmount(annotation);
    if (monthly === undefined) {
      return {
        problem:
          `Invalid ${COST_BUDGET_ANNOTATION} annotation '${annotation}' on ${entityRef}: ` +
          `expected a positive monthly amount such as "1200" or "1200.50"`,
      };
    }
    return { budget: { monthly, source: 'annotation' } };
  }

  const monthly = configuredBudgets(config).get(entityRef);
  return monthly === undefined ? {} : { budget: { monthly, source: 'config' } };
}

function configuredBudgets(config: RootConfigService): Map<string, number> {
  // Read as a whole object: entity refs contain '/', which config.get()
  // does not accept inside a key path.
  const raw = config.getOptional('cost.budgets');
  const budgets = new Map<string, number>();
  if (raw === undefined) {
    return budgets;
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new Error(
      `Invalid config cost.budgets: expected a map from entity ref to monthly amount`,
    );
  }
  for (const [key, value] of Object.entries(raw)) {
    let ref: string;
    try {
      ref = stringifyEntityRef(
        parseEntityRef(key, { defaultNamespace: 'default' }),
      );
    } catch {
      throw new Error(
        `Invalid config cost.budgets: '${key}' is not an entity ref such as component:default/checkout`,
      );
    }
    const monthly =
      typeof value === 'number' || typeof value === 'string'
        ? parseAmount(String(value))
        : undefined;
    if (monthly === undefined) {
      throw new Error(
        `Invalid config cost.budgets['${key}']: expected a positive monthly amount, got ${JSON.stringify(
          value,
        )}`,
      );
    }
    budgets.set(ref.toLocaleLowerCase('en-US'), monthly);
  }
  return budgets;
}

function parseAmount(text: string): number | undefined {
  const trimmed = text.trim();
  if (!AMOUNT_PATTERN.test(trimmed)) {
    return undefined;
  }
  const amount = Number(trimmed);
  return amount > 0 ? amount : undefined;
}

import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { scorecardsReadPermission } from '@paved/plugin-scorecards-common';
import type { ScorecardService } from './service/ScorecardService';

/** History a roll-up gives an assistant. */
const ACTION_HISTORY_DAYS = 30;

/**
 * The scorecard reads as an action in the backend's actions registry, so
 * an AI assistant learns where a service stands against the platform's
 * standards, and what to fix, before it touches it.
 */
export function registerScorecardActions(
  actionsRegistry: ActionsRegistryService,
  scorecards: ScorecardService,
) {
  actionsRegistry.register({
    name: 'get-scorecard',
    title: 'Get a scorecard',
    description:
      "Where a component stands against the platform's standards: its level (Bronze, Silver, Gold by default), and every check with its outcome, evidence, why it matters and how to fix a failure, failing first. For a group (with its sub-groups) or a system: its components per level, each check's pass and fail counts, and each component with the checks it fails. From stored results, so it is cheap to call.",
    visibilityPermission: scorecardsReadPermission,
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: z =>
        z.object({
          entityRef: z
            .string()
            .max(255)
            .describe(
              'A component, group or system entity ref, e.g. component:default/checkout-service or group:default/payments.',
            ),
        }),
      output: z => z.object({ scorecard: z.record(z.string(), z.unknown()) }),
    },
    action: async ({ input, credentials }) => {
      let entityRef: string;
      try {
        // A bare name is a component, as the description says.
        entityRef = stringifyEntityRef(
          parseEntityRef(input.entityRef, {
            defaultKind: 'component',
            defaultNamespace: 'default',
          }),
        );
      } catch {
        throw new InputError(
          `entityRef '${input.entityRef}' is not an entity ref`,
        );
      }
      const scorecard = entityRef.startsWith('component:')
        ? await scorecards.entityScorecard(entityRef, credentials)
        : await scorecards.rollup(entityRef, ACTION_HISTORY_DAYS, credentials);
      return { output: { scorecard: { ...scorecard } } };
    },
  });
}

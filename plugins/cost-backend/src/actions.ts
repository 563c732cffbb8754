import type { PermissionsService } from '@backstage/backend-plugin-api';
import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import type { z as zod } from 'zod/v3';
import { canonicalRef } from './router';
import { authorizeCostRead } from './service/CostAccess';
import { type CostService, parseWindow } from './service/CostService';

/**
 * The cost reads as actions in the backend's actions registry, so AI
 * assistants can ask for cost through MCP. `cost.read` is a resource
 * permission (checked per entity) and the registry only takes basic
 * permissions for visibility, so each call is authorised like the router's
 * reads, through the same function.
 */
export function registerCostActions(
  actionsRegistry: ActionsRegistryService,
  permissions: PermissionsService,
  cost: CostService,
) {
  const window = (z: typeof zod) => ({
    from: z
      .string()
      .optional()
      .describe(
        'First day, YYYY-MM-DD (UTC). Default: 30 days before `to`. At most 731 days before `to`.',
      ),
    to: z
      .string()
      .optional()
      .describe('Day after the last one, YYYY-MM-DD. Default: today.'),
  });

  actionsRegistry.register({
    name: 'get-entity-cost',
    title: 'Get the cost of a catalog entity',
    description:
      'Cost of a component, system or team (group) over a window: total, direct and distributed (idle and shared) parts, breakdown by category, daily or monthly series, cost per request, efficiency, budget and month-end forecast, anomalies and reconciliation with the bill. Omit entityRef for the whole organisation (admins only). Amounts are in `currency`.',
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: z =>
        z.object({
          entityRef: z
            .string()
            .optional()
            .describe(
              'e.g. component:default/checkout or group:default/payments',
            ),
          granularity: z.enum(['day', 'month']).optional(),
          ...window(z),
        }),
      output: z => z.object({ cost: z.record(z.string(), z.unknown()) }),
    },
    action: async ({ input, credentials }) => {
      const ref = input.entityRef ? canonicalRef(input.entityRef) : undefined;
      const range = parseWindow(input);
      await authorizeCostRead(permissions, credentials, ref);
      const scope = ref ? await cost.resolve(ref, credentials) : undefined;
      const result = await cost.entityCost({
        scope,
        window: range,
        granularity: input.granularity ?? 'day',
      });
      return { output: { cost: { ...result } } };
    },
  });

  actionsRegistry.register({
    name: 'get-cost-rankings',
    title: "Rank a team's or system's components by cost",
    description:
      'The components of a group (including its sub-groups) or system ranked by cost in the window and by change against the window of the same length before it.',
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: z =>
        z.object({
          entityRef: z
            .string()
            .describe('A group or system, e.g. group:default/payments'),
          ...window(z),
        }),
      output: z => z.object({ rankings: z.record(z.string(), z.unknown()) }),
    },
    action: async ({ input, credentials }) => {
      const ref = canonicalRef(input.entityRef);
      const range = parseWindow(input);
      await authorizeCostRead(permissions, credentials, ref);
      const rankings = await cost.rankings(
        await cost.resolve(ref, credentials),
        range,
      );
      return { output: { rankings: { ...rankings } } };
    },
  });
}

import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import type { z as zod } from 'zod/v3';
import { doraMetricsReadPermission } from '@paved/plugin-dora-common';
import type { DoraMetricsService } from './service/DoraMetricsService';

/**
 * The DORA reads as actions in the backend's actions registry, so AI
 * assistants can ask for delivery metrics through MCP.
 */
export function registerDoraActions(
  actionsRegistry: ActionsRegistryService,
  metrics: DoraMetricsService,
) {
  const scope = (z: typeof zod) => ({
    entityRef: z
      .string()
      .optional()
      .describe(
        'A component, system or group entity ref, e.g. group:default/payments. Omit for the whole organisation.',
      ),
    from: z
      .string()
      .optional()
      .describe('Window start, ISO-8601. Default: 30 days before `to`.'),
    to: z
      .string()
      .optional()
      .describe('Window end (exclusive), ISO-8601. Default: now.'),
    environment: z.string().optional().describe('Default: production.'),
  });

  actionsRegistry.register({
    name: 'get-dora-metrics',
    title: 'Get DORA metrics',
    description:
      'The five DORA metrics (deployment frequency, change lead time, change fail rate, failed deployment recovery time, deployment rework rate) for a component, system, team or the organisation. Durations are in seconds, rates are fractions.',
    visibilityPermission: doraMetricsReadPermission,
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: z => z.object(scope(z)),
      output: z => z.object({ metrics: z.record(z.string(), z.unknown()) }),
    },
    action: async ({ input }) => ({
      output: { metrics: await metrics.metrics(input) },
    }),
  });

  actionsRegistry.register({
    name: 'list-dora-deployments',
    title: 'List the deployments behind DORA metrics',
    description:
      'Each deployment in the window with the changes it delivered and their lead times, whether it failed and which rule said so, its recovery time and whether it was rework. Newest first, at most 100.',
    visibilityPermission: doraMetricsReadPermission,
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: z => z.object(scope(z)),
      output: z =>
        z.object({
          totalItems: z.number(),
          deployments: z.array(z.record(z.string(), z.unknown())),
        }),
    },
    action: async ({ input }) => {
      const rows = await metrics.deployments(input);
      return {
        output: { totalItems: rows.length, deployments: rows.slice(0, 100) },
      };
    },
  });
}

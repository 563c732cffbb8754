import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import type { z as zod } from 'zod/v3';
import {
  DORA_DEFAULT_WINDOW_DAYS,
  DORA_MAX_WINDOW_DAYS,
  doraMetricsReadPermission,
} from '@paved/plugin-dora-common';
import type { DoraMetricsService } from './service/DoraMetricsService';

/** How many deployments one action call returns. */
const ACTION_PAGE_SIZE = 100;

/**
 * The DORA reads as actions in the backend's actions registry, so AI
 * assistants can ask for delivery metrics through MCP. They run with the
 * caller's credentials and go through the same checks as the HTTP API.
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
      .describe(
        `Window start, an ISO-8601 timestamp with an offset, e.g. 2026-10-01T00:00:00Z. Default: ${DORA_DEFAULT_WINDOW_DAYS} days before \`to\`. At most ${DORA_MAX_WINDOW_DAYS} days before \`to\`.`,
      ),
    to: z
      .string()
      .optional()
      .describe(
        'Window end (exclusive), an ISO-8601 timestamp with an offset. Default: now.',
      ),
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
    action: async ({ input, credentials }) => ({
      output: { metrics: await metrics.metrics(input, credentials) },
    }),
  });

  actionsRegistry.register({
    name: 'get-ai-split',
    title: 'Compare AI-assisted changes with the others',
    description:
      'Whether AI-assisted changes (pull-request label ai-assisted, or a commit with an Assisted-by: trailer) ship faster or break more than the others, for a component, system, team or the organisation: how many of each, their change lead time (seconds), and the change fail and rework rates (fractions) of the deployments carrying each kind, with the counts.',
    visibilityPermission: doraMetricsReadPermission,
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: z => z.object(scope(z)),
      output: z => z.object({ split: z.record(z.string(), z.unknown()) }),
    },
    action: async ({ input, credentials }) => ({
      output: { split: { ...(await metrics.aiSplit(input, credentials)) } },
    }),
  });

  actionsRegistry.register({
    name: 'list-dora-deployments',
    title: 'List the deployments behind DORA metrics',
    description: `Each deployment in the window with the changes it delivered and their lead times, whether it failed and which rule said so, its recovery time and whether it was rework. Newest first, at most ${ACTION_PAGE_SIZE}; pass \`cursor\` from the answer for more.`,
    visibilityPermission: doraMetricsReadPermission,
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: z =>
        z.object({
          ...scope(z),
          cursor: z
            .string()
            .optional()
            .describe(
              'The nextCursor of an earlier answer, for the next page.',
            ),
        }),
      output: z =>
        z.object({
          totalItems: z.number(),
          deployments: z.array(z.record(z.string(), z.unknown())),
          nextCursor: z.string().optional(),
        }),
    },
    action: async ({ input, credentials }) => {
      const page = await metrics.deploymentPage(
        { ...input, limit: String(ACTION_PAGE_SIZE) },
        credentials,
      );
      return {
        output: {
          totalItems: page.totalItems,
          deployments: page.items,
          ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
        },
      };
    },
  });
}

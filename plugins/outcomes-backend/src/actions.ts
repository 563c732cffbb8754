import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import type { OutcomesService } from './service/OutcomesService';
import { parseOutcomesQuery } from './service/window';

/**
 * The outcomes read as an action in the backend's actions registry
 * (`outcomes:get-outcomes` over MCP). Like the HTTP route it asks the DORA
 * and cost APIs with the caller's credentials, so it shows an assistant
 * exactly what the caller may see.
 */
export function registerOutcomesActions(
  actionsRegistry: ActionsRegistryService,
  outcomes: OutcomesService,
) {
  actionsRegistry.register({
    name: 'get-outcomes',
    title: 'Get delivery outcomes: speed, stability and cost',
    description:
      'For a component, system, group (with sub-groups) or the whole organisation: change lead time, deployment frequency, failed deployment recovery time and cost, with change fail rate and deployment rework rate as guardrails, each with the previous window and the change; cost per deployment, per change and per request; a weekly time axis; and signals in words (speed hiding instability, cost outpacing delivery, recovery slipping, silent services, improvements), each naming its rule and evidence. Windows are whole UTC days (YYYY-MM-DD, to exclusive, at most 366 days; default the last 30 days).',
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: z =>
        z.object({
          entityRef: z
            .string()
            .optional()
            .describe(
              'A component, system or group entity ref, e.g. group:default/payments; omit for the organisation.',
            ),
          from: z
            .string()
            .optional()
            .describe('First day of the window, YYYY-MM-DD (UTC).'),
          to: z
            .string()
            .optional()
            .describe('The day after the last day of the window, YYYY-MM-DD.'),
          environment: z
            .string()
            .optional()
            .describe('The delivery environment; default production.'),
        }),
      output: z => z.object({ outcomes: z.record(z.string(), z.unknown()) }),
    },
    action: async ({ input, credentials }) => {
      const query = parseOutcomesQuery(
        Object.fromEntries(
          Object.entries(input).filter(([, value]) => value !== undefined),
        ),
      );
      const result = await outcomes.outcomes(query, credentials);
      return { output: { outcomes: { ...result } } };
    },
  });
}

import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { parseEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { kubeStatusReadPermission } from '@paved/plugin-kube-status-common';
import type { KubeStatusService } from './service/KubeStatusService';

/**
 * The status reads as an action in the backend's actions registry, so AI
 * assistants can ask through MCP what runs and what fails.
 */
export function registerKubeStatusActions(
  actionsRegistry: ActionsRegistryService,
  status: KubeStatusService,
) {
  actionsRegistry.register({
    name: 'get-kube-status',
    title: 'Get the live Kubernetes status',
    description:
      'The live Kubernetes status of a component (its workloads with health, replicas, rollout state and history, failing pods with a suggested fix, golden-path checks), or of every component of a group (including sub-groups) or system. Served from a watch cache, so it is cheap to call.',
    visibilityPermission: kubeStatusReadPermission,
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: z =>
        z.object({
          entityRef: z
            .string()
            .describe(
              'A component, group or system entity ref, e.g. component:default/checkout-service or group:default/payments.',
            ),
        }),
      output: z => z.object({ status: z.record(z.string(), z.unknown()) }),
    },
    action: async ({ input, credentials }) => {
      let kind: string;
      try {
        kind = parseEntityRef(input.entityRef, {
          defaultKind: 'component',
        }).kind.toLocaleLowerCase('en-US');
      } catch (error) {
        throw new InputError(
          `entityRef '${input.entityRef}' is not an entity ref`,
        );
      }
      const result =
        kind === 'component'
          ? await status.entityStatus(input.entityRef, credentials)
          : await status.teamStatus(input.entityRef, credentials);
      return { output: { status: { ...result } } };
    },
  });
}

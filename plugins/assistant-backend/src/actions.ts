import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import type { ChangeValidator } from './service/ChangeValidator';
import { MAX_FILES } from './service/ChangeValidator';

/**
 * The assistant's actions in the backend's actions registry, exposed to
 * MCP clients as `assistant.<name>` tools; each runs with the calling
 * user's credentials.
 */
export function registerAssistantActions(
  actionsRegistry: ActionsRegistryService,
  services: { validator: ChangeValidator },
) {
  actionsRegistry.register({
    name: 'validate-change',
    title: 'Check a change against the golden paths',
    description:
      "Checks a change to a component's repository against the platform's golden-path guardrails before you open a pull request: Kubernetes manifests (resource requests and limits, probes, non-root, pinned images, the backstage.io/kubernetes-id label), catalog-info.yaml (required annotations, an owner that exists), secrets written into files, and CI workflows that report deployments. Send whole files (path and full content) or a unified diff (git diff); files a diff only modifies are checked for secrets in their added lines, so send manifests whole. Answers each finding with its file, line and what to do; passed is true when there is none. Fix every finding before opening the pull request: the same check runs on it.",
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: z =>
        z.object({
          files: z
            .array(
              z.object({
                path: z
                  .string()
                  .min(1)
                  .max(1024)
                  .describe(
                    'Path in the repository, e.g. k8s/base/deployment.yaml',
                  ),
                content: z
                  .string()
                  .max(524_288)
                  .describe('The whole file after the change'),
              }),
            )
            .max(MAX_FILES)
            .optional()
            .describe('Whole files after the change'),
          diff: z
            .string()
            .max(2_097_152)
            .optional()
            .describe('A unified diff of the change (git diff)'),
        }),
      output: z =>
        z.object({
          passed: z.boolean(),
          findings: z.array(
            z.object({
              check: z.string(),
              file: z.string(),
              line: z.number().optional(),
              message: z.string(),
            }),
          ),
          checked: z.array(z.string()),
          addedLinesOnly: z.array(z.string()),
        }),
    },
    action: async ({ input, credentials }) => ({
      output: await services.validator.validate(input, credentials),
    }),
  });
}

import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import type { ChangeValidator } from './service/ChangeValidator';
import { MAX_FILES } from './service/ChangeValidator';
import { MAX_RESULTS, type PortalReads } from './service/PortalReads';
import type { ServiceContext } from './service/ServiceContext';
import type { GoldenPathStandards } from './service/GoldenPathStandards';

/**
 * The assistant's actions in the backend's actions registry, exposed to
 * MCP clients as `assistant.<name>` tools; each runs with the calling
 * user's credentials.
 */
export function registerAssistantActions(
  actionsRegistry: ActionsRegistryService,
  services: {
    validator: ChangeValidator;
    reads: PortalReads;
    context: ServiceContext;
    standards: GoldenPathStandards;
  },
) {
  actionsRegistry.register({
    name: 'get-golden-path-standards',
    title: 'Get the golden paths and the standards',
    description:
      "The platform's standards an assistant must follow: the golden-path templates (what kind of service each is for, what it asks, its current version and where to start it), the best fit for a kind of service when you describe one, the guardrails every change must pass (the same rules validate-change and every pull request check), the catalog annotations every service carries, and the scorecard levels with their checks. Read it before creating a service or changing its manifests, workflows or catalog-info.yaml.",
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: z =>
        z.object({
          kindOfService: z
            .string()
            .max(200)
            .optional()
            .describe(
              'The service you want, e.g. "python http api" or "typescript service"; ranks the templates',
            ),
        }),
      output: z => z.object({ standards: z.record(z.string(), z.unknown()) }),
    },
    action: async ({ input, credentials }) => ({
      output: {
        standards: await services.standards.standards(input, credentials),
      },
    }),
  });

  actionsRegistry.register({
    name: 'get-service-context',
    title: 'Get the briefing on a service',
    description:
      'Everything to know before touching a service, in one call: its owner (with how to reach them), system, the APIs it provides and consumes and what it depends on, its links, repository and docs (read them with get-doc-page), the golden path and version it was created from against the current one, its running workloads in Kubernetes with their health and failing live checks, its delivery (DORA metrics over 30 days: deployments per day, lead time, change fail rate, recovery time, rework rate, each with its band), its cost over 30 days against its budget, and its scorecard level with the failing checks and their fixes. A part the user may not read, or whose source is down, says why instead.',
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: z =>
        z.object({
          entityRef: z
            .string()
            .min(1)
            .max(255)
            .describe(
              'The service, e.g. component:default/checkout-service or checkout-service',
            ),
        }),
      output: z => z.object({ context: z.record(z.string(), z.unknown()) }),
    },
    action: async ({ input, credentials }) => ({
      output: {
        context: await services.context.of(input.entityRef, credentials),
      },
    }),
  });

  actionsRegistry.register({
    name: 'search',
    title: 'Search the docs and the catalog',
    description:
      'Searches the developer portal as its search page does: the TechDocs of every service (architecture, runbooks, decisions) and the software catalog (services, APIs, teams, systems). Answers each hit with its title, a snippet, its portal URL and, for docs, the entityRef and docPath to read the whole page with get-doc-page. Only what the signed-in user may see is found.',
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: z =>
        z.object({
          term: z
            .string()
            .min(1)
            .max(200)
            .describe('What to look for, e.g. "checkout runbook alerts"'),
          types: z
            .array(z.enum(['techdocs', 'software-catalog']))
            .optional()
            .describe(
              'Only docs (techdocs) or only the catalog; both by default',
            ),
          limit: z
            .number()
            .int()
            .min(1)
            .max(MAX_RESULTS)
            .optional()
            .describe('How many hits, 10 by default'),
        }),
      output: z =>
        z.object({
          results: z.array(
            z.object({
              type: z.string(),
              title: z.string(),
              text: z.string(),
              url: z.string(),
              entityRef: z.string().optional(),
              docPath: z.string().optional(),
            }),
          ),
        }),
    },
    action: async ({ input, credentials }) => ({
      output: { results: await services.reads.search(input, credentials) },
    }),
  });

  actionsRegistry.register({
    name: 'get-doc-page',
    title: 'Read a docs page',
    description:
      "Reads one page of a service's TechDocs as plain text, section by section, with the list of the site's other pages. Give the entity (e.g. component:default/checkout-service) and the page's path in its site (empty for the home page, runbook/ for the runbook; search answers docPath). The docs are what the service's team wrote next to its code: read them before changing the service.",
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: z =>
        z.object({
          entityRef: z
            .string()
            .min(1)
            .max(255)
            .describe(
              'The entity whose docs to read, e.g. component:default/checkout-service',
            ),
          path: z
            .string()
            .max(1024)
            .optional()
            .describe(
              'The page in the site, e.g. runbook/; the home page by default',
            ),
        }),
      output: z =>
        z.object({
          entityRef: z.string(),
          path: z.string(),
          title: z.string(),
          url: z.string(),
          sections: z.array(
            z.object({
              title: z.string(),
              anchor: z.string(),
              text: z.string(),
            }),
          ),
          pages: z.array(z.object({ path: z.string(), title: z.string() })),
          truncated: z.boolean(),
        }),
    },
    action: async ({ input, credentials }) => ({
      output: await services.reads.docPage(
        input.entityRef,
        input.path ?? '',
        credentials,
      ),
    }),
  });

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

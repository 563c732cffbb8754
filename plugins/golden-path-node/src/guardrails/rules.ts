import { REQUIRED_ANNOTATIONS } from './catalogInfo';
import type { GuardrailCheck } from './types';

/**
 * The guardrails as rules a person or an assistant reads before writing a
 * change: what each check asks, in the words of its findings.
 */
export const GUARDRAIL_RULES: Array<{ check: GuardrailCheck; rule: string }> = [
  {
    check: 'kubernetes',
    rule: 'Every container of a Deployment, StatefulSet, DaemonSet, Job or CronJob sets cpu and memory resources.requests and resources.limits.',
  },
  {
    check: 'kubernetes',
    rule: 'Every container of a long-running workload has a readinessProbe and a livenessProbe.',
  },
  {
    check: 'kubernetes',
    rule: 'Containers run as non-root: securityContext.runAsNonRoot: true on the container or the pod.',
  },
  {
    check: 'kubernetes',
    rule: 'Images are pinned to a version tag or a digest, never untagged or :latest.',
  },
  {
    check: 'kubernetes',
    rule: 'The workload and its pod template carry the backstage.io/kubernetes-id label, with the same value, so the portal finds them.',
  },
  {
    check: 'catalog',
    rule: `catalog-info.yaml at the repository root describes the component with an owner that exists in the catalog and the annotations ${Object.keys(
      REQUIRED_ANNOTATIONS,
    ).join(', ')}.`,
  },
  {
    check: 'secrets',
    rule: 'No token, private key or password is written into a file: read secrets from the environment, which External Secrets fills from Vault.',
  },
  {
    check: 'workflows',
    rule: "A CI workflow reports each deployment to the portal's DORA event API (POST /api/dora/events), so delivery metrics count it.",
  },
];

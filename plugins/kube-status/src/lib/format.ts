import type { WorkloadHealth } from '@paved/plugin-kube-status-common';

/**
 * How the Workloads tabs and the status card write things, in one place so
 * they agree.
 */

export const healthLabels: Record<WorkloadHealth, string> = {
  failing: 'Failing',
  degraded: 'Degraded',
  unknown: 'Unknown',
  progressing: 'Progressing',
  healthy: 'Healthy',
};

/** "just now", "45 s ago", "12 min ago", "3 h ago", "2 d ago". */
export function formatRelative(iso: string, now: Date = new Date()): string {
  const seconds = Math.round((now.getTime() - Date.parse(iso)) / 1000);
  if (seconds < 5) return 'just now';
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86_400)} d ago`;
}

/**
 * The short name of an image, without its registry and path:
 * `ghcr.io/fernhill/checkout-service:1.4.2` -> `checkout-service:1.4.2`;
 * a digest is shortened to 12 characters.
 */
export function shortImage(image: string): string {
  const [withoutDigest, digest] = image.split('@');
  const name = withoutDigest.slice(withoutDigest.lastIndexOf('/') + 1);
  if (!digest) return name;
  return `${name}@${digest.replace(/^sha256:/, '').slice(0, 12)}`;
}

/** The tag (or short digest) of an image: what a developer calls its version. */
export function imageVersion(image: string): string {
  const short = shortImage(image);
  const at = short.indexOf('@');
  if (at >= 0) return short.slice(at + 1);
  const colon = short.lastIndexOf(':');
  return colon >= 0 ? short.slice(colon + 1) : 'latest';
}

/** Workloads without a `paved.dev/environment` label are grouped under this. */
export const NO_ENVIRONMENT = 'no environment';

export function environmentOf(workload: { environment?: string }): string {
  return workload.environment || NO_ENVIRONMENT;
}

/** Production first, then staging, then the others alphabetically. */
export function compareEnvironments(a: string, b: string): number {
  const rank = (e: string) => {
    if (e === 'production') return 0;
    if (e === 'staging') return 1;
    if (e === NO_ENVIRONMENT) return 3;
    return 2;
  };
  return rank(a) - rank(b) || a.localeCompare(b);
}

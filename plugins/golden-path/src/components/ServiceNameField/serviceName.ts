/**
 * The rule for a new service's name, in words. The name becomes the
 * repository, the catalog component, the Kubernetes objects and the cloud
 * resources' prefix, so it must be a DNS label with room for an
 * environment suffix. The template's JSON schema holds the rule (the
 * scaffolder refuses a bad name when the task is created); this says
 * which part of it a name breaks.
 */
export const SERVICE_NAME_MAX_LENGTH = 40;

export function serviceNameProblems(value: string | undefined): string[] {
  const name = value ?? '';
  if (name.length === 0) {
    return ['Give the service a name, e.g. order-router.'];
  }
  const problems: string[] = [];
  if (name.length < 2) {
    problems.push('Use at least 2 characters.');
  }
  if (name.length > SERVICE_NAME_MAX_LENGTH) {
    problems.push(
      `Use at most ${SERVICE_NAME_MAX_LENGTH} characters (it has ${name.length}); cloud resources add an environment suffix.`,
    );
  }
  if (/[A-Z]/.test(name)) {
    problems.push(
      `Use lowercase letters only: ${name.toLowerCase()} would do.`,
    );
  }
  const others = [...new Set(name.replace(/[a-zA-Z0-9-]/g, ''))];
  if (others.length > 0) {
    const shown = others.map(c => (c === ' ' ? 'spaces' : `"${c}"`));
    problems.push(
      `Use only letters, digits and hyphens: no ${shown.join(', ')}.`,
    );
  }
  if (!/^[a-zA-Z]/.test(name)) {
    problems.push('Start with a letter.');
  }
  if (!/[a-zA-Z0-9]$/.test(name)) {
    problems.push('End with a letter or a digit, not a hyphen.');
  }
  return problems;
}

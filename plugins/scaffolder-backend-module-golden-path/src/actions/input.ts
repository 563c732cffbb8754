import { InputError } from '@backstage/errors';
import { z } from 'zod/v3';

/**
 * Validates action input in the handler as well: the scaffolder checks it
 * against the JSON schema, but other callers (tests, the MCP actions
 * registry, other actions) may not.
 */
export function parseActionInput<T extends z.ZodTypeAny>(
  actionId: string,
  schema: T,
  input: unknown,
): z.output<T> {
  const result = schema.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues.map(
      issue => `${issue.path.join('.') || 'input'}: ${issue.message}`,
    );
    throw new InputError(
      `Invalid input to ${actionId}: ${problems.join('; ')}`,
    );
  }
  return result.data;
}

import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';

/**
 * The user behind the credentials, for writes only people make (requests,
 * decisions, campaigns); `refusal` says why anything else is refused.
 */
export function signedInUser(
  credentials: BackstageCredentials,
  refusal: string,
): string {
  const principal = credentials.principal as {
    type: string;
    userEntityRef?: string;
  };
  if (principal.type !== 'user' || !principal.userEntityRef) {
    throw new NotAllowedError(refusal);
  }
  return principal.userEntityRef;
}

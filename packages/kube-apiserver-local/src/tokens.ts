import { KubeStatus, kubeStatus } from './responses';
import { ResourceRequest } from './routes';

export interface TokenConfig {
  /** The user name in 403 messages; defaults to `paved-local`. */
  user?: string;
  /** Resources (plural, e.g. `pods`, or `pods/log`) this token may not read. */
  forbidden?: Array<{ resource: string }>;
}

/** The token of an `Authorization: Bearer` header, if it is a known one. */
export function tokenOf(
  authorization: string | undefined,
  tokens: Record<string, TokenConfig>,
): TokenConfig | undefined {
  const bearer = /^Bearer\s+(.+)$/i.exec(authorization ?? '');
  return bearer ? tokens[bearer[1].trim()] : undefined;
}

/**
 * The 403 Status for a request the token may not make, in the words of
 * Kubernetes' RBAC, or `undefined` when it is allowed.
 */
export function forbiddenStatus(
  token: TokenConfig,
  request: ResourceRequest,
  watch: boolean,
): KubeStatus | undefined {
  const { type, namespace, name, subresource } = request;
  const plural = type.plural;
  const resource = subresource ? `${plural}/${subresource}` : plural;
  const denied = token.forbidden?.some(
    f => f.resource === resource || (f.resource === plural && !subresource),
  );
  if (!denied) return undefined;
  let verb = watch ? 'watch' : 'list';
  if (name) verb = 'get';
  const user = token.user ?? 'paved-local';
  const scope = namespace
    ? `in the namespace "${namespace}"`
    : 'at the cluster scope';
  const subject = name ? `${plural} "${name}"` : plural;
  return kubeStatus(
    403,
    'Forbidden',
    `${subject} is forbidden: User "${user}" cannot ${verb} resource "${resource}" in API group "${type.group}" ${scope}`,
    {
      ...(name ? { name } : {}),
      ...(type.group ? { group: type.group } : {}),
      kind: plural,
    },
  );
}

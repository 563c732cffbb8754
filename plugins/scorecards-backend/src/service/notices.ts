import type { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import type { NotificationService } from '@backstage/plugin-notifications-node';

/** Where a component's scorecard is, in the portal. */
export function scorecardLink(entityRef: string): string {
  const { kind, namespace, name } = parseEntityRef(entityRef);
  return `/catalog/${namespace}/${kind.toLocaleLowerCase(
    'en-US',
  )}/${name}/scorecard`;
}

/** One notice of the scorecards, to entities (a component's owners, a group's members). */
export type Notice = {
  entityRefs: string[];
  title: string;
  description: string;
  severity: 'high' | 'normal';
  link: string;
  topic: string;
  /** Names what the notice is about and its step, so sending it twice updates the first. */
  scope: string;
};

/**
 * Sends a notice through Backstage notifications. What it tells of is
 * stored and audited already: a notice that cannot go out is logged, not
 * a failed request or pass.
 */
export async function deliver(
  notifications: NotificationService,
  logger: LoggerService,
  notice: Notice,
) {
  if (notice.entityRefs.length === 0) return;
  try {
    await notifications.send({
      recipients: { type: 'entity', entityRef: notice.entityRefs },
      payload: {
        title: notice.title,
        description: notice.description,
        severity: notice.severity,
        link: notice.link,
        topic: notice.topic,
        scope: notice.scope,
      },
    });
  } catch (error) {
    logger.warn(`Could not send the notice ${notice.scope}: ${error}`);
  }
}

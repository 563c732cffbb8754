import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { useApi } from '@backstage/frontend-plugin-api';
import { Button, Flex, Skeleton, Text } from '@backstage/ui';
import { RiCheckLine, RiFileCopyLine } from '@remixicon/react';
import type { Entity } from '@backstage/catalog-model';
import { helpStyles } from '@paved/portal-ui';
import { doraApiRef } from '../../api';

export const GITHUB_SLUG_ANNOTATION = 'github.com/project-slug';
export const DORA_SERVICE_ANNOTATION = 'paved.dev/dora-service';

/** A POST of one deployment event, exactly as a pipeline would send it. */
export function curlCommand(options: {
  eventsUrl: string;
  service: string;
  environment: string;
  now: Date;
}): string {
  const finishedAt = new Date(options.now);
  finishedAt.setSeconds(0, 0);
  const startedAt = new Date(finishedAt.getTime() - 6 * 60_000);
  const event = {
    type: 'deployment',
    id: 'ci-run-1234',
    service: options.service,
    environment: options.environment,
    status: 'success',
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    commitSha: '3f2c9e1a7b',
    commits: ['3f2c9e1a7b'],
  };
  // One event, one field a line; the short array stays on its line.
  const body = `{"events": [${JSON.stringify(event, null, 2).replace(
    /\[\n\s+("[^"]*")\n\s+\]/g,
    '[$1]',
  )}]}`;
  return [
    `curl -X POST "${options.eventsUrl}" \\`,
    `  -H "Authorization: Bearer $PAVED_CI_TOKEN" \\`,
    `  -H "Content-Type: application/json" \\`,
    `  -d @- <<'EOF'`,
    body,
    'EOF',
  ].join('\n');
}

const CopyButton = ({ text }: { text: string }) => {
  const [copied, setCopied] = useState(false);
  if (typeof navigator === 'undefined' || !navigator.clipboard) return null;
  return (
    <Button
      size="small"
      variant="tertiary"
      iconStart={copied ? <RiCheckLine /> : <RiFileCopyLine />}
      onPress={() =>
        navigator.clipboard.writeText(text).then(() => setCopied(true))
      }
    >
      {copied ? 'Copied' : 'Copy'}
    </Button>
  );
};

/**
 * How to get events in: the exact call a pipeline makes for this scope,
 * and the GitHub route. Shown instead of a wall of zeros.
 */
export const SendEventsHelp = ({
  title,
  service,
  environment,
  entity,
}: {
  title: string;
  /** The `service` of the sample event: a component's entity ref. */
  service: string;
  environment: string;
  /** The component, when the scope is one, to check its annotations. */
  entity?: Entity;
}) => {
  const doraApi = useApi(doraApiRef);
  const [now] = useState(() => new Date());
  const { value: eventsUrl } = useAsync(
    () => doraApi.getEventsUrl(),
    [doraApi],
  );
  const command = eventsUrl
    ? curlCommand({ eventsUrl, service, environment, now })
    : undefined;
  const slug = entity?.metadata.annotations?.[GITHUB_SLUG_ANNOTATION];

  return (
    <div
      className={helpStyles.help}
      role="region"
      aria-label="How to send delivery events"
    >
      <Text as="h3" variant="title-x-small">
        {title}
      </Text>
      <Text as="p" color="secondary">
        Delivery metrics are computed from the deployment, change and incident
        events your pipelines send. Send them from CI, or let the GitHub
        integration send them.
      </Text>

      <Flex direction="column" gap="2">
        <Flex justify="between" align="center">
          <Text as="h4" variant="body-medium" weight="bold">
            From CI: after each deployment
          </Text>
          {command && <CopyButton text={command} />}
        </Flex>
        {command ? (
          <pre className={helpStyles.code} aria-label="Sample deployment event">
            {command}
          </pre>
        ) : (
          <Skeleton width="100%" height={220} />
        )}
        <Text as="p" variant="body-small" color="secondary">
          Use an external access token for <code>$PAVED_CI_TOKEN</code>. Send{' '}
          <code>change</code> events (sha, authoredAt) for lead time and{' '}
          <code>incident</code> events for fail rate and recovery time; see the
          DORA plugin README for every field.
        </Text>
      </Flex>

      <Text as="h4" variant="body-medium" weight="bold">
        From GitHub
      </Text>
      {slug ? (
        <Text as="p" variant="body-small">
          This component is annotated{' '}
          <code>
            {GITHUB_SLUG_ANNOTATION}: {slug}
          </code>
          , so deployment statuses, merged pull requests and incident issues
          from that repository count here once its webhook points at the portal
          or the GitHub poller is on.
        </Text>
      ) : (
        <>
          <Text as="p" variant="body-small">
            Annotate the component with its repository; deployment statuses,
            merged pull requests and incident issues from it then count here:
          </Text>
          <pre className={helpStyles.code} aria-label="GitHub annotation">
            {`metadata:\n  annotations:\n    ${GITHUB_SLUG_ANNOTATION}: <owner>/<repository>`}
          </pre>
        </>
      )}
      <Text as="p" variant="body-small" color="secondary">
        If your pipeline calls the service something other than its entity ref
        or name, annotate the component with{' '}
        <code>{DORA_SERVICE_ANNOTATION}: &lt;the name it sends&gt;</code>.
      </Text>
    </div>
  );
};

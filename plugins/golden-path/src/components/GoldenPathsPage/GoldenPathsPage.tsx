import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import {
  discoveryApiRef,
  fetchApiRef,
  useApi,
} from '@backstage/frontend-plugin-api';
import {
  Alert,
  Button,
  ButtonLink,
  Card,
  CardBody,
  CardHeader,
  Container,
  Flex,
  Link,
  Skeleton,
  Text,
} from '@backstage/ui';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import type { Entity } from '@backstage/catalog-model';
import { catalogApiRef, EntityRefLink } from '@backstage/plugin-catalog-react';
import { DefaultApiClient as ScorecardsClient } from '@paved/plugin-scorecards-common';
import { formatDay } from '@paved/portal-ui';
import {
  goldenPaths,
  SOURCE_TEMPLATE_ANNOTATION,
  TEMPLATE_ANNOTATION,
  upgradeCampaignOf,
  upgradeHref,
  upgradeTemplateOf,
  type GoldenPath,
  type UpgradeCampaign,
} from '../../lib/templates';
import styles from './GoldenPathsPage.module.css';

/**
 * The scorecards' campaigns; none when they cannot be read (the page is
 * about the paths, a campaign link is extra).
 */
async function campaignsOf(scorecards: ScorecardsClient) {
  try {
    const answer = await scorecards.listCampaigns({});
    return answer.ok ? (await answer.json()).campaigns : [];
  } catch {
    return [];
  }
}

function useGoldenPaths() {
  const catalogApi = useApi(catalogApiRef);
  const discoveryApi = useApi(discoveryApiRef);
  const fetchApi = useApi(fetchApiRef);
  return useAsyncRetry(async () => {
    const scorecards = new ScorecardsClient({ discoveryApi, fetchApi });
    const [templates, components, campaigns] = await Promise.all([
      catalogApi.getEntities({ filter: { kind: 'Template' } }),
      catalogApi.getEntities({
        filter: [
          {
            kind: 'Component',
            [`metadata.annotations.${TEMPLATE_ANNOTATION}`]:
              CATALOG_FILTER_EXISTS,
          },
          {
            kind: 'Component',
            [`metadata.annotations.${SOURCE_TEMPLATE_ANNOTATION}`]:
              CATALOG_FILTER_EXISTS,
          },
        ],
      }),
      campaignsOf(scorecards),
    ]);
    return {
      paths: goldenPaths(templates.items, components.items),
      upgradeTemplate: upgradeTemplateOf(templates.items),
      campaigns: campaigns as UpgradeCampaign[],
    };
  }, [catalogApi, discoveryApi, fetchApi]);
}

const PathCard = ({
  path,
  upgradeTemplate,
  campaign,
}: {
  path: GoldenPath;
  upgradeTemplate: Entity | undefined;
  campaign: UpgradeCampaign | undefined;
}) => {
  const { template } = path;
  const behind = path.components.filter(c => c.behind).length;
  const title = template.metadata.title ?? template.metadata.name;
  return (
    <section aria-label={title} className={styles.card}>
      <Card>
        <CardHeader>
          <Flex justify="between" align="start" gap="4">
            <div>
              <Flex align="center" gap="2">
                <Text as="h2" variant="title-x-small">
                  {title}
                </Text>
                {path.version && (
                  <span className={styles.version}>v{path.version}</span>
                )}
              </Flex>
              {template.metadata.description && (
                <Text as="p" variant="body-small" color="secondary">
                  {template.metadata.description}
                </Text>
              )}
            </div>
            <ButtonLink
              variant="primary"
              href={`/create/templates/${
                template.metadata.namespace ?? 'default'
              }/${template.metadata.name}`}
            >
              Create
            </ButtonLink>
          </Flex>
        </CardHeader>
        <CardBody>
          <Text as="p" variant="body-small">
            {path.components.length === 0
              ? 'No component has been created from this path yet.'
              : `${path.components.length} component${
                  path.components.length === 1 ? '' : 's'
                } created from this path; ${
                  behind === 0
                    ? 'all on the current version.'
                    : `${behind} behind the current version.`
                }`}
          </Text>
          {path.components.length > 0 && (
            <table className={styles.table}>
              <thead>
                <tr>
                  <th scope="col">Component</th>
                  <th scope="col">Owner</th>
                  <th scope="col">Created from</th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {path.components.map(c => (
                  <tr key={c.entityRef}>
                    <td>
                      <EntityRefLink entityRef={c.entity} />
                    </td>
                    <td>
                      {c.owner ? <EntityRefLink entityRef={c.owner} /> : '—'}
                    </td>
                    <td>{c.version ? `v${c.version}` : 'unknown version'}</td>
                    <td>
                      {c.behind ? (
                        <Flex align="center" gap="2">
                          <span className={styles.behind}>
                            Behind v{path.version}
                          </span>
                          {upgradeTemplate && c.upgradable && (
                            <Link
                              href={upgradeHref(upgradeTemplate, c.entityRef)}
                              aria-label={`Upgrade ${c.entity.metadata.name} to v${path.version}`}
                            >
                              Upgrade
                            </Link>
                          )}
                          {campaign && (
                            <Link
                              href={`/scorecards/campaigns/${campaign.id}`}
                              aria-label={`Campaign ${
                                campaign.title
                              }, due ${formatDay(campaign.deadline)}`}
                            >
                              Campaign, due {formatDay(campaign.deadline)}
                            </Link>
                          )}
                        </Flex>
                      ) : (
                        <span className={styles.current}>Current</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </CardBody>
      </Card>
    </section>
  );
};

/**
 * The golden paths: each template with its current version, the
 * components created from it, and which of them are behind.
 */
export const GoldenPathsPage = () => {
  const { value, loading, error, retry } = useGoldenPaths();
  return (
    <Container className={styles.page}>
      <Text as="p" color="secondary" className={styles.intro}>
        Each golden path creates a service with code, CI/CD, infrastructure,
        Kubernetes manifests, telemetry, secrets and docs that pass the
        platform’s checks. Components created from an older version of a path
        are listed as behind.
      </Text>
      {loading && (
        <Flex direction="column" gap="4">
          <Skeleton height={160} />
          <Skeleton height={160} />
        </Flex>
      )}
      {error && (
        <Alert
          status="danger"
          title={`Could not load the golden paths: ${error.message}`}
          customActions={<Button onPress={retry}>Retry</Button>}
        />
      )}
      {value && value.paths.length === 0 && (
        <Card>
          <CardBody>
            <Text as="h2" variant="title-x-small">
              No golden paths are registered
            </Text>
            <Text as="p" variant="body-small">
              Golden paths are software templates in the catalog. Paved’s own
              live in the repository’s <code>templates/</code> directory and are
              registered by the catalog location <code>templates/all.yaml</code>
              ; add that location (or your own) under{' '}
              <code>catalog.locations</code> with a rule allowing{' '}
              <code>Template</code>.
            </Text>
          </CardBody>
        </Card>
      )}
      {value && value.paths.length > 0 && (
        <Flex direction="column" gap="4">
          {value.paths.map(path => (
            <PathCard
              key={path.templateRef}
              path={path}
              upgradeTemplate={value.upgradeTemplate}
              campaign={upgradeCampaignOf(path.templateRef, value.campaigns)}
            />
          ))}
        </Flex>
      )}
    </Container>
  );
};

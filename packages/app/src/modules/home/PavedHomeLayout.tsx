import { Fragment } from 'react';
import {
  ButtonLink,
  Card,
  CardBody,
  CardFooter,
  Flex,
  Grid,
  Text,
} from '@backstage/ui';
import { Content } from '@backstage/core-components';
import { HomePageSearchBar } from '@backstage/plugin-search';
import { SearchContextProvider } from '@backstage/plugin-search-react';
import type { HomePageLayoutProps } from '@backstage/plugin-home-react/alpha';
import {
  RiBookOpenLine,
  RiCompass3Line,
  RiPulseLine,
  RiRocket2Line,
} from '@remixicon/react';
import { LogoIcon } from '../nav/LogoIcon';
import { YourTeams } from './YourTeams';
import styles from './PavedHomeLayout.module.css';

const journeys = [
  {
    title: 'Find a service',
    text: 'Every service, website, library, API and resource, with its owner, its dependencies and the APIs it provides.',
    href: '/catalog',
    action: 'Browse the catalog',
    icon: <RiCompass3Line aria-hidden />,
  },
  {
    title: 'Create a service',
    text: 'Start from a golden path: code, CI/CD, Terraform, Kubernetes, telemetry, secrets and docs, safe by default.',
    href: '/create',
    action: 'Choose a golden path',
    icon: <RiRocket2Line aria-hidden />,
  },
  {
    title: 'Read the docs',
    text: 'Documentation lives next to the code and is built here: overviews, runbooks and architecture decisions.',
    href: '/docs',
    action: 'Open TechDocs',
    icon: <RiBookOpenLine aria-hidden />,
  },
  {
    title: 'See how your team ships',
    text: "Your team's page gathers the services it owns; delivery metrics (DORA), cost and workload health are keyed off it.",
    href: '/catalog?filters[kind]=group',
    action: 'Find your team',
    icon: <RiPulseLine aria-hidden />,
  },
];

/** Paved's landing page: search front and centre, then the main journeys. */
export const PavedHomeLayout = ({ widgets }: HomePageLayoutProps) => (
  <Content>
    <section className={styles.hero} aria-labelledby="paved-home-title">
      <Flex align="center" gap="3">
        <LogoIcon />
        <Text as="h1" variant="title-large" id="paved-home-title">
          Paved
        </Text>
      </Flex>
      <Text as="p" variant="body-large" color="secondary">
        One paved road from an idea to a service running in production.
      </Text>
      <div className={styles.search}>
        <SearchContextProvider>
          <HomePageSearchBar placeholder="Search services, APIs, teams and docs" />
        </SearchContextProvider>
      </div>
    </section>

    <Grid.Root columns={{ initial: '1', sm: '2', lg: '4' }} gap="4">
      {journeys.map(journey => (
        <Card key={journey.title} className={styles.journey}>
          <CardBody>
            <Flex direction="column" gap="2">
              <span className={styles.journeyIcon}>{journey.icon}</span>
              <Text as="h2" variant="title-small">
                {journey.title}
              </Text>
              <Text as="p" variant="body-medium" color="secondary">
                {journey.text}
              </Text>
            </Flex>
          </CardBody>
          <CardFooter>
            <ButtonLink href={journey.href} variant="secondary" size="small">
              {journey.action}
            </ButtonLink>
          </CardFooter>
        </Card>
      ))}
    </Grid.Root>

    <div className={styles.lower}>
      <YourTeams />
      {widgets.map((widget, index) => (
        <Fragment key={widget.name ?? index}>{widget.component}</Fragment>
      ))}
    </div>
  </Content>
);

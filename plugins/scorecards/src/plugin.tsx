import {
  ApiBlueprint,
  createFrontendPlugin,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { RiMedalLine } from '@remixicon/react';
import { ScorecardsClient, scorecardsApiRef } from './api';

export const scorecardsApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: scorecardsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new ScorecardsClient({ discoveryApi, fetchApi }),
    }),
});

/** The Scorecard tab of components: level, failing checks and their fix. */
export const entityScorecardContent = EntityContentBlueprint.make({
  name: 'component',
  params: {
    path: 'scorecard',
    title: 'Scorecard',
    filter: { kind: 'component' },
    loader: () =>
      import('./components/EntityScorecardContent').then(m => (
        <m.EntityScorecardContent />
      )),
  },
});

/** A component's level and failing checks on its overview. */
export const entityScorecardCard = EntityCardBlueprint.make({
  params: {
    type: 'content',
    filter: { kind: 'component' },
    loader: () =>
      import('./components/EntityScorecardCard').then(m => (
        <m.EntityScorecardCard />
      )),
  },
});

/** The Scorecards tab of groups and systems: their components' levels. */
export const scopeScorecardsContent = EntityContentBlueprint.make({
  name: 'scope',
  params: {
    path: 'scorecards',
    title: 'Scorecards',
    filter: { kind: { $in: ['group', 'system'] } },
    loader: () =>
      import('./components/ScopeScorecardsContent').then(m => (
        <m.ScopeScorecardsContent />
      )),
  },
});

const exceptionsRouteRef = createRouteRef();

/**
 * The platform team's Scorecards page: campaigns (and each campaign's
 * page) and exceptions across the catalog.
 */
export const exceptionsPage = PageBlueprint.make({
  name: 'exceptions',
  params: {
    path: '/scorecards',
    // The sidebar lists pages that have a route ref.
    routeRef: exceptionsRouteRef,
    title: 'Scorecards',
    icon: <RiMedalLine size={20} />,
    loader: () =>
      import('./components/ScorecardsPage').then(m => <m.ScorecardsPage />),
  },
});

export const scorecardsPlugin = createFrontendPlugin({
  pluginId: 'scorecards',
  title: 'Scorecards',
  icon: <RiMedalLine />,
  info: { packageJson: () => import('../package.json') },
  extensions: [
    scorecardsApi,
    entityScorecardContent,
    entityScorecardCard,
    scopeScorecardsContent,
    exceptionsPage,
  ],
});

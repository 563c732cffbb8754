/**
 * Answers of the scorecards backend shared by the component tests: the
 * definitions, and builders for exceptions and campaigns in the shape of
 * the OpenAPI contract.
 */
import type { Entity } from '@backstage/catalog-model';
import type {
  Campaign,
  CampaignDetail,
  EntityScorecard,
  ScorecardDefinitions,
  ScorecardException,
} from '@paved/plugin-scorecards-common';

const DAY_MS = 86_400_000;

/** An ISO date-time `days` from now (negative: in the past). */
export const daysFromNow = (days: number) =>
  new Date(Date.now() + days * DAY_MS).toISOString();

/** The YYYY-MM-DD (UTC) `days` from now, as the forms send it. */
export const dayFromNow = (days: number) => daysFromNow(days).slice(0, 10);

export const checkout: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout', namespace: 'default' },
  spec: { type: 'service', owner: 'payments', lifecycle: 'production' },
};

export const definitions: ScorecardDefinitions = {
  exceptionMaxDays: 180,
  levels: [
    { id: 'bronze', title: 'Bronze', checks: ['has-owner'] },
    { id: 'silver', title: 'Silver', checks: ['has-techdocs'] },
    { id: 'gold', title: 'Gold', checks: ['golden-path-current'] },
  ],
  checks: [
    {
      id: 'has-owner',
      title: 'Has an owner that exists',
      description: 'The owner is in the catalog.',
      rationale: 'Someone answers for it.',
      fix: 'Set spec.owner to a group.',
    },
    {
      id: 'has-techdocs',
      title: 'Has TechDocs',
      description: 'Docs are published.',
      rationale: 'People find how it works.',
      fix: 'Add a backstage.io/techdocs-ref annotation.',
    },
    {
      id: 'golden-path-current',
      title: 'On a current golden path',
      description: 'Created from a template, on its current version.',
      rationale: 'Upgrades come for free.',
      fix: 'Run the template’s upgrade.',
    },
  ],
};

/** A scorecard of checkout failing Has TechDocs (silver). */
export const failingTechDocs: EntityScorecard = {
  entityRef: 'component:default/checkout',
  evaluatedAt: '2026-12-04T10:00:00Z',
  level: 'bronze',
  nextLevel: 'silver',
  checks: [
    {
      ...definitions.checks[1],
      outcome: 'fail',
      evidence: 'No backstage.io/techdocs-ref annotation.',
      level: 'silver',
    },
    {
      ...definitions.checks[0],
      outcome: 'pass',
      evidence: 'Owned by group:default/payments.',
      level: 'bronze',
    },
  ],
};

export const exception = (
  fields: Partial<ScorecardException> & { id: string },
): ScorecardException => ({
  entityRef: 'component:default/checkout',
  checkId: 'has-techdocs',
  checkTitle: 'Has TechDocs',
  reason: 'Docs move to the new site next sprint.',
  status: 'pending',
  requestedBy: 'user:default/dev',
  requestedAt: '2026-12-01T09:30:00Z',
  expiresAt: '2027-01-31',
  decidedBy: null,
  decidedAt: null,
  decisionNote: null,
  history: [],
  ...fields,
});

export const campaign = (
  fields: Partial<Campaign> & { id: string; title: string },
): Campaign => ({
  description: '',
  checks: [
    {
      id: 'has-techdocs',
      title: 'Has TechDocs',
      fix: 'Add a backstage.io/techdocs-ref annotation.',
    },
  ],
  target: {},
  upgradeTo: null,
  deadline: daysFromNow(10),
  createdBy: 'user:default/priya',
  createdAt: '2026-11-20T08:00:00Z',
  targeted: 10,
  done: 4,
  ...fields,
});

export const campaignDetail = (
  fields: Partial<CampaignDetail> & { id: string; title: string },
): CampaignDetail => ({
  ...campaign(fields),
  progress: [],
  targets: [],
  ...fields,
});

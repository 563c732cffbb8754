import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import { withExceptions } from '../checks/exceptions';
import { defaultLevels, levelOf } from '../checks/levels';
import { ExceptionStore, type Relevel } from './ExceptionStore';
import { ScorecardStore } from './ScorecardStore';

jest.setTimeout(60_000);

const DAY_MS = 86_400_000;
const NOW = new Date('2026-12-04T10:00:00Z');
const LEDGER = 'component:default/ledger';
const OWNER = 'user:default/owner';
const ADMIN = 'user:default/admin';

const relevel: Relevel = (_ref, checks, active) => {
  const excepted = withExceptions(checks, active);
  return {
    checks: excepted,
    level: levelOf(defaultLevels, new Map(excepted.map(c => [c.id, c.outcome])))
      .level,
  };
};

const request = (overrides: object = {}) => ({
  entityRef: LEDGER,
  checkId: 'has-techdocs',
  reason: 'Docs move to the new site next quarter.',
  expiresAt: new Date(NOW.getTime() + 90 * DAY_MS),
  requestedBy: OWNER,
  now: NOW,
  ...overrides,
});

describe('ExceptionStore', () => {
  const databases = TestDatabases.create();

  async function stores(databaseId: Parameters<typeof databases.init>[0]) {
    const knex = await databases.init(databaseId);
    const database = mockServices.database({ knex });
    const scorecards = await ScorecardStore.create({ database });
    const exceptions = await ExceptionStore.create({ database });
    // Bronze passed; has-techdocs fails, so Silver is out of reach.
    await scorecards.replaceAll('2026-12-04', [
      {
        entityRef: LEDGER,
        level: 'bronze',
        checks: [
          { id: 'has-owner', outcome: 'pass', evidence: 'Owned.' },
          { id: 'has-system', outcome: 'pass', evidence: 'In one.' },
          { id: 'has-techdocs', outcome: 'fail', evidence: 'No docs.' },
          { id: 'techdocs-build', outcome: 'not-applicable', evidence: '' },
          { id: 'apis-registered', outcome: 'not-applicable', evidence: '' },
          { id: 'deployments-reported', outcome: 'pass', evidence: '' },
          { id: 'golden-path-current', outcome: 'fail', evidence: '' },
          { id: 'change-fail-rate', outcome: 'pass', evidence: '' },
        ],
        evaluatedAt: NOW,
      },
    ]);
    return { scorecards, exceptions, knex };
  }

  it.each(databases.eachSupportedId())(
    'keeps one open exception per component and check: a retry answers the stored one, another request conflicts, concurrent ones store one (%s)',
    async databaseId => {
      const { exceptions } = await stores(databaseId);
      const first = await exceptions.request(request());
      expect(first.created).toBe(true);
      expect(first.exception).toMatchObject({
        status: 'pending',
        requestedBy: OWNER,
        expiresAt: request().expiresAt,
      });
      const retry = await exceptions.request(request());
      expect(retry).toEqual({ exception: first.exception, created: false });
      await expect(
        exceptions.request(request({ reason: 'Another reason entirely.' })),
      ).rejects.toThrow(
        /already has a pending exception to has-techdocs .*requested by user:default\/owner/,
      );

      // Two different requests for another check at the same moment.
      const results = await Promise.allSettled([
        exceptions.request(request({ checkId: 'golden-path-current' })),
        exceptions.request(
          request({
            checkId: 'golden-path-current',
            requestedBy: 'user:default/other-owner',
          }),
        ),
      ]);
      expect(results.filter(r => r.status === 'fulfilled')).toHaveLength(1);
      const [refused] = results.filter(r => r.status === 'rejected');
      expect((refused as PromiseRejectedResult).reason.name).toBe(
        'ConflictError',
      );
      expect(
        await exceptions.list({ entityRefs: [LEDGER], now: NOW, limit: 10 }),
      ).toHaveLength(2);
    },
  );

  it.each(databases.eachSupportedId())(
    'approves once, re-levels the stored results and today at once, and audits every step (%s)',
    async databaseId => {
      const { scorecards, exceptions } = await stores(databaseId);
      const { exception } = await exceptions.request(request());
      const approve = () =>
        exceptions.decide({
          id: exception.id,
          decision: 'approved',
          note: 'Fine until the move.',
          decidedBy: ADMIN,
          now: NOW,
          relevel,
        });
      const approved = await approve();
      expect(approved.changed).toBe(true);
      expect(approved.exception).toMatchObject({
        status: 'approved',
        decidedBy: ADMIN,
        decisionNote: 'Fine until the move.',
      });
      // The same decision again (a retry) changes nothing.
      expect((await approve()).changed).toBe(false);
      await expect(
        exceptions.decide({
          id: exception.id,
          decision: 'rejected',
          note: 'Changed my mind',
          decidedBy: 'user:default/another-admin',
          now: NOW,
          relevel,
        }),
      ).rejects.toThrow(/is approved \(by user:default\/admin\)/);

      const [stored] = await scorecards.scorecards([LEDGER]);
      expect(stored.level).toBe('silver');
      expect(stored.checks.find(c => c.id === 'has-techdocs')).toEqual({
        id: 'has-techdocs',
        outcome: 'pass-with-exception',
        evidence: 'No docs.',
        exception: {
          id: exception.id,
          expiresAt: request().expiresAt.toISOString(),
        },
      });
      // The roll-ups' outcomes are re-levelled with the results.
      const [outcomes] = await scorecards.outcomes([LEDGER]);
      expect(outcomes.level).toBe('silver');
      expect(outcomes.outcomes['has-techdocs']).toBe('pass-with-exception');
      expect(await scorecards.levelHistory('2026-12-04')).toEqual([
        { day: '2026-12-04', level: 'silver', components: 1 },
      ]);
      expect(
        (await exceptions.events([exception.id])).map(e => [
          e.action,
          e.actor,
          e.note,
        ]),
      ).toEqual([
        ['requested', OWNER, 'Docs move to the new site next quarter.'],
        ['approved', ADMIN, 'Fine until the move.'],
      ]);
      expect(
        (await exceptions.active(NOW)).get(LEDGER)?.get('has-techdocs')?.id,
      ).toBe(exception.id);
    },
  );

  it.each(databases.eachSupportedId())(
    'reminds once and expires once across replicas; an expired exception no longer counts and a new one may be asked for (%s)',
    async databaseId => {
      const { exceptions } = await stores(databaseId);
      const { exception } = await exceptions.request(
        request({ expiresAt: new Date(NOW.getTime() + 10 * DAY_MS) }),
      );
      await exceptions.decide({
        id: exception.id,
        decision: 'approved',
        note: null,
        decidedBy: ADMIN,
        now: NOW,
        relevel,
      });
      const within14Days = new Date(NOW.getTime() + 14 * DAY_MS);
      // Two replicas' passes at the same moment: one reminder.
      const reminded = await Promise.all([
        exceptions.claimReminders(NOW, within14Days),
        exceptions.claimReminders(NOW, within14Days),
      ]);
      expect(reminded.flat().map(e => e.id)).toEqual([exception.id]);
      expect(await exceptions.claimReminders(NOW, within14Days)).toEqual([]);

      const later = new Date(NOW.getTime() + 11 * DAY_MS);
      const expired = await Promise.all([
        exceptions.expireDue(later),
        exceptions.expireDue(later),
      ]);
      expect(expired.flat().map(e => [e.id, e.status])).toEqual([
        [exception.id, 'expired'],
      ]);
      expect((await exceptions.active(later)).size).toBe(0);
      expect((await exceptions.get(exception.id))?.status).toBe('expired');
      expect(
        (await exceptions.events([exception.id])).map(e => e.action),
      ).toEqual(['requested', 'approved', 'reminded', 'expired']);
      const again = await exceptions.request(
        request({ now: later, expiresAt: new Date(later.getTime() + DAY_MS) }),
      );
      expect(again.created).toBe(true);
    },
  );

  it.each(databases.eachSupportedId())(
    'counts an approval given while a pass gathered its facts: the pass applies exceptions as it writes (%s)',
    async databaseId => {
      const { scorecards, exceptions } = await stores(databaseId);
      // The pass evaluated without the exception (not approved yet) ...
      const [evaluated] = await scorecards.scorecards([LEDGER]);
      const { exception } = await exceptions.request(request());
      // ... an admin approves on another replica before it writes ...
      await exceptions.decide({
        id: exception.id,
        decision: 'approved',
        note: null,
        decidedBy: ADMIN,
        now: NOW,
        relevel,
      });
      // ... and the pass's write still counts it.
      const [written] = await scorecards.replaceAll('2026-12-04', [evaluated], {
        now: NOW,
        apply: (scorecard, active) => {
          const { checks, level } = relevel(
            scorecard.entityRef,
            scorecard.checks,
            new Map(
              [...(active ?? new Map()).entries()].map(([id, e]) => [
                id,
                { ...exception, id: e.id, expiresAt: e.expiresAt },
              ]),
            ),
          );
          return { ...scorecard, checks, level };
        },
      });
      expect(written.level).toBe('silver');
      const [stored] = await scorecards.scorecards([LEDGER]);
      expect(stored.checks.find(c => c.id === 'has-techdocs')?.outcome).toBe(
        'pass-with-exception',
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'lists by status as shown: an approved exception past its expiry is expired, not approved (%s)',
    async databaseId => {
      const { exceptions } = await stores(databaseId);
      const { exception } = await exceptions.request(
        request({ expiresAt: new Date(NOW.getTime() + DAY_MS) }),
      );
      await exceptions.decide({
        id: exception.id,
        decision: 'approved',
        note: null,
        decidedBy: ADMIN,
        now: NOW,
        relevel,
      });
      const later = new Date(NOW.getTime() + 2 * DAY_MS);
      const ids = async (status: 'approved' | 'expired', now: Date) =>
        (await exceptions.list({ status, now, limit: 10 })).map(e => e.id);
      expect(await ids('approved', NOW)).toEqual([exception.id]);
      expect(await ids('approved', later)).toEqual([]);
      expect(await ids('expired', later)).toEqual([exception.id]);
    },
  );
});

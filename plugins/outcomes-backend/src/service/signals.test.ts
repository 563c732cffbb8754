import {
  defaultSignalThresholds,
  type DeliveryFacts,
  type WindowFacts,
} from './facts';
import { evaluateSignals, type SignalInput } from './signals';

const HOUR = 3600;

const delivery = (overrides: Partial<DeliveryFacts> = {}): DeliveryFacts => ({
  deployments: 20,
  perDay: 20 / 28,
  leadTime: 24 * HOUR,
  changes: 40,
  changeFailRate: 0.1,
  deploymentReworkRate: 0.05,
  recoveryTime: 2 * HOUR,
  recoveries: 2,
  ...overrides,
});

const window = (
  d: Partial<DeliveryFacts> = {},
  cost: WindowFacts['cost'] = { total: 1000, requests: null, perRequest: null },
): WindowFacts => ({ delivery: delivery(d), cost });

const input = (
  windows: [WindowFacts, WindowFacts, WindowFacts],
  extra: Partial<SignalInput> = {},
): SignalInput => ({
  entityRef: 'group:default/payments',
  currency: 'EUR',
  windows,
  ...extra,
});

const rulesOf = (i: SignalInput) =>
  evaluateSignals(i, defaultSignalThresholds).map(s => `${s.rule}: ${s.title}`);

describe('signal rules', () => {
  it('says nothing when nothing moved', () => {
    expect(rulesOf(input([window(), window(), window()]))).toEqual([]);
  });

  describe('speed-without-stability', () => {
    it('fires when lead time falls while the change fail rate climbs', () => {
      const signals = evaluateSignals(
        input([
          window({ leadTime: 12 * HOUR, changeFailRate: 0.25 }),
          window(),
          window(),
        ]),
        defaultSignalThresholds,
      );
      expect(signals.map(s => s.rule)).toEqual(['speed-without-stability']);
      expect(signals[0].message).toMatch(
        /lead time fell 50 % \(24 h → 12 h\), but change fail rate climbed from 10 % to 25 %/,
      );
      expect(signals[0].drillDown).toEqual({
        view: 'delivery',
        entityRef: 'group:default/payments',
        metric: 'changeFailRate',
      });
    });

    it('fires when more deployments bring more rework', () => {
      expect(
        rulesOf(
          input([
            window({
              deployments: 40,
              perDay: 40 / 28,
              deploymentReworkRate: 0.2,
            }),
            window(),
            window(),
          ]),
        ).filter(rule => !rule.startsWith('improving')),
      ).toEqual(['speed-without-stability: Speed is hiding instability']);
    });

    it('does not fire on too few deployments to judge a rate', () => {
      expect(
        rulesOf(
          input([
            window({ deployments: 4, leadTime: HOUR, changeFailRate: 0.5 }),
            window({ deployments: 2 }),
            window(),
          ]),
        ),
      ).toEqual([]);
    });

    it('is an improvement when the faster delivery stays as stable', () => {
      expect(
        rulesOf(input([window({ leadTime: 12 * HOUR }), window(), window()])),
      ).toEqual(['improving: Faster without losing stability']);
    });
  });

  describe('cost-outpacing-delivery', () => {
    it('fires when cost grows faster than deployments', () => {
      const signals = evaluateSignals(
        input([
          window({}, { total: 1500, requests: null, perRequest: null }),
          window(),
          window(),
        ]),
        defaultSignalThresholds,
      );
      expect(signals.map(s => s.rule)).toEqual(['cost-outpacing-delivery']);
      expect(signals[0].message).toMatch(
        /^Cost rose 50 % \(€1,000.00 → €1,500.00\) while deployments rose 0 %/,
      );
    });

    it('compares with requests served where they are counted', () => {
      const withRequests = (total: number, requests: number) =>
        window({}, { total, requests, perRequest: total / requests });
      // Cost +50 %, requests +40 %: in step.
      expect(
        rulesOf(
          input([withRequests(1500, 1.4e6), withRequests(1000, 1e6), window()]),
        ),
      ).toEqual([]);
      // Cost +50 %, requests +10 %.
      expect(
        rulesOf(
          input([withRequests(1500, 1.1e6), withRequests(1000, 1e6), window()]),
        ),
      ).toEqual([
        'cost-outpacing-delivery: Cost is growing faster than delivery',
      ]);
    });

    it('does not fire when deployments grew as much', () => {
      expect(
        rulesOf(
          input([
            window(
              { deployments: 30, perDay: 30 / 28 },
              { total: 1500, requests: null, perRequest: null },
            ),
            window(),
            window(),
          ]),
        ).filter(r => r.startsWith('cost')),
      ).toEqual([]);
    });
  });

  describe('recovery-slipping', () => {
    it('fires when recovery worsens two windows in a row', () => {
      const signals = evaluateSignals(
        input([
          window({ recoveryTime: 5 * HOUR }),
          window({ recoveryTime: 3 * HOUR }),
          window({ recoveryTime: 2 * HOUR }),
        ]),
        defaultSignalThresholds,
      );
      expect(signals.map(s => s.rule)).toEqual(['recovery-slipping']);
      expect(signals[0].message).toMatch(/2 h, then 3 h, now 5 h/);
    });

    it('does not fire on one bad window', () => {
      expect(
        rulesOf(
          input([
            window({ recoveryTime: 5 * HOUR }),
            window({ recoveryTime: 2 * HOUR }),
            window({ recoveryTime: 3 * HOUR }),
          ]),
        ),
      ).toEqual([]);
    });

    it('is an improvement when recovery gets quicker twice', () => {
      expect(
        rulesOf(
          input([
            window({ recoveryTime: 1 * HOUR }),
            window({ recoveryTime: 2 * HOUR }),
            window({ recoveryTime: 4 * HOUR }),
          ]),
        ),
      ).toEqual(['improving: Recovering faster']);
    });
  });

  describe('silent-service', () => {
    const components = [
      {
        entityRef: 'component:default/ledger',
        deployments: 0,
        cost: 300,
        runningWorkloads: 2,
      },
      {
        entityRef: 'component:default/cron',
        deployments: 0,
        cost: 0,
        runningWorkloads: 1,
      },
      {
        entityRef: 'component:default/api',
        deployments: 12,
        cost: 900,
        runningWorkloads: 3,
      },
      {
        entityRef: 'component:default/retired',
        deployments: 0,
        cost: 0,
        runningWorkloads: 0,
      },
    ];

    it('names components that cost or run but never deploy, costliest first', () => {
      const signals = evaluateSignals(
        input([window(), window(), window()], { components }),
        defaultSignalThresholds,
      ).filter(s => s.rule === 'silent-service');
      expect(signals.map(s => s.drillDown.entityRef)).toEqual([
        'component:default/ledger',
        'component:default/cron',
      ]);
      expect(signals[0].message).toBe(
        'ledger has cost €300.00 and 2 running workloads in this window but reported no deployment: its pipeline does not send deployments to Paved, or the service is abandoned.',
      );
    });

    it('names at most the configured number, and says how many there are', () => {
      const many = Array.from({ length: 12 }, (_, i) => ({
        entityRef: `component:default/s${i}`,
        deployments: 0,
        cost: i,
        runningWorkloads: 1,
      }));
      const signals = evaluateSignals(
        input([window(), window(), window()], { components: many }),
        { ...defaultSignalThresholds, maxSilentServices: 3 },
      );
      expect(signals).toHaveLength(3);
      expect(signals[0].message).toMatch(
        /12 components of this scope are silent; the 3 costliest are named/,
      );
    });
  });

  it('is an improvement when each deployment costs less', () => {
    expect(
      rulesOf(
        input([
          window({}, { total: 800, requests: null, perRequest: null }),
          window(),
          window(),
        ]),
      ),
    ).toEqual(['improving: Cheaper per deployment']);
  });

  it('judges nothing from a stream the caller may not read', () => {
    const noCost = (d: Partial<DeliveryFacts> = {}): WindowFacts => ({
      delivery: delivery(d),
      cost: null,
    });
    const noDelivery: WindowFacts = {
      delivery: null,
      cost: { total: 5000, requests: null, perRequest: null },
    };
    expect(rulesOf(input([noDelivery, window(), window()]))).toEqual([]);
    expect(
      rulesOf(input([noCost({ leadTime: HOUR }), noCost(), noCost()])),
    ).toEqual(['improving: Faster without losing stability']);
  });
});

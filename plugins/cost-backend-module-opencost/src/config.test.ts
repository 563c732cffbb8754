import { mockServices } from '@backstage/backend-test-utils';
import { readOpenCostSettings } from './config';

const read = (opencost: object) =>
  readOpenCostSettings(
    mockServices.rootConfig({ data: { cost: { opencost } } }),
  );

describe('readOpenCostSettings', () => {
  it('applies the documented defaults', () => {
    const settings = read({
      clusters: [
        {
          name: 'eu-west-prod',
          baseUrl: 'http://127.0.0.1:9003/eu-west-prod/',
        },
      ],
    });
    expect(settings).toEqual({
      clusters: [
        {
          name: 'eu-west-prod',
          baseUrl: 'http://127.0.0.1:9003/eu-west-prod',
          token: undefined,
          aggregate: 'cluster,namespace,controllerKind,controller',
          requestTimeoutMs: 120_000,
        },
      ],
      schedule: expect.objectContaining({ frequency: { hours: 1 } }),
      backfillDays: 90,
      finalAfterHours: 48,
    });
    expect(readOpenCostSettings(mockServices.rootConfig()).clusters).toEqual(
      [],
    );
  });

  it('reads the schedule and limits from config', () => {
    const settings = read({
      clusters: [],
      schedule: { frequency: { minutes: 15 }, timeout: { minutes: 5 } },
      backfillDays: 30,
      finalAfterHours: 72,
    });
    expect(settings.schedule).toMatchObject({
      frequency: { minutes: 15 },
      timeout: { minutes: 5 },
    });
    expect(settings).toMatchObject({ backfillDays: 30, finalAfterHours: 72 });
  });

  it('rejects a cluster listed twice and a backfill of no days', () => {
    const cluster = { name: 'eu-west-prod', baseUrl: 'http://a' };
    expect(() => read({ clusters: [cluster, cluster] })).toThrow(
      'cluster eu-west-prod is listed twice',
    );
    expect(() => read({ clusters: [], backfillDays: 0 })).toThrow(
      'backfillDays',
    );
  });
});

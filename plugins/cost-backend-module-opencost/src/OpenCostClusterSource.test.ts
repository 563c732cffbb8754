import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import { ConflictError } from '@backstage/errors';
import recorded from './__fixtures__/allocation-two-days.json';
import { InMemoryCostSink } from '@paved/plugin-cost-node/testUtils';
import { DEFAULT_AGGREGATE } from './config';
import { OpenCostClusterSource } from './OpenCostClusterSource';

const BASE_URL = 'http://opencost.test:9003';
const TOKEN = 'opencost-token-for-tests';
const SOURCE = 'opencost:eu-west-nonprod';
// Midday on 2026-11-25: the 24th ended 12 hours ago, the 25th is running.
const NOW = new Date('2026-11-25T12:00:00Z');

type Handler = (days: string[]) => Response | undefined;

/** OpenCost answering from the recorded response, one set per requested day. */
function recordedSets(days: string[]) {
  return days.map(day => {
    // The recorded JSON; tests break fields of it on purpose.
    const sets = recorded.data as Array<Record<string, any>>;
    const set = sets.find(s =>
      Object.values(s).some(a => a.window.start.startsWith(day)),
    );
    if (set) return set;
    // Earlier days: the first recorded day, moved.
    const moved = structuredClone(sets[0]);
    const end = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000);
    for (const allocation of Object.values(moved)) {
      allocation.window = {
        start: `${day}T00:00:00Z`,
        end: end.toISOString().replace('.000Z', 'Z'),
      };
    }
    return moved;
  });
}

const requests: Request[] = [];
let failWhen: Handler = () => undefined;

const server = setupServer(
  http.get(`${BASE_URL}/allocation`, ({ request }) => {
    requests.push(request.clone());
    const window = new URL(request.url).searchParams.get('window')!;
    const [start, end] = window.split(',').map(t => Date.parse(t));
    const days: string[] = [];
    for (let d = start; d < end; d += 86_400_000) {
      days.push(new Date(d).toISOString().slice(0, 10));
    }
    return (
      failWhen(days) ??
      HttpResponse.json({
        code: 200,
        status: 'success',
        data: recordedSets(days),
      })
    );
  }),
);
registerMswTestHooks(server);

describe('OpenCostClusterSource', () => {
  let sink: InMemoryCostSink;
  let logger: ReturnType<typeof mockServices.logger.mock>;
  let source: OpenCostClusterSource;

  beforeEach(async () => {
    requests.length = 0;
    failWhen = () => undefined;
    sink = new InMemoryCostSink();
    logger = mockServices.logger.mock();
    source = OpenCostClusterSource.create({
      cluster: {
        name: 'eu-west-nonprod',
        baseUrl: BASE_URL,
        token: TOKEN,
        aggregate: DEFAULT_AGGREGATE,
      },
      logger,
      backfillDays: 2,
      finalAfterHours: 6,
      now: () => NOW,
    });
    await source.connect(sink);
  });

  const warnings = () => logger.warn.mock.calls.map(c => String(c[0]));
  const allLogs = () =>
    [logger.info, logger.warn, logger.error, logger.debug]
      .flatMap(fn => fn.mock.calls)
      .map(c => JSON.stringify(c));

  it('stores a multi-step response day by day, final once old enough', async () => {
    const summary = await source.pull();
    expect(summary.stored).toEqual(['2026-11-24', '2026-11-25']);

    expect(requests).toHaveLength(1);
    const query = Object.fromEntries(new URL(requests[0].url).searchParams);
    expect(query).toEqual({
      window: '2026-11-24T00:00:00Z,2026-11-26T00:00:00Z',
      aggregate: 'cluster,namespace,controllerKind,controller',
      step: '1d',
      includeIdle: 'true',
      accumulate: 'false',
      includeAggregatedMetadata: 'true',
    });
    expect(requests[0].headers.get('authorization')).toBe(`Bearer ${TOKEN}`);

    expect(sink.calls).toEqual([
      expect.objectContaining({
        source: SOURCE,
        from: '2026-11-24',
        to: '2026-11-25',
        final: true,
        description: `OpenCost ${BASE_URL}`,
      }),
      expect.objectContaining({
        source: SOURCE,
        from: '2026-11-25',
        to: '2026-11-26',
        final: false,
      }),
    ]);
    const records = sink.records(SOURCE);
    expect(
      records
        .filter(r => r.day === '2026-11-24')
        .map(r => r.kind)
        .sort(),
    ).toEqual(['idle', 'unallocated', 'workload', 'workload']);
    expect(records.filter(r => r.day === '2026-11-25')).toHaveLength(4);
    expect(allLogs().join('\n')).not.toContain(TOKEN);
  });

  it('replaces the final days of a run in one call and the running day in another', async () => {
    const longer = OpenCostClusterSource.create({
      cluster: {
        name: 'eu-west-nonprod',
        baseUrl: BASE_URL,
        aggregate: DEFAULT_AGGREGATE,
      },
      logger,
      backfillDays: 5,
      finalAfterHours: 6,
      now: () => NOW,
    });
    await longer.connect(sink);
    const summary = await longer.pull();
    expect(summary.stored).toEqual([
      '2026-11-21',
      '2026-11-22',
      '2026-11-23',
      '2026-11-24',
      '2026-11-25',
    ]);
    expect(requests).toHaveLength(1);
    expect(
      sink.calls.map(({ from, to, final }) => ({ from, to, final })),
    ).toEqual([
      { from: '2026-11-21', to: '2026-11-25', final: true },
      { from: '2026-11-25', to: '2026-11-26', final: false },
    ]);
    // Both in one batch: the cost backend rewrites the pools once.
    expect(sink.batches).toBe(1);
    expect(
      sink.records(SOURCE).filter(r => r.day === '2026-11-22'),
    ).toHaveLength(4);
  });

  it('stops, storing nothing more, while another replica is importing the cluster', async () => {
    jest
      .spyOn(sink, 'replace')
      .mockRejectedValue(
        new ConflictError(
          `An import of source ${SOURCE} is running; try again when it has finished`,
        ),
      );
    const summary = await source.pull();
    expect(summary.stored).toEqual([]);
    // One attempt, not one per day: the other run's rows stand.
    expect(sink.replace).toHaveBeenCalledTimes(1);
    expect(sink.records(SOURCE)).toEqual([]);
    expect(warnings()).toEqual([]);
    expect(logger.info).toHaveBeenCalledWith(
      `OpenCost eu-west-nonprod: An import of source ${SOURCE} is running; try again when it has finished; pulling the remaining days next run`,
    );
  });

  it('stores the other days of a run when one day is malformed', async () => {
    const longer = OpenCostClusterSource.create({
      cluster: {
        name: 'eu-west-nonprod',
        baseUrl: BASE_URL,
        aggregate: DEFAULT_AGGREGATE,
      },
      logger,
      backfillDays: 5,
      finalAfterHours: 6,
      now: () => NOW,
    });
    await longer.connect(sink);
    failWhen = days => {
      const sets = recordedSets(days);
      sets[days.indexOf('2026-11-22')].__idle__.cpuCost = 'lots';
      return HttpResponse.json({ code: 200, status: 'success', data: sets });
    };
    const summary = await longer.pull();
    expect(summary.failed).toEqual(['2026-11-22']);
    expect(summary.stored).toEqual([
      '2026-11-21',
      '2026-11-23',
      '2026-11-24',
      '2026-11-25',
    ]);
    expect(sink.days(SOURCE)).toEqual([
      '2026-11-21',
      '2026-11-23',
      '2026-11-24',
      '2026-11-25',
    ]);
    expect(warnings().join('\n')).toContain('could not pull 2026-11-22');
  });

  it('says once per run, not once per day, that OpenCost does not answer', async () => {
    const month = OpenCostClusterSource.create({
      cluster: {
        name: 'eu-west-nonprod',
        baseUrl: BASE_URL,
        aggregate: DEFAULT_AGGREGATE,
      },
      logger,
      backfillDays: 30,
      finalAfterHours: 6,
      now: () => NOW,
    });
    await month.connect(sink);
    failWhen = () => HttpResponse.text('upstream down', { status: 500 });
    const summary = await month.pull();
    expect(summary.failed).toHaveLength(30);
    expect(summary.stored).toEqual([]);
    // One line naming the month's days, whatever way the run split them.
    const failed = warnings().filter(w => w.includes('could not pull'));
    expect(failed.length).toBeLessThanOrEqual(2);
    expect(failed.join('\n')).toMatch(
      /could not pull 2026-10-27 and 29 more days to 2026-11-25, retrying next run/,
    );
    await month.pull();
    expect(
      warnings().filter(w => w.includes('could not pull')).length,
    ).toBeLessThanOrEqual(2 * failed.length);
  });

  it('skips final days and pulls the others again', async () => {
    await source.pull();
    requests.length = 0;
    const summary = await source.pull();
    expect(summary).toMatchObject({ stored: ['2026-11-25'], skippedFinal: 1 });
    expect(requests).toHaveLength(1);
    expect(new URL(requests[0].url).searchParams.get('window')).toBe(
      '2026-11-25T00:00:00Z,2026-11-26T00:00:00Z',
    );
    // Pulling again replaced the day rather than adding to it.
    expect(
      sink.records(SOURCE).filter(r => r.day === '2026-11-25'),
    ).toHaveLength(4);
  });

  it.each([
    [
      'an HTTP error',
      () =>
        new HttpResponse("Invalid 'window' parameter: illegal window\n", {
          status: 400,
        }),
      "HTTP 400: Invalid 'window' parameter",
    ],
    [
      'an OpenCost error body',
      () =>
        HttpResponse.json({
          code: 500,
          status: 'error',
          message: 'error computing allocations: prometheus unavailable',
          data: null,
        }),
      'prometheus unavailable',
    ],
    [
      'a body that is not JSON',
      () => new HttpResponse('<html>bad gateway</html>'),
      'not JSON',
    ],
  ])(
    'leaves a day that fails with %s for the next run',
    async (_, failure, message) => {
      failWhen = days => (days.includes('2026-11-24') ? failure() : undefined);
      const summary = await source.pull();
      expect(summary).toMatchObject({
        stored: ['2026-11-25'],
        failed: ['2026-11-24'],
      });
      expect(sink.days(SOURCE)).toEqual(['2026-11-25']);
      expect(warnings()).toEqual([
        expect.stringMatching(/eu-west-nonprod.*2026-11-24/),
      ]);
      expect(warnings()[0]).toContain(message);

      failWhen = () => undefined;
      await source.pull();
      expect(sink.days(SOURCE)).toEqual(['2026-11-24', '2026-11-25']);
      expect(await sink.finalDays(SOURCE, '2026-11-01', '2026-12-01')).toEqual(
        new Set(['2026-11-24']),
      );
    },
  );

  it('keeps what a day had when its new allocations are malformed', async () => {
    await source.pull();
    const before = sink.records(SOURCE).filter(r => r.day === '2026-11-25');
    failWhen = days => {
      const sets = recordedSets(days);
      const broken = structuredClone(sets[sets.length - 1]);
      broken.__idle__.cpuCost = 'lots';
      return HttpResponse.json({
        code: 200,
        status: 'success',
        data: [...sets.slice(0, -1), broken],
      });
    };
    const summary = await source.pull();
    expect(summary.failed).toEqual(['2026-11-25']);
    expect(sink.records(SOURCE).filter(r => r.day === '2026-11-25')).toEqual(
      before,
    );
  });

  it('fails a day when OpenCost answers a different number of steps', async () => {
    failWhen = days =>
      HttpResponse.json({
        code: 200,
        status: 'success',
        data: recordedSets(days).slice(1),
      });
    const summary = await source.pull();
    expect(summary.failed).toEqual(['2026-11-24', '2026-11-25']);
    expect(sink.calls).toHaveLength(0);
  });

  it('waits for the cost backend to connect, then pulls', async () => {
    const late = OpenCostClusterSource.create({
      cluster: {
        name: 'x',
        baseUrl: BASE_URL,
        token: TOKEN,
        aggregate: DEFAULT_AGGREGATE,
      },
      logger,
      backfillDays: 2,
      finalAfterHours: 6,
      now: () => NOW,
    });
    // The first run of the pull task can start before the cost plugin has
    // connected its sources; it must not skip a whole schedule period.
    const pulling = late.pull();
    await new Promise(resolve => setTimeout(resolve, 50));
    expect(requests).toHaveLength(0);
    await late.connect(sink);
    expect((await pulling).stored).toHaveLength(2);
  });

  it('gives up waiting for a connection after a while, pulling nothing', async () => {
    const unconnected = OpenCostClusterSource.create({
      cluster: { name: 'x', baseUrl: BASE_URL, aggregate: DEFAULT_AGGREGATE },
      logger,
      backfillDays: 2,
      finalAfterHours: 6,
      now: () => NOW,
    });
    expect(
      await unconnected.pull(undefined, { connectWaitMs: 20 }),
    ).toMatchObject({ stored: [], failed: [] });
    const aborted = new AbortController();
    const pulling = unconnected.pull(aborted.signal);
    aborted.abort();
    expect(await pulling).toMatchObject({ stored: [], failed: [] });
    expect(requests).toHaveLength(0);
  });
});

import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import {
  DefaultGithubCredentialsProvider,
  ScmIntegrations,
} from '@backstage/integration';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { DoraEventSink } from '@paved/plugin-dora-node';
import {
  type GithubFault,
  LocalGithub,
  type RunningGithub,
  seededRepository,
} from '@paved/github-local';
import { GithubSourceStore } from '../database/GithubSourceStore';
import { GithubDeploymentPoller } from '../poller/GithubDeploymentPoller';
import { component } from './histories';

/*
 * The real poller (Octokit, GithubRepositoryReader, waitOnRateLimits) over
 * HTTP against the GitHub stand-in a running backend uses in the soak, with
 * its faults set as the soak sets them. Only the clock is the test's: the
 * poller's waits advance it instead of sleeping.
 */

const NOW = new Date('2026-11-20T12:00:00Z');
const TOKEN = 'ghs_local_stand_in';
const PAVED = 'component:default/paved';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

class RecordingSink implements DoraEventSink {
  // Events as the poller hands them over, asserted field by field.
  readonly events: any[] = [];

  async ingest(_source: string, events: unknown[]) {
    this.events.push(...events);
    return { accepted: events.length, unchanged: 0, unattributedServices: [] };
  }
}

describe('GitHub deployment poller against the GitHub stand-in over HTTP', () => {
  let github: RunningGithub;
  let clock: number;

  beforeEach(async () => {
    clock = NOW.getTime();
    github = await LocalGithub.start({
      token: TOKEN,
      repositories: [seededRepository(NOW)],
      now: () => new Date(clock),
    });
  });
  afterEach(() => github.stop());

  /** A poller whose waits advance the clock and may end the fault. */
  async function poller(onSleep: (waits: number) => void = () => {}) {
    const config = mockServices.rootConfig({
      data: {
        integrations: {
          github: [
            { host: 'github.com', apiBaseUrl: github.url, token: TOKEN },
          ],
        },
      },
    });
    const integrations = ScmIntegrations.fromConfig(config);
    const waits: number[] = [];
    const sink = new RecordingSink();
    const instance = GithubDeploymentPoller.create({
      catalog: catalogServiceMock({
        entities: [component('paved', 'fernhill/paved')],
      }),
      auth: mockServices.auth(),
      integrations,
      credentials:
        DefaultGithubCredentialsProvider.fromIntegrations(integrations),
      store: await GithubSourceStore.create(
        mockServices.database({ knex: await databases.init('SQLITE_3') }),
      ),
      logger: mockServices.logger.mock(),
      poll: { environments: ['production'], lookbackDays: 90 },
      sleep: async ms => {
        waits.push(ms);
        clock += ms;
        onSleep(waits.length);
      },
      now: () => new Date(clock),
    });
    await instance.connect(sink);
    return { instance, sink, waits };
  }

  function expectSeededDeliveries(sink: RecordingSink) {
    const repo = seededRepository(NOW);
    const deployments = sink.events.filter(e => e.type === 'deployment');
    expect(deployments.map(e => [e.id, e.status])).toEqual([
      ['github:fernhill/paved:deployment:1001', 'success'],
      ['github:fernhill/paved:deployment:1002', 'success'],
      ['github:fernhill/paved:deployment:1003', 'failure'],
      ['github:fernhill/paved:deployment:1004', 'success'],
    ]);
    expect(deployments.every(e => e.service === PAVED)).toBe(true);
    expect(deployments[1].commits).toEqual([
      repo.history[2].sha,
      repo.history[3].sha,
    ]);
    expect(deployments[3].commits).toEqual(
      repo.history.slice(4, 7).map(c => c.sha),
    );
    const squash = sink.events.find(
      e => e.type === 'change' && e.sha === repo.history[3].sha,
    );
    // The squash merge of #7 starts at the pull request's first commit.
    expect(squash).toMatchObject({
      prNumber: 7,
      labels: ['enhancement'],
      authoredAt: repo.pulls[0].commits[0].authoredAt,
    });
  }

  it('reads the seeded deployments, the commits they delivered and the pull request', async () => {
    const { instance, sink, waits } = await poller();
    await instance.poll();
    expectSeededDeliveries(sink);
    expect(sink.events.filter(e => e.type === 'change')).toHaveLength(5);
    expect(waits).toEqual([]);
  });

  it('waits out a primary rate limit until x-ratelimit-reset, then completes', async () => {
    github.setFault({ kind: 'rate-limit', resetInSeconds: 120 });
    const { instance, sink, waits } = await poller();
    await instance.poll();
    // One second past the reset, as waitOnRateLimits documents; the
    // stand-in's limit ended at its reset like GitHub's window.
    expect(waits).toEqual([121_000]);
    expect(github.fault).toBeUndefined();
    expectSeededDeliveries(sink);
  });

  it.each<[string, GithubFault, number[]]>([
    [
      'a secondary rate limit (429, retry-after)',
      { kind: 'secondary-rate-limit', status: 429, retryAfterSeconds: 30 },
      [30_000],
    ],
    [
      'a secondary rate limit (403, retry-after)',
      { kind: 'secondary-rate-limit', retryAfterSeconds: 45 },
      [45_000],
    ],
    ['502s, with a doubling backoff', { kind: 'error' }, [2_000, 4_000]],
  ])('retries %s and completes', async (_name, fault, expected) => {
    github.setFault(fault);
    const { instance, sink, waits } = await poller(count => {
      if (count === expected.length) github.setFault(undefined);
    });
    await instance.poll();
    expect(waits).toEqual(expected);
    expectSeededDeliveries(sink);
  });

  it('gives up for this run on a GitHub that keeps failing, and reads it all next run', async () => {
    github.setFault({ kind: 'error', status: 503 });
    const { instance, sink, waits } = await poller();
    await instance.poll();
    expect(waits).toEqual([2_000, 4_000, 8_000]);
    expect(sink.events).toEqual([]);

    github.setFault(undefined);
    await instance.poll();
    expectSeededDeliveries(sink);
  });
});

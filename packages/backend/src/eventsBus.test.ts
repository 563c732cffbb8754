import { createBackendPlugin } from '@backstage/backend-plugin-api';
import {
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import eventsPlugin from '@backstage/plugin-events-backend';
import {
  eventsServiceFactory,
  eventsServiceRef,
  type EventParams,
  type EventsService,
} from '@backstage/plugin-events-node';

jest.setTimeout(60_000);

/*
 * Events reach every replica: with the events backend installed (as
 * src/index.ts does), what one replica publishes goes through the events
 * bus in the shared PostgreSQL database, and a subscriber on another
 * replica receives it. Without it, each replica's events service warns
 * "events backend not found" and keeps its events to itself.
 */

// The events bus needs PostgreSQL: whichever version the run provides.
const databases = TestDatabases.create({
  ids: [
    'POSTGRES_18',
    'POSTGRES_17',
    'POSTGRES_16',
    'POSTGRES_15',
    'POSTGRES_14',
    'POSTGRES_13',
  ],
});
const postgres = databases.eachSupportedId();
const describeOnPostgres = postgres.length > 0 ? describe : describe.skip;

/** A backend with the events backend and a plugin handing over its events service. */
async function startReplica(
  database: ReturnType<typeof mockServices.database.factory>,
  name: string,
) {
  let events: EventsService | undefined;
  const warnings: string[] = [];
  const logger = mockServices.logger.mock({
    warn: message => {
      warnings.push(String(message));
    },
    child: () => logger,
  });
  const backend = await startTestBackend({
    features: [
      database,
      logger.factory,
      // The real events service (the test backend's default is local only).
      eventsServiceFactory,
      eventsPlugin,
      createBackendPlugin({
        pluginId: `events-probe-${name}`,
        register(env) {
          env.registerInit({
            deps: { eventsService: eventsServiceRef },
            async init({ eventsService }) {
              events = eventsService;
            },
          });
        },
      }),
    ],
  });
  return { backend, events: events!, warnings };
}

describeOnPostgres('the events backend', () => {
  it('carries an event one replica publishes to a subscriber on another', async () => {
    const knex = await databases.init(postgres[0][0]);
    const database = mockServices.database.factory({ knex });
    const a = await startReplica(database, 'a');
    const b = await startReplica(database, 'b');
    try {
      const received = new Promise<EventParams>(resolve => {
        b.events.subscribe({
          id: 'replica-b',
          topics: ['paved.test'],
          onEvent: async event => resolve(event),
        });
      });
      // The subscription reaches the bus before the event does.
      await new Promise(resolve => setTimeout(resolve, 1000));
      await a.events.publish({
        topic: 'paved.test',
        eventPayload: { from: 'replica a' },
      });
      expect(await received).toMatchObject({
        topic: 'paved.test',
        eventPayload: { from: 'replica a' },
      });
      expect(
        [...a.warnings, ...b.warnings].filter(w =>
          w.includes('events backend not found'),
        ),
      ).toEqual([]);
    } finally {
      await a.backend.stop();
      await b.backend.stop();
    }
  });
});

import { TestDatabases } from '@backstage/backend-test-utils';
import { ConflictError, ServiceUnavailableError } from '@backstage/errors';
import express from 'express';
import type { Knex } from 'knex';
import Router from 'express-promise-router';
import request from 'supertest';
import {
  isDatabaseUnavailableError,
  MAX_DATABASE_MESSAGE_LENGTH,
  RETRY_AFTER_SECONDS,
  retryAfterOnUnavailable,
  toStoreError,
  withDatabaseErrors,
} from './databaseErrors';

jest.setTimeout(60_000);

const databases = TestDatabases.create();

/** The error a promise rejects with. */
async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

/** What `read` returns once it succeeds, retried for {@link RETRY_AFTER_SECONDS}. */
async function withinRetryHint<T>(read: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + RETRY_AFTER_SECONDS * 1000;
  for (;;) {
    try {
      return await read();
    } catch (error) {
      if (
        Date.now() > deadline ||
        !(error instanceof ServiceUnavailableError)
      ) {
        throw error;
      }
      await new Promise(resolve => setTimeout(resolve, 100));
    }
  }
}

describe.each(databases.eachSupportedId())('database errors on %s', id => {
  it('bounds a failed statement: the driver’s words only, no statement, no values', async () => {
    const knex = await databases.init(id);
    await knex.schema.createTable('facts', table => {
      table.string('id').primary();
      table.text('body');
    });
    const secret = 'a-bound-value-never-logged';
    const rows = Array.from({ length: 200 }, (_, i) => ({
      id: `fact-${i}`,
      body: `${secret} ${'x'.repeat(200)}`,
    }));
    await knex('facts').insert(rows[0]);
    const raw = await rejectionOf(knex('facts').insert(rows));
    // What knex throws: the whole statement (with its values, unless the
    // client is told not to compile them in), KBs of it.
    expect(raw.message.length).toBeGreaterThan(MAX_DATABASE_MESSAGE_LENGTH);

    const error = toStoreError(raw) as Error & Record<string, unknown>;
    expect(error).toBe(raw); // same class and code: still a 500, filtered
    expect(error.message.length).toBeLessThanOrEqual(
      MAX_DATABASE_MESSAGE_LENGTH + 1,
    );
    expect(error.message).toMatch(/unique|UNIQUE/);
    const logged = JSON.stringify({ ...error, stack: error.stack });
    expect(logged).not.toContain(secret);
    // PostgreSQL's detail names the key at fault: a value too.
    expect(logged).not.toContain('fact-0');
    expect(logged).not.toMatch(/insert into/i);
    expect(isDatabaseUnavailableError(raw)).toBe(false);
  });
});

const postgres = databases
  .eachSupportedId()
  .filter(([id]) => id.startsWith('POSTGRES'));
const describeOnPostgres = postgres.length > 0 ? describe : describe.skip;

describeOnPostgres('a lost PostgreSQL connection', () => {
  /** Ends every connection to the database but the admin's own. */
  async function terminateOthers(admin: Knex.Transaction) {
    // Only once the statement runs, so it is cut off mid-request.
    for (let tries = 0; tries < 200; tries++) {
      // A transaction sees one snapshot of the statistics unless cleared.
      await admin.raw('select pg_stat_clear_snapshot()');
      const { rows } = await admin.raw(
        `select count(*)::int as n from pg_stat_activity
          where datname = current_database() and state = 'active'
            and query like 'select pg_sleep%'`,
      );
      if (rows[0].n > 0) break;
      await new Promise(resolve => setTimeout(resolve, 25));
    }
    const { rows } = await admin.raw(
      `select pg_terminate_backend(pid) as ended from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid()`,
    );
    return rows.filter((row: { ended: boolean }) => row.ended).length;
  }

  it('is a 503 for the store’s caller, and the pool reconnects', async () => {
    const knex = await databases.init(postgres[0][0]);
    const store = withDatabaseErrors({
      async sleepy() {
        return knex.raw('select pg_sleep(30)');
      },
      async answer() {
        return (await knex.raw('select 42 as answer')).rows[0].answer;
      },
    });
    const admin = await knex.transaction();
    const running = rejectionOf(store.sleepy());
    let ended: number;
    try {
      ended = await terminateOthers(admin);
    } finally {
      await admin.rollback();
    }
    expect(ended).toBeGreaterThan(0);
    const error = await running;
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).toBe(
      'The service is unavailable because its database connection was lost or could not be opened; retry in 5 seconds',
    );
    // Idle pooled connections ended too: the pool drops each as soon as
    // it hears of it, so a client retrying when told to gets an answer.
    expect(await withinRetryHint(() => store.answer())).toBe(42);
  });
});

describe('toStoreError', () => {
  it.each([
    [
      'a terminated backend (57P01)',
      Object.assign(new Error('x'), { code: '57P01' }),
    ],
    [
      'a refused connection',
      Object.assign(new Error('x'), { code: 'ECONNREFUSED' }),
    ],
    [
      'a closed connection',
      new Error('ROLLBACK - Connection terminated unexpectedly'),
    ],
    [
      'an exhausted pool',
      Object.assign(
        new Error(
          'Knex: Timeout acquiring a connection. The pool is probably full.',
        ),
        { name: 'KnexTimeoutError' },
      ),
    ],
    [
      'a deadlock',
      Object.assign(new Error('deadlock detected'), { code: '40P01' }),
    ],
    [
      'a busy SQLite file',
      Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' }),
    ],
  ])('makes %s a 503', (_name, error) => {
    expect(toStoreError(error)).toBeInstanceOf(ServiceUnavailableError);
  });

  it('passes a store’s own errors on unchanged', () => {
    const conflict = new ConflictError('another import is running');
    expect(toStoreError(conflict)).toBe(conflict);
    expect(conflict.message).toBe('another import is running');
  });
});

describe('retryAfterOnUnavailable', () => {
  function app(error: Error) {
    const router = Router();
    router.get('/', async () => {
      throw error;
    });
    router.use(retryAfterOnUnavailable());
    return express()
      .use(router)
      .use(
        (
          e: Error,
          _req: express.Request,
          res: express.Response,
          _next: express.NextFunction,
        ) => {
          res.status(e.name === 'ServiceUnavailableError' ? 503 : 500).end();
        },
      );
  }

  it('adds Retry-After to a 503 and passes the error on', async () => {
    const res = await request(app(new ServiceUnavailableError('away'))).get(
      '/',
    );
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
  });

  it('leaves other errors alone', async () => {
    const res = await request(app(new Error('boom'))).get('/');
    expect(res.status).toBe(500);
    expect(res.headers['retry-after']).toBeUndefined();
  });
});

import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  coreServices,
  createBackendPlugin,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { ConflictError } from '@backstage/errors';
import {
  costSourcesExtensionPoint,
  type CostSource,
} from '@paved/plugin-cost-node';
import { InMemoryCostSink } from '@paved/plugin-cost-node/testUtils';
import { focusFile, focusRow } from './__testUtils__/focusCsv';
import { costModuleFocus, FOCUS_IMPORT_TASK_ID } from './module';
import { FOCUS_IMPORT_AUDIT_EVENT } from './uploadRoute';

jest.setTimeout(60_000);

/**
 * AuthorizeResult.ALLOW | DENY (string enum values) without a dependency on
 * @backstage/plugin-permission-common.
 */
type PermissionResult = NonNullable<
  Parameters<typeof mockServices.permissions.factory>[0]
>['result'];

/** The cost plugin's side of the extension point, over the sink double. */
function costPluginWith(sink: InMemoryCostSink) {
  return createBackendPlugin({
    pluginId: 'cost',
    register(env) {
      const sources: CostSource[] = [];
      env.registerExtensionPoint(costSourcesExtensionPoint, {
        addSource: source => sources.push(source),
      });
      env.registerInit({
        deps: {},
        async init() {
          for (const source of sources) await source.connect(sink);
        },
      });
    },
  });
}

const november = focusFile([
  focusRow({ day: '2026-11-01', cost: 10, app: 'orders-service' }),
  focusRow({ day: '2026-11-02', cost: 20, app: 'orders-service' }),
  focusRow({ day: '2026-11-02', cost: 5, app: 'payments-gateway' }),
]);

describe('FOCUS module', () => {
  async function start(
    options: {
      config?: Record<string, any>;
      permission?: 'ALLOW' | 'DENY';
      auditor?: ReturnType<typeof mockServices.auditor.mock>;
    } = {},
  ) {
    const sink = new InMemoryCostSink();
    const scheduler = mockServices.scheduler();
    const backend = await startTestBackend({
      features: [
        costPluginWith(sink),
        costModuleFocus,
        mockServices.rootConfig.factory({ data: options.config ?? {} }),
        // Tasks run only when a test triggers them.
        createServiceFactory({
          service: coreServices.scheduler,
          deps: {},
          factory: () => scheduler,
        }),
        // Without an Authorization header a caller has no credentials.
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
        mockServices.permissions.factory({
          result: (options.permission ?? 'ALLOW') as PermissionResult,
        }),
        ...(options.auditor ? [options.auditor.factory] : []),
      ],
    });
    const { port } = backend.server.address() as AddressInfo;
    const upload = (
      body: BodyInit,
      {
        name = 'aws-payer',
        contentType = 'text/csv',
        auth = mockCredentials.user.header(),
        encoding,
      }: {
        name?: string;
        contentType?: string;
        auth?: string | null;
        encoding?: string;
      } = {},
    ) =>
      fetch(
        `http://localhost:${port}/api/cost/focus/imports?name=${encodeURIComponent(
          name,
        )}`,
        {
          method: 'POST',
          headers: {
            'content-type': contentType,
            ...(auth ? { authorization: auth } : {}),
            ...(encoding ? { 'content-encoding': encoding } : {}),
          },
          body,
          // Lets fetch send a ReadableStream body.
          duplex: 'half',
        } as RequestInit,
      );
    return { backend, sink, scheduler, upload };
  }

  describe('POST /api/cost/focus/imports', () => {
    it('stores an uploaded file and answers 201 with what it stored', async () => {
      const { backend, sink, upload } = await start();
      try {
        const res = await upload(november);
        expect(res.status).toBe(201);
        expect(await res.json()).toEqual({
          source: 'focus:aws-payer',
          stored: 3,
          days: 2,
          from: '2026-11-01',
          to: '2026-11-02',
        });
        expect(sink.effectiveTotal('focus:aws-payer')).toBe(35);
        // A pipeline's service credentials may upload too.
        const fromService = await upload(november, {
          name: 'gcp-billing',
          auth: mockCredentials.service.header(),
        });
        expect(fromService.status).toBe(201);
        expect(sink.effectiveTotal('focus:gcp-billing')).toBe(35);
        expect(
          sink.records('focus:aws-payer').map(r => [r.day, r.labels.app]),
        ).toEqual([
          ['2026-11-01', 'orders-service'],
          ['2026-11-02', 'orders-service'],
          ['2026-11-02', 'payments-gateway'],
        ]);
      } finally {
        await backend.stop();
      }
    });

    it('replaces on re-upload of the same file or period, never doubles', async () => {
      const { backend, sink, upload } = await start();
      try {
        expect((await upload(november)).status).toBe(201);
        expect((await upload(november)).status).toBe(201);
        expect(sink.effectiveTotal('focus:aws-payer')).toBe(35);
        // A corrected export of 2026-11-02 replaces that day only.
        const corrected = focusFile([
          focusRow({ day: '2026-11-02', cost: 21, app: 'orders-service' }),
        ]);
        expect((await upload(corrected)).status).toBe(201);
        expect(sink.effectiveTotal('focus:aws-payer')).toBe(31);
      } finally {
        await backend.stop();
      }
    });

    it('answers 400 naming the row and column of a bad file, and stores nothing of it', async () => {
      const { backend, sink, upload } = await start();
      try {
        await upload(november);
        const bad = focusFile([
          focusRow({ day: '2026-11-01', cost: 99, app: 'orders-service' }),
          focusRow({ day: '2026-11-02', cost: 'abc', app: 'orders-service' }),
        ]);
        const res = await upload(bad);
        expect(res.status).toBe(400);
        const body = await res.json();
        expect(body.error.name).toBe('InputError');
        expect(body.error.message).toContain(
          'row 3, column BilledCost: "abc" is not a number',
        );
        // The row and the column reach the caller as fields, for tools.
        expect(body.error).toMatchObject({ row: 3, column: 'BilledCost' });
        // The good first row of the bad file did not replace 2026-11-01.
        expect(sink.effectiveTotal('focus:aws-payer')).toBe(35);
      } finally {
        await backend.stop();
      }
    });

    it('answers 400 naming the row and columns of a charge period too long or a value too long for the database', async () => {
      const { backend, sink, upload } = await start();
      try {
        await upload(november);
        const cases: Array<[string, string]> = [
          [
            // A charge claiming a century would be split into 36,500 rows.
            focusRow({ day: '2026-11-01', cost: 1, app: 'x' }).replace(
              '2026-11-01T00:00:00Z',
              '1926-11-01T00:00:00Z',
            ),
            'row 3, columns ChargePeriodStart, ChargePeriodEnd: the charge period is 36526 days long; a row covers at most 366 days',
          ],
          [
            focusRow({ day: '2026-11-01', cost: 1, app: 'x' }).replace(
              'eu-west-1,1,',
              `${'eu-west-1-'.repeat(7)},1,`,
            ),
            'row 3, column RegionId: ',
          ],
        ];
        for (const [row, problem] of cases) {
          const res = await upload(
            focusFile([
              focusRow({ day: '2026-11-01', cost: 99, app: 'orders-service' }),
              row,
            ]),
          );
          expect(res.status).toBe(400);
          const { error } = await res.json();
          expect(error.name).toBe('InputError');
          expect(error.message).toContain(problem);
        }
        const long = await upload(
          focusFile([
            focusRow({ day: '2026-11-01', cost: 99, app: 'orders-service' }),
            focusRow({ day: '2026-11-01', cost: 1, app: 'x' }).replace(
              'eu-west-1,1,',
              `eu-west-1,${'9'.repeat(256)},`,
            ),
          ]),
        );
        expect(long.status).toBe(400);
        expect((await long.json()).error.message).toContain(
          'row 3, column SubAccountId: ',
        );
        expect(sink.effectiveTotal('focus:aws-payer')).toBe(35);
      } finally {
        await backend.stop();
      }
    });

    it('answers 409 while another import of the same name is being stored', async () => {
      const { backend, sink, upload } = await start();
      try {
        jest
          .spyOn(sink, 'transaction')
          .mockRejectedValueOnce(
            new ConflictError(
              'An import of source focus:aws-payer is running; try again when it has finished',
            ),
          );
        const res = await upload(november);
        expect(res.status).toBe(409);
        expect((await res.json()).error.message).toBe(
          'An import of source focus:aws-payer is running; try again when it has finished',
        );
        expect(sink.records('focus:aws-payer')).toEqual([]);
      } finally {
        await backend.stop();
      }
    });

    it('answers 400 early for a bad row at the start of a large upload', async () => {
      const { backend, sink, upload } = await start();
      try {
        const good = focusRow({ day: '2026-11-01', cost: 1, app: 'x' });
        const chunk = new TextEncoder().encode(
          `${Array(1000).fill(good).join('\n')}\n`,
        );
        let sent = 0;
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(
              new TextEncoder().encode(
                focusFile([focusRow({ day: '2026-11-01', cost: 'oops' })]),
              ),
            );
          },
          pull(controller) {
            // About 150 MB if it were all sent.
            if (sent++ < 1000) controller.enqueue(chunk);
            else controller.close();
          },
        });
        const res = await upload(body);
        expect(res.status).toBe(400);
        expect((await res.json()).error.message).toContain(
          'row 2, column BilledCost: "oops" is not a number',
        );
        expect(sent).toBeLessThan(1000);
        expect(sink.records('focus:aws-payer')).toEqual([]);
      } finally {
        await backend.stop();
      }
    });

    it('accepts a gzipped file and answers 400 for a body that is not gzip', async () => {
      const { backend, sink, upload } = await start();
      try {
        const res = await upload(gzipSync(november), { encoding: 'gzip' });
        expect(res.status).toBe(201);
        expect(sink.effectiveTotal('focus:aws-payer')).toBe(35);
        const bad = await upload(november, { name: 'other', encoding: 'gzip' });
        expect(bad.status).toBe(400);
        expect((await bad.json()).error.message).toContain('not valid gzip');
        expect(sink.records('focus:other')).toEqual([]);
      } finally {
        await backend.stop();
      }
    });

    it('answers 401 without credentials and 403 without the cost.import permission', async () => {
      const open = await start();
      try {
        const res = await open.upload(november, { auth: null });
        expect(res.status).toBe(401);
        expect(open.sink.calls).toEqual([]);
      } finally {
        await open.backend.stop();
      }
      const denied = await start({ permission: 'DENY' });
      try {
        const res = await denied.upload(november);
        expect(res.status).toBe(403);
        expect(denied.sink.calls).toEqual([]);
      } finally {
        await denied.backend.stop();
      }
    });

    it('answers 415 for a body that is not text/csv and 400 for a bad import name', async () => {
      const { backend, sink, upload } = await start();
      try {
        const json = await upload('{"rows":[]}', {
          contentType: 'application/json',
        });
        expect(json.status).toBe(415);
        expect((await json.json()).error.message).toContain('text/csv');
        for (const name of ['', 'AWS Payer', '../etc']) {
          const res = await upload(november, { name });
          expect(res.status).toBe(400);
          expect((await res.json()).error.message).toContain('import name');
        }
        expect(sink.calls).toEqual([]);
      } finally {
        await backend.stop();
      }
    });

    it('audits every upload, stored or refused, with the import and what was stored', async () => {
      const success = jest.fn();
      const fail = jest.fn();
      const auditor = mockServices.auditor.mock({
        createEvent: jest.fn(async () => ({ success, fail })),
      });
      const { backend, upload } = await start({ auditor });
      try {
        expect((await upload(november)).status).toBe(201);
        expect(auditor.createEvent).toHaveBeenLastCalledWith(
          expect.objectContaining({
            eventId: FOCUS_IMPORT_AUDIT_EVENT,
            severityLevel: 'medium',
            meta: { importName: 'aws-payer' },
          }),
        );
        expect(success).toHaveBeenCalledWith({
          meta: {
            source: 'focus:aws-payer',
            stored: 3,
            days: 2,
            from: '2026-11-01',
            to: '2026-11-02',
          },
        });

        const refused = await upload('{"rows":[]}', {
          contentType: 'application/json',
        });
        expect(refused.status).toBe(415);
        expect(fail).toHaveBeenCalledWith({
          error: expect.objectContaining({ name: 'UnsupportedMediaTypeError' }),
        });
        expect(success).toHaveBeenCalledTimes(1);
      } finally {
        await backend.stop();
      }
    });

    it('answers 413 for a file over cost.focus.maxUploadBytes and stores nothing', async () => {
      const { backend, sink, upload } = await start({
        config: { cost: { focus: { maxUploadBytes: 200 } } },
      });
      try {
        const res = await upload(november);
        expect(res.status).toBe(413);
        // Sent in chunks, without a Content-Length to check up front.
        const chunked = await upload(
          new Blob([november]).stream() as ReadableStream<Uint8Array>,
        );
        expect(chunked.status).toBe(413);
        expect((await chunked.json()).error.message).toContain(
          'larger than the limit of 200 bytes',
        );
        expect(sink.records('focus:aws-payer')).toEqual([]);
      } finally {
        await backend.stop();
      }
    });
  });

  describe('configured files', () => {
    let dir: string;
    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'focus-module-'));
    });
    afterEach(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('imports cost.focus.imports on the scheduled task', async () => {
      await writeFile(join(dir, 'nov.csv'), november);
      const { backend, sink, scheduler } = await start({
        config: {
          cost: {
            focus: {
              imports: [{ name: 'aws-payer', path: join(dir, 'nov.csv') }],
            },
          },
        },
      });
      try {
        expect(await scheduler.getScheduledTasks()).toContainEqual(
          expect.objectContaining({
            id: FOCUS_IMPORT_TASK_ID,
            scope: 'global',
          }),
        );
        await scheduler.triggerTask(FOCUS_IMPORT_TASK_ID);
        expect(sink.effectiveTotal('focus:aws-payer')).toBe(35);
      } finally {
        await backend.stop();
      }
    });

    it('refuses to start with an import name that is not a-z0-9-', async () => {
      await expect(
        start({
          config: {
            cost: { focus: { imports: [{ name: 'AWS', path: dir }] } },
          },
        }),
      ).rejects.toThrow(/name "AWS" must be lower-case/);
    });
  });
});

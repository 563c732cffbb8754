import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { mockServices } from '@backstage/backend-test-utils';
import { InMemoryCostSink } from '@paved/plugin-cost-node/testUtils';
import { focusFile, focusRow } from './__testUtils__/focusCsv';
import { FocusFileImports } from './FocusFileImports';
import { FocusSource } from './FocusSource';

describe('FocusFileImports', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'focus-imports-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function setUp(imports: Array<{ name: string; path: string }>) {
    const sink = new InMemoryCostSink();
    const source = FocusSource.create();
    await source.connect(sink);
    const logger = mockServices.logger.mock();
    const files = FocusFileImports.create({ imports, source, logger });
    return { sink, files, logger };
  }

  const october = focusFile([
    focusRow({ day: '2026-10-30', cost: 7, app: 'orders-service' }),
    focusRow({ day: '2026-10-31', cost: 8, app: 'orders-service' }),
  ]);
  const november = focusFile([
    focusRow({ day: '2026-11-01', cost: 10, app: 'orders-service' }),
  ]);

  it('imports a single file and every .csv and .csv.gz file of a directory', async () => {
    await mkdir(join(dir, 'exports'));
    await writeFile(join(dir, 'exports', '2026-10.csv'), october);
    await writeFile(join(dir, 'exports', '2026-11.csv.gz'), gzipSync(november));
    await writeFile(join(dir, 'exports', 'notes.txt'), 'not a bill');
    await writeFile(join(dir, 'gcp.csv'), november);
    const { sink, files } = await setUp([
      { name: 'aws', path: join(dir, 'exports') },
      // Relative paths are resolved from the working directory.
      { name: 'gcp', path: relative(process.cwd(), join(dir, 'gcp.csv')) },
    ]);
    const outcomes = await files.run();
    expect(outcomes.map(o => o.outcome)).toEqual([
      'imported',
      'imported',
      'imported',
    ]);
    expect(sink.effectiveTotal('focus:aws')).toBe(25);
    expect(sink.effectiveTotal('focus:gcp')).toBe(10);
  });

  it('skips a file whose content did not change and re-imports one that did', async () => {
    const file = join(dir, 'bill.csv');
    await writeFile(file, november);
    const { sink, files } = await setUp([{ name: 'aws', path: file }]);
    await files.run();
    expect((await files.run()).map(o => o.outcome)).toEqual(['unchanged']);
    expect(sink.calls).toHaveLength(1);

    // The provider rewrites the month's file with a late charge.
    await writeFile(
      file,
      focusFile([
        focusRow({ day: '2026-11-01', cost: 10, app: 'orders-service' }),
        focusRow({ day: '2026-11-01', cost: 2.5, app: 'payments-gateway' }),
      ]),
    );
    expect((await files.run()).map(o => o.outcome)).toEqual(['imported']);
    expect(sink.effectiveTotal('focus:aws')).toBe(12.5);
  });

  it('logs a bad file with its row-level error, stores nothing of it and still imports the others', async () => {
    await writeFile(join(dir, 'a-good.csv'), october);
    await writeFile(
      join(dir, 'b-bad.csv'),
      focusFile([
        focusRow({ day: '2026-11-01', cost: 10, app: 'orders-service' }),
        focusRow({ day: '2026-11-02', cost: 'n/a', app: 'orders-service' }),
      ]),
    );
    await writeFile(
      join(dir, 'c-good.csv'),
      november
        .replace('2026-11-01', '2026-11-05')
        .replace('2026-11-02T', '2026-11-06T'),
    );
    const { sink, files, logger } = await setUp([{ name: 'aws', path: dir }]);
    const outcomes = await files.run();
    expect(outcomes.map(o => o.outcome)).toEqual([
      'imported',
      'failed',
      'imported',
    ]);
    expect(logger.error).toHaveBeenCalledWith(
      expect.stringContaining(
        'nothing stored from b-bad.csv: FOCUS file b-bad.csv cannot be imported: row 3, column BilledCost: "n/a" is not a number',
      ),
    );
    expect(sink.records('focus:aws').map(r => r.day)).toEqual([
      '2026-10-30',
      '2026-10-31',
      '2026-11-05',
    ]);
    // The same bad content is not tried again; a fixed file is.
    expect((await files.run()).map(o => o.outcome)).toEqual([
      'unchanged',
      'unchanged',
      'unchanged',
    ]);
    await writeFile(join(dir, 'b-bad.csv'), november);
    expect((await files.run()).map(o => o.outcome)).toEqual([
      'unchanged',
      'imported',
      'unchanged',
    ]);
    expect(sink.effectiveTotal('focus:aws')).toBe(35);
  });

  it('warns when two files of one import cover the same days', async () => {
    await writeFile(join(dir, 'part-1.csv'), november);
    await writeFile(join(dir, 'part-2.csv'), november);
    const { files, logger } = await setUp([{ name: 'aws', path: dir }]);
    await files.run();
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining(
        'part-2.csv (2026-11-01 to 2026-11-01) and part-1.csv (2026-11-01 to 2026-11-01) cover the same days',
      ),
    );
  });

  it('logs a path that does not exist and goes on with the other imports', async () => {
    await writeFile(join(dir, 'bill.csv'), november);
    const { sink, files, logger } = await setUp([
      { name: 'azure', path: join(dir, 'missing') },
      { name: 'aws', path: join(dir, 'bill.csv') },
    ]);
    await files.run();
    expect(logger.error).toHaveBeenCalledWith(
      expect.stringContaining('FOCUS import azure: cannot read'),
    );
    expect(sink.effectiveTotal('focus:aws')).toBe(10);
  });
});

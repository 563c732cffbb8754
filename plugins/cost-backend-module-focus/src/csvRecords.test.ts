import { stringify } from 'csv-stringify/sync';
import { CsvRecords, CsvSyntaxError, MAX_RECORD_LENGTH } from './csvRecords';

/** All records of `text` fed in pieces cut at `cuts`. */
function split(text: string, cuts: number[] = []) {
  const csv = new CsvRecords();
  const records: string[][] = [];
  let from = 0;
  for (const cut of [...cuts, text.length]) {
    records.push(...csv.push(text.slice(from, cut)));
    from = cut;
  }
  records.push(...csv.end());
  return records;
}

function failure(text: string): CsvSyntaxError {
  try {
    split(text);
  } catch (e) {
    if (e instanceof CsvSyntaxError) return e;
    throw e;
  }
  throw new Error('no error');
}

describe('CsvRecords', () => {
  it('reads quoted values with commas, quotes and line breaks, CRLF or LF', () => {
    expect(
      split('a,b,c\r\n"x, y","say ""hi""","line\r\nbreak"\n1,,3\n'),
    ).toEqual([
      ['a', 'b', 'c'],
      ['x, y', 'say "hi"', 'line\r\nbreak'],
      ['1', '', '3'],
    ]);
  });

  it('reads an unquoted NULL as empty when told to, and a quoted one as text', () => {
    const csv = new CsvRecords({ unquotedNull: 'NULL' });
    expect([
      ...csv.push('a,b,c,d\nNULL,"NULL",NULLS,x\n'),
      ...csv.end(),
    ]).toEqual([
      ['a', 'b', 'c', 'd'],
      ['', 'NULL', 'NULLS', 'x'],
    ]);
    expect(split('a\nNULL\n')).toEqual([['a'], ['NULL']]);
  });

  it('skips empty lines, drops a byte order mark and reads a last line without a line end', () => {
    expect(split('\uFEFFa,b\n\n1,2\r\n\r\n3,""\n""\r\n4,')).toEqual([
      ['a', 'b'],
      ['1', '2'],
      ['3', ''],
      [''],
      ['4', ''],
    ]);
  });

  it('gives the same records however the text is cut into pieces', () => {
    const text = 'a,"b ""q""",c\r\n"1\r\n2",,"x"\r\n3,4,5\n"",6,\r\n';
    const whole = split(text);
    for (let i = 0; i <= text.length; i++) {
      for (let j = i; j <= text.length; j += 3) {
        expect(split(text, [i, j])).toEqual(whole);
      }
    }
  });

  it('reads back what csv-stringify writes, cut anywhere', () => {
    const values = [
      '',
      'plain',
      'a,b',
      'q"uote',
      '""',
      'x\ny',
      'r\r\nn',
      ' sp ',
      '{"app":"checkout"}',
      'Zürich 東京',
    ];
    const records = Array.from({ length: 200 }, (_, i) =>
      Array.from(
        { length: 5 },
        (__, j) => values[(i * 7 + j * 3) % values.length],
      ),
    );
    const text = stringify(records);
    for (const size of [1, 7, 64, 4096]) {
      const cuts = [];
      for (let at = size; at < text.length; at += size) cuts.push(at);
      expect(split(text, cuts)).toEqual(records);
    }
  });

  it('refuses a quote that is never closed, naming how many records came before', () => {
    const error = failure('a,b\n1,2\n3,"open\n4,5\n');
    expect(error.message).toBe('a quoted value is never closed');
    expect(error.records).toBe(2);
  });

  it('refuses a quote inside an unquoted value', () => {
    const error = failure('a,b\n1,x"y\n');
    expect(error.message).toBe(
      'a quote inside a value that does not start with one (field 2)',
    );
    expect(error.records).toBe(1);
  });

  it('refuses text after a closing quote', () => {
    expect(failure('a,b\n"x"y,2\n').message).toBe(
      'a closing quote is followed by "y" instead of a comma or a line end (field 1)',
    );
  });

  it('returns the records before a bad one first, then refuses', () => {
    const csv = new CsvRecords();
    expect(csv.push('a,b\n1,2\n3,x"\n')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    expect(() => csv.end()).toThrow(CsvSyntaxError);
  });

  it('refuses a record longer than the limit instead of holding the rest of the file', () => {
    const csv = new CsvRecords();
    csv.push('a,b\n1,"');
    const block = 'x'.repeat(64 * 1024);
    let error: unknown;
    try {
      for (let i = 0; i <= MAX_RECORD_LENGTH / block.length; i++) {
        csv.push(block);
      }
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CsvSyntaxError);
    expect((error as CsvSyntaxError).message).toMatch(
      /a record longer than 1 MiB/,
    );
  });
});

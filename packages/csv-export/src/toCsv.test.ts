import { spreadsheetSafeCell, toCsv } from './toCsv';
import { parseCsv } from './parseCsv';

describe('toCsv', () => {
  it('writes a header and RFC 4180 quoted rows', () => {
    const csv = toCsv(
      ['service', 'note', 'count'],
      [
        ['checkout', 'says "hi", twice\nthen stops', 3],
        ['search', null, undefined],
      ],
    );
    expect(csv).toBe(
      'service,note,count\n' +
        'checkout,"says ""hi"", twice\nthen stops",3\n' +
        'search,,\n',
    );
  });

  it.each([
    '=HYPERLINK("http://evil")',
    '+1+1',
    '-2+3',
    '@SUM(A1)',
    '\t=1',
    '\r=1',
  ])('never lets a cell start a formula: %j', value => {
    const line = toCsv(['value'], [[value]]).split('\n')[1];
    expect(line.replace(/^"/, '')).not.toMatch(/^[=+\-@\t\r]/);
    expect(spreadsheetSafeCell(value)).toBe(`'${value}`);
  });

  it('keeps numbers, including negative ones, as numbers', () => {
    expect(toCsv(['cost'], [[-3.5]])).toBe('cost\n-3.5\n');
    expect(spreadsheetSafeCell(0)).toBe('0');
    expect(spreadsheetSafeCell(Number.NaN)).toBe('');
    expect(spreadsheetSafeCell(true)).toBe('true');
    expect(spreadsheetSafeCell('component:default/checkout')).toBe(
      'component:default/checkout',
    );
  });
});

describe('parseCsv', () => {
  it('reads back what toCsv wrote, quotes, commas and line breaks included', () => {
    const rows = [
      ['plain', 'a, b', 'say "hi"'],
      ['two\nlines', '', '=1+1'],
    ];
    expect(parseCsv(toCsv(['x', 'y', 'z'], rows))).toEqual([
      ['x', 'y', 'z'],
      ['plain', 'a, b', 'say "hi"'],
      ['two\nlines', '', "'=1+1"],
    ]);
  });
});

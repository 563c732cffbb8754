import { renderInTestApp } from '@backstage/frontend-test-utils';
import { ChartDataTable } from './ChartDataTable';

describe('ChartDataTable', () => {
  it('gives screen readers the numbers behind a chart, each row headed by its period', async () => {
    const { getByRole, getAllByRole } = await renderInTestApp(
      <ChartDataTable
        caption="Cost per day"
        columns={['Period', 'Total', 'Compute']}
        rows={[
          {
            key: '2026-03-01',
            label: '1 Mar 2026',
            cells: ['$12.00', '$8.00'],
          },
          {
            key: '2026-03-02',
            label: '2 Mar 2026',
            cells: ['$10.00', '$7.00'],
          },
        ]}
      />,
    );
    expect(getByRole('table', { name: 'Cost per day' }).tagName).toBe('TABLE');
    expect(getAllByRole('columnheader').map(h => h.textContent)).toEqual([
      'Period',
      'Total',
      'Compute',
    ]);
    expect(getAllByRole('rowheader').map(h => h.textContent)).toEqual([
      '1 Mar 2026',
      '2 Mar 2026',
    ]);
    expect(getAllByRole('cell').map(c => c.textContent)).toEqual([
      '$12.00',
      '$8.00',
      '$10.00',
      '$7.00',
    ]);
  });
});

import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import {
  checkoutService,
  currentMetrics,
  previousMetrics,
} from '../../__testUtils__/fixtures';
import {
  isPreviousWindow,
  renderEntityDelivery,
  seriesFixture,
  serveDora,
} from '../../__testUtils__/render';

const HOUR = 3600;

describe('the trend charts', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  function serve() {
    return serveDora(server, {
      metrics: url =>
        isPreviousWindow(url) ? previousMetrics : currentMetrics,
      series: url => {
        if (url.searchParams.get('metric') !== 'changeLeadTime') {
          return seriesFixture(url, [1, 2]);
        }
        return url.searchParams.get('interval') === 'day'
          ? seriesFixture(url, [
              HOUR,
              2 * HOUR,
              null,
              4 * HOUR,
              5 * HOUR,
              6 * HOUR,
            ])
          : seriesFixture(url, [5 * HOUR, 3 * HOUR, 90 * 60]);
      },
    });
  }

  it('plots a point for each interval of the series', async () => {
    serve();
    const { container } = await renderEntityDelivery(checkoutService);

    const chart = await screen.findByRole('article', {
      name: 'Change lead time trend',
    });
    const points = await within(chart).findByRole('table', {
      name: 'Change lead time per week',
    });
    const rows = within(points).getAllByRole('row').slice(1);
    expect(rows.map(row => row.textContent)).toEqual([
      expect.stringContaining('5 h'),
      expect.stringContaining('3 h'),
      expect.stringContaining('1.5 h'),
    ]);
    // The line has a dot per point and readable axis ticks.
    await waitFor(() =>
      expect(chart.querySelectorAll('.recharts-line-dot')).toHaveLength(3),
    );
    expect(
      chart.querySelectorAll('.recharts-cartesian-axis-tick-value').length,
    ).toBeGreaterThan(2);
    // Deployment frequency is drawn as bars, per day like its tile.
    expect(
      container.querySelectorAll(
        '[aria-label="Deployment frequency trend"] .recharts-bar-rectangle',
      ).length,
    ).toBe(2);
  });

  it('asks for the new interval when the user switches to days', async () => {
    const requests = serve();
    await renderEntityDelivery(checkoutService);
    const chart = await screen.findByRole('article', {
      name: 'Change lead time trend',
    });
    await within(chart).findByRole('table', {
      name: 'Change lead time per week',
    });

    await userEvent.click(screen.getByRole('radio', { name: 'Day' }));

    const daily = await within(chart).findByRole('table', {
      name: 'Change lead time per day',
    });
    expect(within(daily).getAllByRole('row')).toHaveLength(7);
    expect(within(daily).getByText('No data')).toBeInTheDocument();
    const leadTimeReads = requests.filter(
      url =>
        url.pathname.endsWith('/series') &&
        url.searchParams.get('metric') === 'changeLeadTime',
    );
    expect(leadTimeReads.map(url => url.searchParams.get('interval'))).toEqual([
      'week',
      'day',
    ]);
  });
});

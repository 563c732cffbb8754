/**
 * Imported by a frontend plugin's setupTests: Recharts' ResponsiveContainer
 * sizes the chart from its parent, which jsdom lays out at 0×0 (and jsdom
 * has no ResizeObserver). In tests the chart is rendered at a fixed size
 * instead; the chart code itself stays as in the browser.
 *
 * @packageDocumentation
 */
import { cloneElement, type ReactElement } from 'react';

jest.mock('recharts', () => {
  const actual = jest.requireActual('recharts');
  return {
    ...actual,
    ResponsiveContainer: ({
      children,
      height,
    }: {
      children: ReactElement;
      height?: number | string;
    }) =>
      cloneElement(children, {
        width: 600,
        height: typeof height === 'number' ? height : 200,
      }),
  };
});

import { compareWithPrevious, metricDefinition } from './metrics';

describe('compareWithPrevious', () => {
  const frequency = metricDefinition('deploymentFrequency');
  const leadTime = metricDefinition('changeLeadTime');
  const failRate = metricDefinition('changeFailRate');

  it('calls more deployments better and a longer lead time worse', () => {
    expect(compareWithPrevious(frequency, 1.5, 1, 30)).toEqual({
      tone: 'better',
      direction: 'up',
      text: '+50% vs previous 30 days',
    });
    expect(compareWithPrevious(leadTime, 5 * 3600, 4 * 3600, 90)).toEqual({
      tone: 'worse',
      direction: 'up',
      text: '+25% vs previous 90 days',
    });
    expect(compareWithPrevious(leadTime, 3 * 3600, 4 * 3600, 90).tone).toBe(
      'better',
    );
  });

  it('compares rates in percentage points', () => {
    expect(compareWithPrevious(failRate, 0.1, 0.15, 30)).toEqual({
      tone: 'better',
      direction: 'down',
      text: '−5 pts vs previous 30 days',
    });
    expect(compareWithPrevious(failRate, 0.101, 0.1, 30)).toMatchObject({
      tone: 'neutral',
      direction: 'flat',
      text: 'No change vs previous 30 days',
    });
  });

  it('says when there is nothing to compare with', () => {
    expect(compareWithPrevious(leadTime, 3600, null, 1)).toEqual({
      tone: 'neutral',
      direction: null,
      text: 'No data in the previous 1 day',
    });
    expect(compareWithPrevious(frequency, 0.5, 0, 30)).toMatchObject({
      tone: 'better',
      text: 'Up from none vs previous 30 days',
    });
  });
});

describe('the deployment frequency trend', () => {
  it('is per day, so a short last bucket does not look like a drop', () => {
    const frequency = metricDefinition('deploymentFrequency');
    expect(
      frequency.pointValue({
        start: '2026-11-23T00:00:00.000Z',
        end: '2026-11-25T00:00:00.000Z',
        value: 3,
        n: 3,
      }),
    ).toBe(1.5);
  });
});

import { ConfigReader } from '@backstage/config';
import { readScorecardsConfig } from './config';

const read = (scorecards: object) =>
  readScorecardsConfig(new ConfigReader({ scorecards }));

describe('readScorecardsConfig', () => {
  it('defaults exceptions to 180 days, a reminder 14 days before, no reviewers', () => {
    expect(read({}).exceptions).toEqual({
      maxDays: 180,
      remindDaysBefore: 14,
      reviewers: [],
    });
  });

  it('reads reviewers from a list or from one string, as an environment variable gives them', () => {
    expect(
      read({
        exceptions: {
          reviewers: 'group:default/portal-admins, user:default/lena',
        },
      }).exceptions.reviewers,
    ).toEqual(['group:default/portal-admins', 'user:default/lena']);
    expect(
      read({ exceptions: { reviewers: ['group:default/platform'] } }).exceptions
        .reviewers,
    ).toEqual(['group:default/platform']);
  });

  it('refuses reviewers that are not full user or group refs, and exceptions longer than a year', () => {
    expect(() => read({ exceptions: { reviewers: ['platform'] } })).toThrow(
      "scorecards.exceptions.reviewers: 'platform' is not a full user or group ref, e.g. group:default/platform",
    );
    expect(() => read({ exceptions: { maxDays: 400 } })).toThrow(
      'scorecards.exceptions.maxDays must be a whole number of days from 1 to 366, not 400',
    );
  });

  it('makes up no demo past unless asked, and refuses to in production', () => {
    expect(readScorecardsConfig(new ConfigReader({})).demoHistoryDays).toBe(0);
    expect(
      readScorecardsConfig(
        new ConfigReader({ scorecards: { demoHistoryDays: 84 } }),
      ).demoHistoryDays,
    ).toBe(84);
    expect(() =>
      readScorecardsConfig(
        new ConfigReader({
          auth: { environment: 'production' },
          scorecards: { demoHistoryDays: 84 },
        }),
      ),
    ).toThrow(/remove it from production configuration/);
    expect(() =>
      readScorecardsConfig(
        new ConfigReader({ scorecards: { demoHistoryDays: 400 } }),
      ),
    ).toThrow(/from 0 to 366/);
  });
});

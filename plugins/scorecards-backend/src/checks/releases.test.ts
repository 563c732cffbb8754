import { summariseReleases } from './releases';

const T = 'template:default/node-service';
const at = (day: string) => new Date(`${day}T00:00:00Z`);
const release = (firstSeen: string, seenAtStart = false) => ({
  templateRef: T,
  version: '1.3.0',
  firstSeen: at(firstSeen),
  seenAtStart,
});
const seen = (name: string, version: string, day: string) => ({
  entityRef: `component:default/${name}`,
  templateRef: T,
  version,
  firstSeen: at(day),
});
const component = (name: string, version?: string) => ({
  entityRef: `component:default/${name}`,
  templateRef: T,
  ...(version ? { version } : {}),
});

describe('how a golden path’s current release is taken up', () => {
  it('times the components that upgraded after the release, and only those', () => {
    const [summary] = summariseReleases(
      new Map([[T, '1.3.0']]),
      [
        component('upgraded-fast', '1.3.0'),
        component('upgraded-slow', '1.3.1'),
        component('created-on-it', '1.3.0'),
        component('behind', '1.2.0'),
        component('no-version'),
      ],
      [release('2026-11-01')],
      [
        seen('upgraded-fast', '1.2.0', '2026-10-01'),
        seen('upgraded-fast', '1.3.0', '2026-11-03'),
        seen('upgraded-slow', '1.2.0', '2026-10-01'),
        // Later than the wanted version counts as reaching it.
        seen('upgraded-slow', '1.3.1', '2026-11-11'),
        seen('created-on-it', '1.3.0', '2026-11-20'),
        seen('behind', '1.2.0', '2026-10-01'),
      ],
    );
    expect(summary).toEqual({
      templateRef: T,
      version: '1.3.0',
      releasedAt: '2026-11-01T00:00:00.000Z',
      components: 5,
      current: 3,
      upgraded: 2,
      medianDays: 6,
    });
  });

  it('does not time a release Paved found already out, but still counts who is on it', () => {
    const [summary] = summariseReleases(
      new Map([[T, '1.3.0']]),
      [component('a', '1.3.0'), component('b', '1.2.0')],
      [release('2026-11-01', true)],
      [seen('a', '1.2.0', '2026-10-01'), seen('a', '1.3.0', '2026-11-05')],
    );
    expect(summary).toMatchObject({
      releasedAt: null,
      components: 2,
      current: 1,
      upgraded: 0,
      medianDays: null,
    });
  });

  it('leaves out a template whose current version was never recorded', () => {
    expect(
      summariseReleases(
        new Map([[T, '2.0.0']]),
        [component('a', '1.3.0')],
        [release('2026-11-01')],
        [],
      ),
    ).toEqual([]);
  });
});

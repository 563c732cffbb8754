import type { TemplateRelease } from '@paved/plugin-scorecards-common';
import { isEarlierVersion } from './campaigns';

const DAY_MS = 86_400_000;

/** A golden path's version as first seen by the evaluations. */
export type ReleaseSeen = {
  templateRef: string;
  version: string;
  firstSeen: Date;
  /** Seen with the template itself: released before Paved watched it. */
  seenAtStart: boolean;
};

/** A component first seen on a version of its golden path. */
export type ComponentVersionSeen = {
  entityRef: string;
  templateRef: string;
  version: string;
  firstSeen: Date;
};

const median = (values: number[]) => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/**
 * Each golden path's current release and its uptake. `components` are the
 * catalog's components on a golden path today, with the version they
 * record; `seen` every version each component was ever seen on. A
 * component counts as upgraded when it was seen on an earlier version
 * first and reached this one (or later) after the release; its time is
 * from the release to the first evaluation that saw it there. Components
 * created on the version, or already on it when Paved first saw the
 * release, are current but not timed.
 */
export function summariseReleases(
  currentVersions: Map<string, string>,
  components: Array<{
    entityRef: string;
    templateRef: string;
    version?: string;
  }>,
  releases: ReleaseSeen[],
  seen: ComponentVersionSeen[],
): TemplateRelease[] {
  const seenBy = new Map<string, ComponentVersionSeen[]>();
  for (const row of seen) {
    const key = `${row.entityRef}\n${row.templateRef}`;
    seenBy.set(key, [...(seenBy.get(key) ?? []), row]);
  }
  return [...currentVersions]
    .sort(([a], [b]) => a.localeCompare(b))
    .flatMap(([templateRef, version]) => {
      const release = releases.find(
        r => r.templateRef === templateRef && r.version === version,
      );
      if (!release) return [];
      const own = components.filter(c => c.templateRef === templateRef);
      const days: number[] = [];
      let current = 0;
      for (const component of own) {
        if (
          !component.version ||
          isEarlierVersion(component.version, version)
        ) {
          continue;
        }
        current++;
        if (release.seenAtStart) continue;
        const rows = seenBy.get(`${component.entityRef}\n${templateRef}`) ?? [];
        const before = rows.some(r => isEarlierVersion(r.version, version));
        const reached = rows
          .filter(r => !isEarlierVersion(r.version, version))
          .map(r => r.firstSeen.getTime())
          .sort((a, b) => a - b)[0];
        if (!before || reached === undefined) continue;
        days.push(
          Math.max(0, (reached - release.firstSeen.getTime()) / DAY_MS),
        );
      }
      const medianDays = median(days);
      return [
        {
          templateRef,
          version,
          releasedAt: release.seenAtStart
            ? null
            : release.firstSeen.toISOString(),
          components: own.length,
          current,
          upgraded: days.length,
          medianDays:
            medianDays === null ? null : Math.round(medianDays * 10) / 10,
        },
      ];
    });
}

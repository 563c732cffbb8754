import { type Entity, stringifyEntityRef } from '@backstage/catalog-model';
import type { StoredScorecard } from '../database/ScorecardStore';
import type { AdoptionDay, TemplateRuns } from '../database/AdoptionStore';

const SOURCE_TEMPLATE = 'backstage.io/source-template';
const DAY_MS = 86_400_000;

/**
 * A day's adoption from one evaluation: components (and their owning
 * teams) created from a template the catalog has, and those the
 * golden-path-current check passes.
 */
export function adoptionOf(
  day: string,
  components: Entity[],
  scorecards: Map<string, StoredScorecard>,
  hasTemplate: (templateRef: string) => boolean,
  templateRuns: TemplateRuns | null,
): AdoptionDay {
  const teams = new Set<string>();
  const teamsOnPath = new Set<string>();
  let onGoldenPath = 0;
  let onCurrentVersion = 0;
  for (const entity of components) {
    const owners = (entity.relations ?? [])
      .filter(r => r.type === 'ownedBy')
      .map(r => r.targetRef);
    owners.forEach(o => teams.add(o));
    const template = entity.metadata.annotations?.[SOURCE_TEMPLATE];
    if (!template || !hasTemplate(template.toLocaleLowerCase('en-US'))) {
      continue;
    }
    onGoldenPath++;
    owners.forEach(o => teamsOnPath.add(o));
    const current = scorecards
      .get(stringifyEntityRef(entity))
      ?.checks.find(c => c.id === 'golden-path-current');
    if (current?.outcome === 'pass') onCurrentVersion++;
  }
  return {
    day,
    components: components.length,
    onGoldenPath,
    onCurrentVersion,
    teams: teams.size,
    teamsOnGoldenPath: teamsOnPath.size,
    templateRuns,
  };
}

/** The Monday (UTC) of a time's week, as YYYY-MM-DD. */
export function weekOf(time: Date): string {
  const day = Math.floor(time.getTime() / DAY_MS);
  // 1970-01-01 was a Thursday: day 4 of a week starting on Monday (0).
  const monday = day - ((day + 3) % 7);
  return new Date(monday * DAY_MS).toISOString().slice(0, 10);
}

/**
 * Template runs (scaffolder tasks) per week over the `weeks` weeks ending
 * with `now`'s, every week present, and per template, most used first.
 */
export function countTemplateRuns(
  tasks: Array<{ createdAt: string; templateRef?: string }>,
  now: Date,
  weeks = 12,
): TemplateRuns {
  const thisWeek = Date.parse(weekOf(now));
  const starts = Array.from({ length: weeks }, (_, i) =>
    new Date(thisWeek - (weeks - 1 - i) * 7 * DAY_MS)
      .toISOString()
      .slice(0, 10),
  );
  const perWeek = new Map(starts.map(w => [w, 0]));
  const perTemplate = new Map<string, number>();
  for (const task of tasks) {
    const week = weekOf(new Date(task.createdAt));
    if (!perWeek.has(week)) continue;
    perWeek.set(week, perWeek.get(week)! + 1);
    if (task.templateRef) {
      perTemplate.set(
        task.templateRef,
        (perTemplate.get(task.templateRef) ?? 0) + 1,
      );
    }
  }
  return {
    weeks: starts.map(week => ({ week, runs: perWeek.get(week)! })),
    templates: [...perTemplate.entries()]
      .map(([templateRef, runs]) => ({ templateRef, runs }))
      .sort(
        (a, b) => b.runs - a.runs || a.templateRef.localeCompare(b.templateRef),
      ),
  };
}

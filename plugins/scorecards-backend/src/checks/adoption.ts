import { type Entity, stringifyEntityRef } from '@backstage/catalog-model';
import type { StoredScorecard } from '../database/ScorecardStore';
import type {
  AdoptionDay,
  FirstDeployments,
  TemplateRuns,
} from '../database/AdoptionStore';
import type { TemplateRelease } from '@paved/plugin-scorecards-common';

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
  releases: TemplateRelease[] = [],
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
    releases,
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
  tasks: TemplateRun[],
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

/** A scaffolder task, as the adoption reads it. */
export type TemplateRun = {
  createdAt: string;
  templateRef?: string;
  status?: string;
  /** The `name` parameter: the component a golden path creates. */
  componentName?: string;
};

/** At most this many new services are followed to production per pass. */
export const NEW_SERVICES_FOLLOWED = 50;

/**
 * The services golden paths created: completed runs whose `name` is a
 * component in the catalog that records the same template as its source
 * (so an upgrade run, or a name taken by another service, is not counted).
 * One per component (its earliest run), newest first, at most
 * NEW_SERVICES_FOLLOWED.
 */
export function newServices(
  runs: TemplateRun[],
  components: Entity[],
): Array<{ entityRef: string; createdAt: Date }> {
  const byName = new Map<string, Entity>();
  for (const entity of components) {
    if ((entity.metadata.namespace ?? 'default') === 'default') {
      byName.set(entity.metadata.name.toLocaleLowerCase('en-US'), entity);
    }
  }
  const created = new Map<string, Date>();
  for (const run of runs) {
    if (run.status !== 'completed' || !run.componentName || !run.templateRef) {
      continue;
    }
    const entity = byName.get(run.componentName.toLocaleLowerCase('en-US'));
    const source = entity?.metadata.annotations?.[SOURCE_TEMPLATE];
    if (
      !entity ||
      source?.toLocaleLowerCase('en-US') !==
        run.templateRef.toLocaleLowerCase('en-US')
    ) {
      continue;
    }
    const entityRef = stringifyEntityRef(entity);
    const at = new Date(run.createdAt);
    const known = created.get(entityRef);
    if (!Number.isNaN(at.getTime()) && (!known || at < known)) {
      created.set(entityRef, at);
    }
  }
  return [...created.entries()]
    .map(([entityRef, createdAt]) => ({ entityRef, createdAt }))
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
    .slice(0, NEW_SERVICES_FOLLOWED);
}

/**
 * How many new services reached production and the median hours from
 * their template run to the first production deployment.
 */
export function summariseFirstDeployments(
  services: Array<{ createdAt: Date; firstDeployment: Date | null }>,
): FirstDeployments {
  const hours = services
    .flatMap(({ createdAt, firstDeployment }) =>
      firstDeployment
        ? [(firstDeployment.getTime() - createdAt.getTime()) / 3_600_000]
        : [],
    )
    .map(h => Math.max(0, h))
    .sort((a, b) => a - b);
  const middle = Math.floor(hours.length / 2);
  let median: number | null = null;
  if (hours.length % 2 === 1) median = hours[middle];
  else if (hours.length > 0) median = (hours[middle - 1] + hours[middle]) / 2;
  return {
    services: services.length,
    deployed: hours.length,
    medianHours: median === null ? null : Math.round(median * 10) / 10,
  };
}

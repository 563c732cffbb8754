/**
 * The extension point for scorecard checks: a backend module adds checks
 * of its own beside Paved's built-in ones, and the scorecards backend
 * evaluates them with the same facts, stores their results and counts them
 * towards the levels that name them.
 *
 * @packageDocumentation
 */
import { createExtensionPoint } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';

/** What a check concluded about one component, and why. */
export type CheckVerdict = {
  outcome: 'pass' | 'fail' | 'not-applicable';
  /** The facts behind the outcome, in a sentence a developer can act on. */
  evidence: string;
};

/** How a component delivered over the last 30 days (DORA, production). */
export type DeliveryFacts = {
  deployments: number;
  /** Failed deployments of those not rolled back; null without any. */
  changeFailRate: number | null;
  /** The change fail rate's DORA band; null without deployments. */
  changeFailRateBand: 'elite' | 'high' | 'medium' | 'low' | null;
};

/** A live check a running workload fails (Kubernetes status). */
export type FailingLiveCheck = {
  /** The live check's id, e.g. `resources`. */
  id: string;
  title: string;
  /** What was found, naming the container or the object. */
  detail: string;
};

/** A component's workloads running in production, from Kubernetes status. */
export type LiveWorkloadFacts = {
  /** Each workload (`cluster/namespace/Kind/name`) with the checks it fails. */
  workloads: Array<{ workload: string; failing: FailingLiveCheck[] }>;
  /** Clusters whose cache is not synced: a workload there may be missing. */
  unsyncedClusters: string[];
};

/** What a component cost over the last 30 days, and its budget. */
export type CostFacts = {
  /** Direct and shared cost allocated to it, in `currency`. */
  total: number;
  currency: string;
  /** Its monthly budget; undefined when none is set. */
  monthlyBudget?: number;
};

/** Whether a component's TechDocs site was built and published. */
export type DocsFacts = {
  /** When the published site was built; undefined when none is published. */
  builtAt?: Date;
  /**
   * Whether the portal builds docs itself when they are first opened
   * (`techdocs.builder: local`); otherwise CI builds and publishes them.
   */
  builtOnFirstView: boolean;
};

/**
 * The facts every check reads, gathered once per evaluation for the whole
 * catalog (so a check never asks another service per component).
 */
export interface ScorecardFacts {
  /** Whether an entity with this ref exists in the catalog. */
  hasEntity(entityRef: string): boolean;
  /** The version a golden-path template declares, by the template's ref. */
  templateVersion(templateRef: string): string | undefined;
  /**
   * The component's delivery; undefined when DORA could not be read (the
   * check is then not applicable rather than failed).
   */
  delivery(entityRef: string): DeliveryFacts | undefined;
  /**
   * The component's production workloads; undefined when Kubernetes status
   * could not be read.
   */
  liveWorkloads(entityRef: string): LiveWorkloadFacts | undefined;
  /** The component's cost; undefined when cost could not be read. */
  cost(entityRef: string): CostFacts | undefined;
  /**
   * The published TechDocs of the entity whose docs these are; undefined
   * when the docs storage could not be read.
   */
  docs(entityRef: string): DocsFacts | undefined;
}

/** One standard a component is checked against. */
export type ScorecardCheck = {
  /** Stable id, e.g. `has-owner`; levels name checks by it. */
  id: string;
  title: string;
  /** What is checked. */
  description: string;
  /** Why it matters. */
  rationale: string;
  /** How to fix a failure. */
  fix: string;
  evaluate(entity: Entity, facts: ScorecardFacts): CheckVerdict;
};

/** Adds checks to the scorecards backend. */
export interface ScorecardChecksExtensionPoint {
  addCheck(...checks: ScorecardCheck[]): void;
}

/** @public */
export const scorecardChecksExtensionPoint =
  createExtensionPoint<ScorecardChecksExtensionPoint>({
    id: 'scorecards.checks',
  });

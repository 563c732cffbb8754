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

/**
 * Disclosure control (../shared/spec/disclosure-control.md; docs/disclosure.md): the one place
 * every count or figure passes through between the metric layer and what a person sees or
 * takes away (a page, an API answer, an export). Pure functions, no SvelteKit.
 *
 * - ./policy.ts: the threshold and profile of a deployment.
 * - ./counts.ts: a count standing alone.
 * - ./metric.ts: a metric standing alone; its value follows its counts.
 * - ./table.ts: a table of counts with totals (secondary suppression), and its shares.
 * - ./complement.ts: a whole with its parts; two filtered views of one page.
 * - ./breakdown.ts: a metric breakdown with its whole.
 * - ./series.ts: chart series and XmR charts over the shown points.
 * - ./words.ts: symbols in words, and the display text of a figure.
 * - ./lines.ts: the secondary suppression all of them share.
 * - ./relations.ts: the same over relations with weights (no figure worked out exactly).
 */
export { DEFAULT_POLICY, DEFAULT_THRESHOLD, MIN_THRESHOLD, PROFILES, policyFrom, unsuppressedPolicy } from './policy.ts';
export { PUBLICATION_COUNT_BASE, suppressCount } from './counts.ts';
export { suppressMetric, suppressMetricSet } from './metric.ts';
export { deriveShares, suppressTable, type ShareBase } from './table.ts';
export { guardDifference, suppressComplement, type ShownComplement } from './complement.ts';
export { addsUp, suppressBreakdowns, suppressGroups, type GroupedResult, type WholeResult } from './breakdown.ts';
export { metricSeries, shownXmr, suppressSeries, type SeriesInput, type ShownSpcPoint, type ShownXmrChart } from './series.ts';
export { format, policyNote, symbolText } from './words.ts';
export type * from './types.ts';

/**
 * Building blocks for presenters that must protect several tables or figures together (a part
 * and its whole shown side by side): the same primitives the functions above are made of.
 */
export { COUNTED, POSITIONS, scopeOfCounted, type Counted, type Position } from './breakdown.ts';
export { adjustedCount, isSmall, showCount } from './counts.ts';
export { cellKeySum, perturbation, perturbed } from './perturbation.ts';
export { protectLines } from './lines.ts';
export { protectRelations, workedOut, type Relation, type RelationProblem } from './relations.ts';
export { COUNT_FIELDS, primaryCounts, showMetric, type CountField } from './metric.ts';
export { checkPolicy } from './policy.ts';

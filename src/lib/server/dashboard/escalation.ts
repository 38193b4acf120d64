/**
 * Escalation (`/escalation`): professional disagreements, how far they went, what about,
 * between whom, how long they took to close, how they ended, how many are open.
 *
 * Figures and trend: `computeMetrics`. The tables count the escalations those metrics count
 * (`MetricSql.rows`: raised in the period, or closed in it for the time to close and the
 * outcomes), so under an agency or sector filter they hold the escalations that agency raised
 * or received. The outcomes counted as agreed are `escalations_agreed_pct`'s own
 * (`AGREED_OUTCOMES`). Every count carries its cell key from the same query (`crossCount`:
 * the sum of its escalations' record keys, modulo 256), for the cell key method.
 */
import type { CountTable } from '../disclosure/types.ts';
import type { MetricSet } from '../metrics/compute.ts';
import { AGREED_OUTCOMES } from '../metrics/definitions/partnership.ts';
import { ESCALATION_CATEGORIES, ESCALATION_OUTCOMES } from '../schema/codes.ts';
import { literal } from '../warehouse/sql.ts';
import type { Warehouse } from '../warehouse/warehouse.ts';
import { MetricCache, monthly, type MonthMetrics } from './metrics.ts';
import { binLabel, bins, countTable, crossCount, eventSql, labelsOf, pageScope, validQuery, type DashboardQuery, type PageScope } from './query.ts';

const KEYS = [
	'escalations_per_100_referrals',
	'escalations_stage3_pct',
	'escalation_resolution_median_days',
	'escalations_open_at_end',
	'escalations_agreed_pct'
] as const;
type EscalationKey = (typeof KEYS)[number];

/** The highest stage an escalation can reach (extract-format.md: 1 to 4). */
export const STAGES = ['1', '2', '3', '4'] as const;

/** Days from raising to closing: 0–7, 8–14, 15–21, 22–28, then 29–56, 57–90, 91+. */
export const RESOLUTION_BINS = bins(7, 28, [56, 90]);

/** The outcomes of a closed escalation (the columns of the outcome tables). */
export const OUTCOMES = ESCALATION_OUTCOMES;

/** The columns of `OUTCOMES` counted as agreed by `escalations_agreed_pct` (`AGREED_OUTCOMES`). */
export const AGREED_COLUMNS: readonly number[] = OUTCOMES.flatMap((o, i) => ((AGREED_OUTCOMES as readonly string[]).includes(o) ? [i] : []));

/** An agency pair: the agency raising escalations and the agency they were raised with. */
export interface AgencyPair {
	by: string;
	with: string;
}

export interface EscalationData extends PageScope {
	figures: Pick<MetricSet, EscalationKey>;
	/** By month; `escalations_open_at_end` is the number open at each month's end. */
	trend: MonthMetrics<EscalationKey>[];
	/**
	 * Escalations raised in the period by category (rows) and highest stage reached (columns
	 * `1`–`4`). Row totals (by category) and column totals (by stage) shown; the grand total is
	 * the numerator of `escalations_per_100_referrals`, the stage 3 and 4 totals that of
	 * `escalations_stage3_pct`.
	 */
	stageByCategory: CountTable;
	/**
	 * Escalations raised in the period by the agency raising them (rows) and the agency they
	 * were raised with (columns), each side listing the agencies with any. Row and column
	 * totals shown.
	 */
	between: CountTable;
	/**
	 * Escalations closed in the period by days from raising to closing (rows: `RESOLUTION_BINS`;
	 * one column, `escalations`). Column total shown: the count behind
	 * `escalation_resolution_median_days`.
	 */
	resolutionDays: CountTable;
	/**
	 * Escalations closed in the period (those of the time to close) by category (rows) and
	 * outcome (columns: `OUTCOMES`). Row and column totals shown; the grand total is the
	 * denominator of `escalations_agreed_pct` (and the time to close's total), the totals of
	 * the outcomes counted as agreed (`AGREED_COLUMNS`) add up to its numerator.
	 */
	outcomeByCategory: CountTable;
	/**
	 * The same escalations by agency pair (rows, `pairs[i]` for row i: each pair with any,
	 * ordered by the agency raising, then the agency raised with) and outcome (columns:
	 * `OUTCOMES`). Row and column totals shown; the column totals and grand total are
	 * `outcomeByCategory`'s. Each cell with its cell key, as `crossCount` gives every count.
	 */
	outcomeByPair: { table: CountTable; pairs: AgencyPair[] };
}

/**
 * The page's data, every part of it from the same committed data (`Warehouse.snapshot`), kept
 * for its data version and filters (`Warehouse.cached`: it is before disclosure control and
 * reads no setting).
 */
export function escalationPage(warehouse: Warehouse, query: DashboardQuery): Promise<EscalationData> {
	return warehouse.snapshot((view) => view.cached(`page escalation ${JSON.stringify(validQuery(query))}`, () => escalationPageIn(view, query)));
}

async function escalationPageIn(warehouse: Warehouse, query: DashboardQuery): Promise<EscalationData> {
	const q = validQuery(query);
	const metrics = new MetricCache(warehouse, KEYS);
	const ms = eventSql(q);
	const raised = ms.rows('escalations', { on: 'e.raised_on' });
	const closedIn = ms.rows('escalations', { on: 'e.resolved_on' });
	const byOutcome = Object.fromEntries(OUTCOMES.map((o) => [o, `outcome = ${literal(o)}`])) as Record<(typeof OUTCOMES)[number], string>;
	const [all, byMonth, stages, agencies, closed, outcomes, pairOutcomes] = await Promise.all([
		metrics.set(q),
		metrics.groups(q, 'month'),
		crossCount(warehouse, q, { source: raised, row: 'category', column: 'highest_stage', measures: { n: true } }),
		crossCount(warehouse, q, { source: raised, row: 'raised_by_agency_code', column: 'raised_with_agency_code', measures: { n: true } }),
		crossCount(warehouse, q, {
			source: closedIn,
			row: binLabel('resolved_on - raised_on', RESOLUTION_BINS),
			column: `'escalations'`,
			measures: { n: true }
		}),
		crossCount(warehouse, q, { source: closedIn, row: 'category', column: 'outcome', measures: { n: true } }),
		// By pair, a count of each outcome in each (raised by, raised with) cell.
		crossCount(warehouse, q, { source: closedIn, row: 'raised_by_agency_code', column: 'raised_with_agency_code', measures: byOutcome })
	]);
	const pairCells = pairOutcomes
		.filter((r): r is typeof r & { row: string; column: string } => r.row !== null && r.column !== null)
		.sort((a, b) => (a.row === b.row ? (a.column < b.column ? -1 : 1) : a.row < b.row ? -1 : 1));
	return {
		...pageScope(q),
		figures: all,
		trend: monthly(byMonth),
		stageByCategory: countTable({ rows: ESCALATION_CATEGORIES, columns: STAGES, rowTotals: true, columnTotals: true }, stages, 'n'),
		between: countTable(
			{ rows: labelsOf(agencies, 'row'), columns: labelsOf(agencies, 'column'), rowTotals: true, columnTotals: true },
			agencies,
			'n'
		),
		resolutionDays: countTable(
			{ rows: RESOLUTION_BINS.map((b) => b.label), columns: ['escalations'], rowTotals: false, columnTotals: true },
			closed,
			'n'
		),
		outcomeByCategory: countTable({ rows: ESCALATION_CATEGORIES, columns: OUTCOMES, rowTotals: true, columnTotals: true }, outcomes, 'n'),
		outcomeByPair: {
			table: {
				rows: pairCells.map((r) => `${r.row} → ${r.column}`),
				columns: [...OUTCOMES],
				counts: pairCells.map((r) => OUTCOMES.map((o) => r[o])),
				keys: pairCells.map((r) => OUTCOMES.map((o) => r[`${o}__key`])),
				rowTotals: true,
				columnTotals: true
			},
			pairs: pairCells.map((r) => ({ by: r.row, with: r.column }))
		}
	};
}

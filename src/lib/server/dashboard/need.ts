/**
 * Local need (`/need`): where demand is, for what, among which children, trending how, and
 * which agencies share children.
 *
 * - Rates per 10,000 by area, the totals and the monthly trend are `computeMetrics` figures.
 * - Counts by concern, source sector, age band, sex and ethnicity group are counts of the
 *   same rows the metrics count, grouped by the metrics' own group expressions
 *   (`MetricSql.rows` with the breakdown): the contacts and referrals of each group are
 *   exactly `contacts_per_10k` and `referrals_per_10k` numerators by that breakdown. They are
 *   counted here rather than by a breakdown of every metric because the rates have no
 *   population by age, sex or ethnicity (`z` there), and five full breakdowns would cost a
 *   page five times the metric set.
 * - The agency overlap counts children by pairs of their involved agencies, defined as for
 *   `multi_agency_children_pct` (metrics.md, "Involved agencies"), filters included.
 */
import type { CountTable } from '../disclosure/types.ts';
import type { MetricValue } from '../metrics/compute.ts';
import { FIXED_GROUPS, type Dimension } from '../metrics/dimensions.ts';
import type { MetricSql } from '../metrics/events.ts';
import { involvedAgencyRows } from '../metrics/definitions/front-door.ts';
import type { Warehouse } from '../warehouse/warehouse.ts';
import { listAreas } from './filters.ts';
import { MetricCache, monthly, type MonthMetrics } from './metrics.ts';
import { countTable, crossCount, eventSql, labelsOf, pageScope, validQuery, type DashboardQuery, type PageScope } from './query.ts';

export const NEED_DIMENSIONS = ['concern', 'sector', 'age_band', 'sex', 'ethnicity_group'] as const satisfies readonly Dimension[];
export type NeedDimension = (typeof NEED_DIMENSIONS)[number];

const RATES = ['contacts_per_10k', 'referrals_per_10k'] as const;

export interface AreaRates {
	area: string;
	name: string;
	contacts: MetricValue;
	referrals: MetricValue;
	/** 1 for the highest referral rate; null where the rate is not a number. Ties: by area code. */
	rank: number | null;
}

export interface NeedData extends PageScope {
	/** Contacts and referrals per 10,000 children over the whole filtered population (numerators: the counts). */
	totals: { contacts: MetricValue; referrals: MetricValue };
	/** Every area (the filtered one under an area filter), highest referral rate first. */
	areas: AreaRates[];
	/**
	 * Counts of contacts and referrals by group: rows the groups, columns `contacts` and
	 * `referrals` (concern: `referrals` only, as contacts have no concerns).
	 * Every dimension but concern: each row of the source is in exactly one group, so the
	 * column totals are the totals' numerators and are shown (`columnTotals: true`); concern:
	 * a referral counts in each of its concerns and in none without, so no totals. Row totals
	 * (contacts + referrals) mean nothing: never shown. Shares are count ÷ the totals' numerator.
	 */
	breakdowns: Record<NeedDimension, CountTable>;
	trend: MonthMetrics<(typeof RATES)[number]>[];
	multiAgency: {
		figure: MetricValue;
		/**
		 * Children involved with both agencies in the period: agency × agency, symmetric; the
		 * diagonal is the children involved with that agency at all. Rows and columns: the
		 * agencies involved with any child. A child counts in many cells, so no totals.
		 */
		overlap: CountTable;
	};
}

/** Pairs of agencies involved with one child: each child once per pair (and once per agency on the diagonal). */
function overlapPairs(ms: MetricSql): string {
	return `
		WITH involved AS (
			SELECT DISTINCT child_id, agency FROM (${involvedAgencyRows(ms)}) WHERE child_id IS NOT NULL AND agency IS NOT NULL
		)
		SELECT a.agency AS row_agency, b.agency AS column_agency FROM involved a JOIN involved b ON a.child_id = b.child_id`;
}

/** Contacts and referrals of the period with their group of the breakdown (`grp`) and table (`tbl`). */
function frontDoorGroups(ms: MetricSql, withContacts: boolean): string {
	const referrals = `SELECT grp, 'referrals' AS tbl FROM (${ms.rows('referrals', { on: 'e.d_received_on' })})`;
	return withContacts ? `SELECT grp, 'contacts' AS tbl FROM (${ms.rows('contacts', { on: 'e.d_received_on' })}) UNION ALL ${referrals}` : referrals;
}

/** The page's data, every part of it from the same committed data (`Warehouse.snapshot`). */
export function needPage(warehouse: Warehouse, query: DashboardQuery): Promise<NeedData> {
	return warehouse.snapshot((view) => needPageIn(view, query));
}

async function needPageIn(warehouse: Warehouse, query: DashboardQuery): Promise<NeedData> {
	const q = validQuery(query);
	// The overlap's figure is wanted for the whole period only (it is the costliest metric).
	const overall = new MetricCache(warehouse, [...RATES, 'multi_agency_children_pct']);
	const rates = new MetricCache(warehouse, RATES);
	const breakdown = async (dimension: NeedDimension): Promise<CountTable> => {
		const withContacts = dimension !== 'concern';
		const counted = await crossCount(warehouse, q, {
			source: frontDoorGroups(eventSql(q, dimension), withContacts),
			row: 'grp',
			column: 'tbl',
			measures: { n: true }
		});
		const groups = FIXED_GROUPS[dimension];
		if (!groups) throw new Error(`${dimension} has no fixed groups`);
		return countTable(
			{ rows: groups, columns: withContacts ? ['contacts', 'referrals'] : ['referrals'], rowTotals: false, columnTotals: withContacts },
			counted,
			'n'
		);
	};
	const [all, byArea, byMonth, names, overlapCounts, ...tables] = await Promise.all([
		overall.set(q),
		rates.groups(q, 'area'),
		rates.groups(q, 'month'),
		listAreas(warehouse),
		crossCount(warehouse, q, { source: overlapPairs(eventSql(q)), row: 'row_agency', column: 'column_agency', measures: { children: true } }),
		...NEED_DIMENSIONS.map(breakdown)
	]);

	const nameOf = new Map(names.map((a) => [a.code, a.name]));
	const areas: AreaRates[] = byArea.map((g) => ({
		area: g.group,
		name: nameOf.get(g.group) ?? g.group,
		contacts: g.metrics.contacts_per_10k,
		referrals: g.metrics.referrals_per_10k,
		rank: null
	}));
	const rate = (a: AreaRates) => a.referrals.value;
	areas.sort((a, b) => (rate(b) ?? -Infinity) - (rate(a) ?? -Infinity) || (a.area < b.area ? -1 : 1));
	let rank = 0;
	for (const a of areas) if (rate(a) !== null) a.rank = ++rank;

	const agencies = labelsOf(overlapCounts, 'row');
	return {
		...pageScope(q),
		totals: { contacts: all.contacts_per_10k, referrals: all.referrals_per_10k },
		areas,
		breakdowns: Object.fromEntries(NEED_DIMENSIONS.map((d, i) => [d, tables[i]])) as Record<NeedDimension, CountTable>,
		trend: monthly(byMonth),
		multiAgency: {
			figure: all.multi_agency_children_pct,
			overlap: countTable({ rows: agencies, columns: agencies, rowTotals: false, columnTotals: false }, overlapCounts, 'children')
		}
	};
}

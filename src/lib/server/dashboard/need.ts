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
 * - Children by number of involved agencies (1, 2, 3, 4+) are the differences of
 *   `involvedChildren`'s counts (1 or more, 2 or more, …): the very children of
 *   `multi_agency_children_pct` and `children_known_3plus_agencies`, so the four add up to
 *   the one's denominator, 2 to 4+ to its numerator and 3 and 4+ to the other's count. Each
 *   group's cell key (rule 7) is the sum modulo 256 of its children's child keys, from the
 *   same query: the difference of the keys of "k or more" and "k + 1 or more".
 * - Every count table carries its cells' keys (`CountTable.keys`, from `crossCount`: record
 *   keys of the rows counted; child keys for the overlap's distinct children).
 * - Contacts by outcome (`contact_conversion_pct`, "a shared understanding of thresholds")
 *   count the metric's own rows (`MetricSql.rows('contacts', …)`) by their source's sector
 *   and agency, decided by the metric's own conditions (`CONTACT_DECIDED`): the decided
 *   contacts of each group are the metric's denominator by that breakdown, its referrals the
 *   numerator.
 */
import type { CountTable } from '../disclosure/types.ts';
import type { MetricValue, ValidQuery } from '../metrics/compute.ts';
import { FIXED_GROUPS, type Dimension } from '../metrics/dimensions.ts';
import type { MetricSql } from '../metrics/events.ts';
import { CONTACT_DECIDED, involvedAgencyRows, involvedChildren } from '../metrics/definitions/front-door.ts';
import { CONTACT_OUTCOMES } from '../schema/codes.ts';
import type { Warehouse } from '../warehouse/warehouse.ts';
import { listAreas } from './filters.ts';
import { MetricCache, monthly, type MonthMetrics } from './metrics.ts';
import { countTable, crossCount, eventSql, labelsOf, pageScope, readRows, validQuery, type DashboardQuery, type PageScope } from './query.ts';

export const NEED_DIMENSIONS = ['concern', 'sector', 'age_band', 'sex', 'ethnicity_group'] as const satisfies readonly Dimension[];
export type NeedDimension = (typeof NEED_DIMENSIONS)[number];

const RATES = ['contacts_per_10k', 'referrals_per_10k'] as const;

/** A contact's outcome (extract-format.md), or `undecided` while it has none. */
export const CONVERSION_COLUMNS = [...CONTACT_OUTCOMES, 'undecided'] as const;
export type ConversionColumn = (typeof CONVERSION_COLUMNS)[number];

/** Children by their number of involved agencies. */
export const AGENCY_COUNTS = ['1', '2', '3', '4+'] as const;
export type AgencyCount = (typeof AGENCY_COUNTS)[number];

/** The children known to a number of agencies. */
export interface AgencyGroup {
	agencies: AgencyCount;
	children: number;
	/** Their cell key (rule 7): their child keys added, modulo 256. Always given by `needPage`. */
	key?: number;
}

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
		/** `children_known_3plus_agencies`: the same children, those with 3 or more agencies. */
		threePlus: MetricValue;
		/**
		 * The figure's children by their number of involved agencies: the four add up to its
		 * denominator, 2, 3 and 4+ to its numerator, 3 and 4+ to `threePlus`.
		 */
		byCount: AgencyGroup[];
		/**
		 * Children involved with both agencies in the period: agency × agency, symmetric; the
		 * diagonal is the children involved with that agency at all. Rows and columns: the
		 * agencies involved with any child. A child counts in many cells, so no totals.
		 */
		overlap: CountTable;
	};
	/**
	 * `contact_conversion_pct` and the contacts it counts by outcome (`CONVERSION_COLUMNS`:
	 * the four outcomes, then `undecided`, which is not in the metric's denominator).
	 */
	conversion: {
		figure: MetricValue;
		/**
		 * Rows: every sector (of the source: the agency's, or the source code's). Every contact
		 * has one, so each column adds up to all the contacts with that outcome: the referral
		 * column to the metric's numerator, the four outcomes to its denominator.
		 */
		bySector: CountTable;
		/**
		 * Rows: the source agencies of the period's contacts. A contact with only a source code
		 * has no agency and is in no row, so the columns add up to the sector table's or less.
		 */
		byAgency: CountTable;
		/** The sector of each agency of `byAgency` (its contacts count in that sector's row, with those from source codes). */
		agencySectors: Record<string, string>;
	};
}

/** Pairs of agencies involved with one child: each child once per pair (and once per agency on the diagonal). */
function overlapPairs(ms: MetricSql): string {
	return `
		WITH involved AS (
			SELECT DISTINCT child, child_key, agency FROM (${involvedAgencyRows(ms)}) WHERE child IS NOT NULL AND agency IS NOT NULL
		)
		SELECT a.agency AS row_agency, b.agency AS column_agency, a.child_key FROM involved a JOIN involved b ON a.child = b.child`;
}

/** Contacts and referrals of the period with their group of the breakdown (`grp`) and table (`tbl`). */
function frontDoorGroups(ms: MetricSql, withContacts: boolean): string {
	const referrals = `SELECT grp, 'referrals' AS tbl, d_record_key FROM (${ms.rows('referrals', { on: 'e.d_received_on' })})`;
	return withContacts ? `SELECT grp, 'contacts' AS tbl, d_record_key FROM (${ms.rows('contacts', { on: 'e.d_received_on' })}) UNION ALL ${referrals}` : referrals;
}

/** The metric's contacts, with their outcome as a column label (`undecided` without one). */
function contactOutcomes(ms: MetricSql): string {
	return `SELECT d_sector, source_agency_code, d_record_key, CASE WHEN ${CONTACT_DECIDED} THEN outcome ELSE 'undecided' END AS outcome_label
		FROM (${ms.rows('contacts', { on: 'e.d_received_on' })})`;
}

/**
 * Children by number of involved agencies, from the metrics' own counts (1 or more, 2 or more,
 * …) and their keys: a group's key is the difference of two keys modulo 256, the sum of the
 * child keys of the children with exactly that number.
 */
async function childrenByAgencyCount(warehouse: Warehouse, q: ValidQuery): Promise<Required<AgencyGroup>[]> {
	type Row = { den: number; two: number; three: number; four: number; key1: number; key2: number; key3: number; key4: number };
	// DuckDB's % keeps the sign of the dividend: + 256 makes the difference's key 0–255.
	const exactly = (key: string, next: string) => `CAST(((${key} - ${next}) % 256 + 256) % 256 AS INTEGER)`;
	const [row] = await readRows<Row>(
		warehouse,
		`SELECT CAST(den AS INTEGER) AS den, CAST(two AS INTEGER) AS two, CAST(three AS INTEGER) AS three, CAST(four AS INTEGER) AS four,
			${exactly('den_key', 'two_key')} AS key1, ${exactly('two_key', 'three_key')} AS key2,
			${exactly('three_key', 'four_key')} AS key3, CAST(four_key AS INTEGER) AS key4
		FROM (${involvedChildren(eventSql(q))})`,
		q
	);
	// No row: no involved rows at all.
	const n = row ? [row.den, row.two, row.three, row.four].map(Number) : [0, 0, 0, 0];
	const keys = row ? [row.key1, row.key2, row.key3, row.key4].map(Number) : [0, 0, 0, 0];
	return AGENCY_COUNTS.map((agencies, i) => ({ agencies, children: n[i] - (n[i + 1] ?? 0), key: keys[i] }));
}

/**
 * The page's data, every part of it from the same committed data (`Warehouse.snapshot`), kept
 * for its data version and filters (`Warehouse.cached`: it is before disclosure control and
 * reads no setting).
 */
export function needPage(warehouse: Warehouse, query: DashboardQuery): Promise<NeedData> {
	return warehouse.snapshot((view) => view.cached(`page need ${JSON.stringify(validQuery(query))}`, () => needPageIn(view, query)));
}

async function needPageIn(warehouse: Warehouse, query: DashboardQuery): Promise<NeedData> {
	const q = validQuery(query);
	// The overlap's figure is wanted for the whole period only (it is the costliest metric).
	const overall = new MetricCache(warehouse, [...RATES, 'multi_agency_children_pct', 'children_known_3plus_agencies', 'contact_conversion_pct']);
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
	const outcomes = (row: string) => crossCount(warehouse, q, { source: contactOutcomes(eventSql(q)), row, column: 'outcome_label', measures: { n: true } });
	const [all, byArea, byMonth, names, overlapCounts, byCount, outcomesBySector, outcomesByAgency, sectorsOfAgencies, ...tables] = await Promise.all([
		overall.set(q),
		rates.groups(q, 'area'),
		rates.groups(q, 'month'),
		listAreas(warehouse),
		crossCount(warehouse, q, { source: overlapPairs(eventSql(q)), row: 'row_agency', column: 'column_agency', measures: { children: true }, key: 'child_key' }),
		childrenByAgencyCount(warehouse, q),
		outcomes('d_sector'),
		outcomes('source_agency_code'),
		crossCount(warehouse, q, { source: contactOutcomes(eventSql(q)), row: 'source_agency_code', column: 'd_sector', measures: { n: true } }),
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
			threePlus: all.children_known_3plus_agencies,
			byCount,
			overlap: countTable({ rows: agencies, columns: agencies, rowTotals: false, columnTotals: false }, overlapCounts, 'children')
		},
		conversion: {
			figure: all.contact_conversion_pct,
			bySector: countTable({ rows: FIXED_GROUPS.sector!, columns: CONVERSION_COLUMNS, rowTotals: false, columnTotals: true }, outcomesBySector, 'n'),
			byAgency: countTable(
				{ rows: labelsOf(outcomesByAgency, 'row'), columns: CONVERSION_COLUMNS, rowTotals: false, columnTotals: false },
				outcomesByAgency,
				'n'
			),
			agencySectors: Object.fromEntries(sectorsOfAgencies.filter((r) => r.row !== null && r.column !== null).map((r) => [r.row, r.column]))
		}
	};
}

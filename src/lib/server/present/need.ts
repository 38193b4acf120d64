/**
 * The local need page as a person may see it: every count and figure of `needPage` through
 * disclosure control, and everything derived for display (ranks, order, shares of a shown
 * total) from SHOWN figures only.
 *
 * ## What is protected together
 * - **Contacts and referrals.** The partnership's rates, the rates by area, the monthly trend
 *   and the counts by source sector, age band, sex and ethnicity group are all breakdowns of
 *   one whole: the contacts (and the referrals) of the period, whose count is each rate's
 *   numerator. Every contact falls in one group of each (need.ts: the tables' groups are the
 *   metrics' own group expressions, and their column totals are the totals' numerators), so
 *   they go through ONE `suppressBreakdowns` call: area, month, sector, age band, sex and
 *   ethnicity group, each a line with the one whole. The tables' cells are given to it as
 *   groups whose rate numerators are the cells, which is what they are. A total shown under a
 *   table is that call's whole: the same figure as the headline, from the same call.
 * - **Shares** of a table's column total come from `deriveShares`, and are further `c`
 *   wherever the joint call suppresses the cell or the total (it protects more lines than the
 *   table alone, so it may suppress more). Shares by concern are of all referrals (a referral
 *   counts under each of its concerns, so the concern counts have no total): the referral
 *   count shown on the page, from the joint call, with each concern's count as shown.
 * - **Concerns** add up to nothing shown (`suppressTable` without totals: primary suppression).
 * - **Children known to several agencies.** The figure stands alone (`suppressMetric`); the
 *   overlap of agencies has no totals (`suppressTable`: primary suppression). But the two are
 *   related: children known to any agency (the figure's denominator) are, by inclusion and
 *   exclusion, Σ agencies − Σ pairs + Σ triples − …, and children known to two or more (its
 *   numerator) Σ pairs − 2 Σ triples + …. A triple can only be non-zero where its three pairs
 *   are, so when no three agencies share children pairwise (no triangle among the non-zero
 *   pairs, which the shown matrix tells: `c` is non-zero) both are exact sums of the matrix's
 *   cells, and a suppressed cell could be worked out from the figure. Then, if the matrix has
 *   any `c`, the figure is withheld (`c`, with its counts). With a triangle the sums are not
 *   exact and only bounds follow, as with any table (docs/disclosure.md, "Limits").
 * - Ranks and the order of areas are of the shown rates: a suppressed rate has no rank and
 *   comes last.
 */
import type { NeedData, NeedDimension } from '../dashboard/need.ts';
import { NEED_DIMENSIONS } from '../dashboard/need.ts';
import { metricInfo, type MetricInfo } from '../dashboard/metrics.ts';
import type { Benchmark } from '../dashboard/settings.ts';
import { deriveShares, metricSeries, suppressBreakdowns, suppressMetric, suppressTable } from '../disclosure/index.ts';
import type { CountTable, DisclosurePolicy, GroupedResult, SeriesPoint, Shown, ShownMetric, WholeResult } from '../disclosure/index.ts';
import type { MetricSet, MetricValue } from '../metrics/compute.ts';
import type { Dimension } from '../metrics/dimensions.ts';
import type { MetricKey } from '../metrics/keys.ts';
import { fullSet, shareOfShown, shownBenchmarks, symbolOf, type ShownBenchmark } from './common.ts';

export { shareOfShown, shownBenchmarks, type ShownBenchmark };

export interface ShownArea {
	area: string;
	name: string;
	/** Children living in the area (an estimate, not a count of children known: never suppressed); null when not available. */
	population: number | null;
	contacts: ShownMetric;
	referrals: ShownMetric;
	/** Ranks of the SHOWN rates, highest 1 (equal rates share a rank); null when the rate is not shown. */
	contactsRank: number | null;
	referralsRank: number | null;
}

export interface ShownGroup {
	code: string;
	label: string;
	/** One per column of the breakdown (`columns`). */
	counts: Shown[];
	/** Percentages of the breakdown's base, one per column. */
	shares: Shown[];
}

export interface ShownNeedBreakdown {
	dimension: NeedDimension;
	/** What the groups are, e.g. `Source sector`. */
	title: string;
	columns: ('contacts' | 'referrals')[];
	groups: ShownGroup[];
	/** The column totals (the headline counts, from the same call); null for concerns, which have none. */
	totals: Shown[] | null;
	/** What the shares are of, in words. */
	shareOf: string;
}

export interface NeedView {
	period: { from: string; to: string };
	filters: { area: string | null; agency: string | null; sector: string | null };
	metrics: { contacts: MetricInfo; referrals: MetricInfo; multiAgency: MetricInfo };
	totals: { contacts: ShownMetric; referrals: ShownMetric };
	benchmarks: { contacts: ShownBenchmark[]; referrals: ShownBenchmark[]; multiAgency: ShownBenchmark[] };
	/** Highest shown referral rate first, areas whose rate is not shown last (by code). */
	areas: ShownArea[];
	/** Rates per 10,000 by month (a gap where not shown). */
	trend: { contacts: SeriesPoint[]; referrals: SeriesPoint[] };
	breakdowns: ShownNeedBreakdown[];
	multiAgency: {
		figure: ShownMetric;
		/** The figure is `c` because, with these filters, it would reveal a suppressed count of the overlap. */
		withheld: boolean;
		/** Agency codes, rows and columns of `cells`. */
		agencies: string[];
		cells: Shown[][];
	};
}


/** A full metric set from the metrics a page has (disclosure control takes every metric; the others are not applicable). */
/**
 * A group of a count table as a rate's group: its count as the numerator. The value is not
 * read (the population by age, sex or ethnicity is not known); only the count is shown.
 */
function counted(n: number | null): MetricValue {
	return n === null
		? { value: null, numerator: null, denominator: null, status: 'x', n: null, population: null }
		: { value: 0, numerator: n, denominator: null, status: 'ok', n: null, population: null };
}

const RATE_OF = { contacts: 'contacts_per_10k', referrals: 'referrals_per_10k' } as const satisfies Record<string, MetricKey>;

const TITLES: Record<NeedDimension, string> = {
	concern: 'Concern',
	sector: 'Source sector',
	age_band: 'Age band',
	sex: 'Sex',
	ethnicity_group: 'Ethnicity group'
};

/** A group's code in words: `domestic_abuse` → `Domestic abuse`, `1_4` → `1 to 4`, `18_plus` → `18 and over`. */
export function groupLabel(code: string): string {
	if (code === 'children_social_care') return 'Children’s social care';
	if (code === 'under_1') return 'Under 1';
	if (code === 'unknown') return 'Not known';
	const range = /^(\d+)_(\d+)$/.exec(code);
	if (range) return `${range[1]} to ${range[2]}`;
	const plus = /^(\d+)_plus$/.exec(code);
	if (plus) return `${plus[1]} and over`;
	const words = code.replace(/_/g, ' ');
	return words.charAt(0).toUpperCase() + words.slice(1);
}


/** The stricter of two answers for one share: `c` if either says so, else the symbol either has, else the share. */
function stricter(share: Shown, ...counts: Shown[]): Shown {
	const symbols = [share, ...counts].map(symbolOf);
	if (symbols.includes('c')) return { value: null, symbol: 'c' };
	const other = symbols.find((s) => s !== null);
	return other ? { value: null, symbol: other } : share;
}

/** Ranks of shown values, highest 1; equal values share a rank; not shown: null. */
function ranks(values: readonly Shown[]): (number | null)[] {
	const shown = values.map((v) => (symbolOf(v) === null ? (v.value as number) : null));
	return shown.map((v) => (v === null ? null : 1 + shown.filter((o) => o !== null && o > v).length));
}

/** Whether some three agencies share children pairwise (non-zero pairs, as the shown matrix tells: `c` is non-zero). */
function hasTriangle(cells: readonly Shown[][]): boolean {
	const linked = (i: number, j: number) => cells[i][j].symbol === 'c' || (cells[i][j].value ?? 0) > 0;
	const n = cells.length;
	for (let i = 0; i < n; i++)
		for (let j = i + 1; j < n; j++) {
			if (!linked(i, j)) continue;
			for (let k = j + 1; k < n; k++) if (linked(i, k) && linked(j, k)) return true;
		}
	return false;
}

function withheldMetric(): ShownMetric {
	const c: Shown = { value: null, symbol: 'c' };
	return { value: c, numerator: c, denominator: c };
}

/** The columns of a breakdown table, checked against what the page data promises. */
function columnsOf(table: CountTable): ('contacts' | 'referrals')[] {
	for (const c of table.columns) if (c !== 'contacts' && c !== 'referrals') throw new Error(`a need breakdown has a column "${c}"`);
	return table.columns as ('contacts' | 'referrals')[];
}

export function presentNeed(data: NeedData, policy: DisclosurePolicy, benchmarks: readonly Benchmark[] = []): NeedView {
	const scope = { period: data.period, filters: data.filters };
	const whole: WholeResult = {
		...scope,
		by: null,
		metrics: fullSet({ contacts_per_10k: data.totals.contacts, referrals_per_10k: data.totals.referrals })
	};
	const grouped = (by: Dimension, groups: { group: string; metrics: Partial<MetricSet> }[]): GroupedResult => ({
		...scope,
		by,
		groups: groups.map((g) => ({ group: g.group, metrics: fullSet(g.metrics) }))
	});
	// The tables whose groups add up to the totals (every dimension but concern).
	const adding = NEED_DIMENSIONS.filter((d) => d !== 'concern');
	const tableGroups = adding.map((d) => {
		const table = data.breakdowns[d];
		const columns = columnsOf(table);
		return grouped(
			d,
			table.rows.map((row, r) => ({
				group: row,
				metrics: Object.fromEntries(columns.map((c, j) => [RATE_OF[c], counted(table.counts[r][j])]))
			}))
		);
	});
	const [byArea, byMonth, ...byTable] = suppressBreakdowns(
		[
			grouped('area', data.areas.map((a) => ({ group: a.area, metrics: { contacts_per_10k: a.contacts, referrals_per_10k: a.referrals } }))),
			grouped('month', data.trend.map((m) => ({ group: m.month, metrics: m.metrics }))),
			...tableGroups
		],
		whole,
		policy
	);
	const totals = { contacts: byArea.total.contacts_per_10k, referrals: byArea.total.referrals_per_10k };

	// Areas: ranked by the shown rates.
	const areas = data.areas.map((a, i): Omit<ShownArea, 'contactsRank' | 'referralsRank'> => {
		const m = byArea.groups[i].metrics;
		const population = m.referrals_per_10k.denominator;
		return { area: a.area, name: a.name, population: population.symbol === null ? population.value : null, contacts: m.contacts_per_10k, referrals: m.referrals_per_10k };
	});
	const contactRanks = ranks(areas.map((a) => a.contacts.value));
	const referralRanks = ranks(areas.map((a) => a.referrals.value));
	const ranked: ShownArea[] = areas.map((a, i) => ({ ...a, contactsRank: contactRanks[i], referralsRank: referralRanks[i] }));
	ranked.sort((a, b) => (a.referralsRank ?? Infinity) - (b.referralsRank ?? Infinity) || (a.area < b.area ? -1 : a.area > b.area ? 1 : 0));

	// Breakdowns: counts from the joint call, shares from deriveShares made no less strict than it.
	const breakdowns: ShownNeedBreakdown[] = NEED_DIMENSIONS.map((d): ShownNeedBreakdown => {
		const table = data.breakdowns[d];
		const columns = columnsOf(table);
		if (d === 'concern') {
			const shown = suppressTable(table, policy);
			const base = totals.referrals.numerator;
			return {
				dimension: d,
				title: TITLES[d],
				columns,
				groups: table.rows.map((code, r) => ({
					code,
					label: groupLabel(code),
					counts: shown.cells[r],
					shares: shown.cells[r].map((cell) => shareOfShown(cell, base, policy))
				})),
				totals: null,
				shareOf: 'all referrals (a referral counts under each of its concerns, so the shares add up to more than 100%)'
			};
		}
		const joint = byTable[adding.indexOf(d)];
		const shares = deriveShares(table, 'column', policy);
		const columnTotals = columns.map((c) => totals[c].numerator);
		return {
			dimension: d,
			title: TITLES[d],
			columns,
			groups: table.rows.map((code, r) => {
				const counts = columns.map((c) => joint.groups[r].metrics[RATE_OF[c]].numerator);
				return { code, label: groupLabel(code), counts, shares: columns.map((_, j) => stricter(shares[r][j], counts[j], columnTotals[j])) };
			}),
			totals: columnTotals,
			shareOf: columns.length > 1 ? 'all contacts and all referrals' : 'all referrals'
		};
	});

	// A benchmark counts every agency's contacts and referrals: one agency's rate does not compare with it.
	const agencyFiltered = data.filters.agency !== null || data.filters.sector !== null;
	const rateBenchmarks = (list: ShownBenchmark[]) => (agencyFiltered ? list.map((b) => ({ ...b, comparable: false })) : list);

	// Children known to several agencies, and which agencies share them.
	const overlap = suppressTable(data.multiAgency.overlap, policy);
	const anySuppressed = overlap.cells.some((row) => row.some((c) => c.symbol === 'c'));
	const withheld = anySuppressed && !hasTriangle(overlap.cells);
	const figure = withheld ? withheldMetric() : suppressMetric('multi_agency_children_pct', data.multiAgency.figure, policy);

	return {
		...scope,
		metrics: { contacts: metricInfo('contacts_per_10k'), referrals: metricInfo('referrals_per_10k'), multiAgency: metricInfo('multi_agency_children_pct') },
		totals,
		benchmarks: {
			contacts: rateBenchmarks(shownBenchmarks(benchmarks, 'contacts_per_10k')),
			referrals: rateBenchmarks(shownBenchmarks(benchmarks, 'referrals_per_10k')),
			multiAgency: shownBenchmarks(benchmarks, 'multi_agency_children_pct')
		},
		areas: ranked,
		trend: { contacts: metricSeries(byMonth, 'contacts_per_10k', policy).points, referrals: metricSeries(byMonth, 'referrals_per_10k', policy).points },
		breakdowns,
		multiAgency: { figure, withheld, agencies: overlap.rows, cells: overlap.cells }
	};
}

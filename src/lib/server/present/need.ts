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
 * - **Shares** of a table's column total: `c` where `deriveShares` says so, and further
 *   wherever the joint call suppresses the cell or the total (it protects more lines than the
 *   table alone, so it may suppress more); where shown, the cell's count of the total shown
 *   under the table (the headline's count, with its key). Shares by concern are of all
 *   referrals (a referral counts under each of its concerns, so the concern counts have no
 *   total): the referral count shown on the page, from the joint call, with each concern's
 *   count as shown. Both from the counts before publication rounding.
 * - **Concerns** add up to nothing shown (`suppressTable` without totals: primary suppression).
 * - **Contacts by outcome** (`contact_conversion_pct` by source sector and by agency). Each
 *   table's row is its four outcomes adding up to the decided contacts, and its columns add up
 *   to the same totals (every contact has a sector; a contact with only a source code has no
 *   agency, so by agency each column has a hidden rest, as a breakdown has). The totals are
 *   the headline's counts (referral: its numerator; decided: its denominator), shown from the
 *   same answer. And decided + undecided = all contacts: in each sector, which the table of
 *   contacts and referrals by source sector shows, and in all, which is the contacts headline.
 *   So the contacts by outcome are protected in ONE `protectLines` with every contact count of
 *   the page, starting from the joint call's answer (lines.ts: an earlier answer stays as it
 *   is): both tables' rows and columns, each sector's row as its agencies' rows and its own
 *   contacts from a source code alone (a hidden rest: a sector of one agency and no such
 *   contact has that agency's row), "decided + undecided = contacts" per sector and in all, and again the joint call's contact lines (areas, months, sectors, age bands, sexes,
 *   ethnicity groups, each with its hidden rest and the whole). A contact count that this
 *   suppresses further (the outcomes need it when, say, a sector's decided contacts are
 *   suppressed and it has no undecided one) is then `c` wherever it shows: the rate and the
 *   trend point it is the numerator of, its cell and share in the tables, the headline; its
 *   own lines were in the same problem, so they are protected too. The headline's value and a
 *   group's conversion are `c` whenever the referrals or the decided contacts they are of are.
 *   Undecided contacts are not in the metric; they are shown so that each row says what
 *   became of all its contacts.
 * - **Children known to several agencies**: the figure's children by their number of
 *   agencies (1, 2, 3, 4+), the figure's numerator and denominator, the count known to 3 or
 *   more, and the overlap of agencies (agency × agency; the diagonal: children known to each).
 *   They are tied in two ways, and protected together by ONE `protectRelations`
 *   (disclosure/relations.ts):
 *   - sums ("lines"): 1 + 2 + 3 + 4+ = denominator, 2 + 3 + 4+ = numerator, 3 + 4+ = the
 *     3-plus count, and what follows from them (1 + numerator = denominator, 2 + 3-plus =
 *     numerator, 1 + 2 + 3-plus = denominator): every way one of these figures is a sum of
 *     others, so no `c` is the difference of shown figures;
 *   - with weights, through the matrix: a child known to k agencies counts k times on its
 *     diagonal and k(k−1)/2 times among its pairs, so Σ diagonal = denominator + numerator +
 *     3-plus + 4+ (+ the children with 5 or more, again, and so on) and Σ pairs = numerator +
 *     2 × 3-plus + 3 × 4+ (+ 4 × those with 5 or more, …). The children with 5 or more are
 *     taken as known: there are often none, and a reader can tell when the matrix lists fewer
 *     than five agencies, so the relations are taken as exact.
 *   The page before these figures withheld the multi-agency figure when the matrix had a `c`
 *   and no three agencies shared children pairwise (then no child has three agencies, and
 *   the two sums gave the figure's counts exactly). With the 3-plus count and the 4+ group
 *   shown, that condition no longer makes the sums inexact (they are exact whenever there is
 *   no child with five agencies), and weighted relations defeat the one-`c` rule (the 4+
 *   group and the 3-plus count suppressed together are still two equations in two unknowns).
 *   So the rule is the exact one: no suppressed figure (a group, a headline count, a cell of
 *   the matrix) can be worked out from everything shown. The matrix keeps its primary
 *   suppression; where more is needed, the cheapest combination of the four groups and the
 *   three headline counts that leaves nothing to work out is suppressed (a headline count
 *   costs more than all four groups together; then the smaller figures), as the page before
 *   withheld the figure; only where no such combination exists (the matrix alone gives a
 *   count away), cells of the matrix too, smallest first. In practice, with two or more `c`
 *   among the matrix's diagonal and two or more among its pairs (or none), the sums tell
 *   nothing and only the lines act; with one, the groups or the figure give way. The
 *   headline figures are the answer's numerator, denominator and 3-plus count: the same
 *   shown figures as the chart's table. A figure `c` for this (not for a count of its own
 *   from 1 to the threshold) is reported as withheld. Not covered, as before: the matrix's
 *   own differences (a diagonal cell less a pair cell is the children known to one agency of
 *   the two and not the other) and bounds (docs/disclosure.md, "Limits").
 * - **Cell keys** (rule 7, the cell key method, under a policy with `cellKey`): every count
 *   shown is perturbed by ITS OWN cell key, decided after suppression (on the true counts).
 *   The metrics' counts carry theirs (`MetricValue.keys`); a table's cell its `CountTable.keys`
 *   entry, given to the joint call as its group's numerator key; a table total shown is the
 *   headline, so the headline's count and key; a sum made here (a row's decided contacts, the
 *   conversion tables' totals, children with 3 or more agencies) the sum of its parts' keys,
 *   or the headline's own count and key where it is one (the conversion's referrals and
 *   decided contacts, the multi-agency figure's numerator and denominator, the 3-plus
 *   count), so the same rows always show the same number. Children by number of agencies
 *   carry their groups' keys (need.ts), the overlap its cells' (child keys). Shares and
 *   conversions are of the perturbed, unrounded counts, a part never above its whole (so
 *   never over 100%); a row's referrals, its conversion's numerator, are shown no higher than
 *   its decided contacts, as the headline's numerator is. Without the method
 *   (`DEFAULT_POLICY`) every count is shown exact.
 * - Ranks and the order of areas are of the shown rates: a suppressed rate has no rank and
 *   comes last. The page orders the bars of contacts that became referrals by their shown
 *   percentage, and their tables by name (agencies) or the code list (sectors), leaving out
 *   only groups whose every figure is shown as 0.
 */
import type { AgencyCount, ConversionColumn, NeedData, NeedDimension } from '../dashboard/need.ts';
import { AGENCY_COUNTS, CONVERSION_COLUMNS, NEED_DIMENSIONS } from '../dashboard/need.ts';
import { metricInfo, type MetricInfo } from '../dashboard/metrics.ts';
import type { Benchmark } from '../dashboard/settings.ts';
import {
	adjustedCount,
	cellKeySum,
	checkPolicy,
	deriveShares,
	isSmall,
	metricSeries,
	protectLines,
	protectRelations,
	showCount,
	showMetric,
	suppressBreakdowns,
	suppressTable
} from '../disclosure/index.ts';
import type { CountTable, DisclosurePolicy, GroupedResult, Relation, SeriesPoint, Shown, ShownBreakdown, ShownMetric, ShownMetricSet, WholeResult } from '../disclosure/index.ts';
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

/** One group's contacts by outcome, as shown. */
export interface ShownConversionRow {
	/** Sector or agency code; `all` for the totals. */
	code: string;
	/** A sector in words (agencies: the code; the page names them). */
	label: string;
	/** Contacts by outcome, one per `CONVERSION_COLUMNS` (the last: undecided). */
	outcomes: Shown[];
	/** Contacts with an outcome (the four outcomes; undecided ones are not). */
	decided: Shown;
	/** Referrals as a percentage of the decided contacts (the conversion): `c` when either is. */
	percent: Shown;
}

export interface ShownConversion {
	by: 'sector' | 'agency';
	columns: ConversionColumn[];
	/** In the data's order (sectors: the code list; agencies: by code). */
	rows: ShownConversionRow[];
	/** Every contact's (with those from a source code alone, under agencies too): the headline's counts. */
	total: ShownConversionRow;
}

export interface NeedView {
	period: { from: string; to: string };
	filters: { area: string | null; agency: string | null; sector: string | null };
	metrics: { contacts: MetricInfo; referrals: MetricInfo; multiAgency: MetricInfo; threePlus: MetricInfo; conversion: MetricInfo };
	totals: { contacts: ShownMetric; referrals: ShownMetric };
	benchmarks: { contacts: ShownBenchmark[]; referrals: ShownBenchmark[]; multiAgency: ShownBenchmark[]; conversion: ShownBenchmark[] };
	/** Highest shown referral rate first, areas whose rate is not shown last (by code). */
	areas: ShownArea[];
	/** Rates per 10,000 by month (a gap where not shown). */
	trend: { contacts: SeriesPoint[]; referrals: SeriesPoint[] };
	breakdowns: ShownNeedBreakdown[];
	multiAgency: {
		figure: ShownMetric;
		/** Children known to 3 or more agencies (a count: `numerator` and `denominator` are `z`). */
		threePlus: ShownMetric;
		/** The figure or the 3-plus count is `c` though its counts are not small: it would give a suppressed count away. */
		withheld: boolean;
		/** The figure's children by their number of agencies. */
		byCount: { agencies: AgencyCount; children: Shown }[];
		/** Agency codes, rows and columns of `cells`. */
		agencies: string[];
		cells: Shown[][];
	};
	/** Contacts that became referrals: the headline, and the contacts by outcome by sector and by agency. */
	conversion: {
		figure: ShownMetric;
		/** The figure is `c` though its counts are not small: they would give a suppressed count away. */
		withheld: boolean;
		bySector: ShownConversion;
		byAgency: ShownConversion;
	};
}


/** A cell key: undefined where none was given (exact figures only). */
type Key = number | null | undefined;

/**
 * A group of a count table as a rate's group: its count as the numerator, with its cell key.
 * The value is not read (the population by age, sex or ethnicity is not known); only the
 * count is shown.
 */
function counted(n: number | null, key: Key): MetricValue {
	const keys = { numerator: key ?? null, denominator: null, value: null };
	return n === null
		? { value: null, numerator: null, denominator: null, status: 'x', n: null, population: null, keys }
		: { value: 0, numerator: n, denominator: null, status: 'ok', n: null, population: null, keys };
}

/** The cell key of a table's cell (undefined where the table has none: shown exact, or refused under the cell key method). */
const keyAt = (table: CountTable, r: number, c: number): Key => table.keys?.[r]?.[c];

/** The key of a sum of figures (`cellKeySum`), or undefined where one of them has none (so a missing key is found when shown). */
const keySum = (keys: readonly Key[]): Key => (keys.some((k) => k === undefined) ? undefined : cellKeySum(keys));

/** A count with its cell key, as a share takes it. */
interface Keyed {
	n: number;
	key: Key;
}

/**
 * A shown count as a percentage of a shown whole: `c` when either is, another symbol as it is,
 * `z` over 0. Of the counts as shown before rounding (under the cell key method: perturbed by
 * their keys), the part capped at its whole (it counts a subset of its rows), so never over
 * 100; whole numbers under the publication profile.
 */
function shareOfCounts(part: Shown, whole: Shown, counts: { part: Keyed; whole: Keyed }, policy: DisclosurePolicy): Shown {
	const symbols = [symbolOf(part), symbolOf(whole)];
	if (symbols.includes('c')) return { value: null, symbol: 'c' };
	const other = symbols.find((s) => s !== null);
	if (other) return { value: null, symbol: other };
	const base = adjustedCount(counts.whole.n, policy, counts.whole.key);
	if (base === 0) return { value: null, symbol: 'z' };
	const share = (100 * Math.min(adjustedCount(counts.part.n, policy, counts.part.key), base)) / base;
	return { value: policy.profile === 'publication' ? Math.round(share) : share, symbol: null };
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

/** The columns of a breakdown table, checked against what the page data promises. */
function columnsOf(table: CountTable): ('contacts' | 'referrals')[] {
	for (const c of table.columns) if (c !== 'contacts' && c !== 'referrals') throw new Error(`a need breakdown has a column "${c}"`);
	return table.columns as ('contacts' | 'referrals')[];
}

const sum = (ns: readonly number[]) => ns.reduce((a, n) => a + n, 0);
const isC = (s: Shown) => s.symbol === 'c';

/** Figures of one protection problem, with their first suppression and the lines between them. */
class Figures {
	readonly values: (number | null)[] = [];
	/** Each figure's cell key (undefined for a figure not shown, or not keyed: exact figures). */
	readonly keys: Key[] = [];
	readonly initial: boolean[] = [];
	readonly lines: number[][] = [];
	/** Figures the page does not show (the rest of a breakdown): chosen only when nothing else can be. */
	readonly hidden = new Set<number>();

	add(value: number | null, suppressed: boolean, hidden = false, key?: Key): number {
		const i = this.values.push(value) - 1;
		this.keys.push(key);
		this.initial.push(suppressed);
		if (hidden) this.hidden.add(i);
		return i;
	}

	value(i: number): number {
		const v = this.values[i];
		if (v === null) throw new Error(`figure ${i} is not available`);
		return v;
	}

	line(...members: number[]): void {
		this.lines.push(members);
	}

	/** Figure i as shown: `c` where `hidden` says, else its count (perturbed by its key under the cell key method). */
	show(i: number, hidden: readonly boolean[], policy: DisclosurePolicy): Shown {
		return showCount(this.value(i), hidden[i], policy, this.keys[i]);
	}

	/** Figure i as a share takes it. */
	keyed(i: number): Keyed {
		return { n: this.value(i), key: this.keys[i] };
	}
}

/** A metric's count of contacts as it takes part in a line (as the joint call counts it: `x` counts 0). */
const contactsOf = (m: MetricValue): number | null => m.numerator ?? (m.status === 'x' ? 0 : null);

/** The joint call's answers for the page's contact counts (see `presentNeed`). */
interface JointContacts {
	byArea: ShownBreakdown;
	byMonth: ShownBreakdown;
	/** One per dimension of `adding`, in that order. */
	byTable: ShownBreakdown[];
	adding: readonly NeedDimension[];
}

/** The columns of a table of contacts by outcome, checked against what the page data promises. */
function checkConversionColumns(table: CountTable): void {
	if (JSON.stringify(table.columns) !== JSON.stringify(CONVERSION_COLUMNS)) throw new Error(`contacts by outcome have the columns ${table.columns.join(', ')}`);
}

/**
 * Contacts by outcome (by sector and by agency) and every contact count of the page, protected
 * together (the module's comment, "Contacts by outcome"). The joint call's answers for the
 * contact counts are updated in place where this suppresses one further; the tables and the
 * headline `contact_conversion_pct` are returned.
 */
function protectContacts(data: NeedData, joint: JointContacts, policy: DisclosurePolicy): NeedView['conversion'] {
	checkPolicy(policy);
	const f = new Figures();
	const small = (n: number) => isSmall(n, policy);

	// ---- the joint call's contact counts and lines, as it decided them
	const places: { index: number; m: MetricValue; at: ShownMetricSet }[] = [];
	const contactCount = (m: MetricValue, at: ShownMetricSet): number => {
		const index = f.add(contactsOf(m), isC(at.contacts_per_10k.numerator), false, m.keys?.numerator);
		places.push({ index, m, at });
		return index;
	};
	const whole = contactCount(data.totals.contacts, joint.byArea.total);
	const breakdownLine = (groups: { m: MetricValue; at: ShownMetricSet }[]): number[] => {
		const parts = groups.map((g) => contactCount(g.m, g.at));
		const counts = parts.map((i) => f.values[i]);
		// As the joint call: a breakdown with a count not available is in no line.
		if (f.values[whole] === null || counts.some((v) => v === null)) return parts;
		const rest = f.value(whole) - sum(counts as number[]);
		if (rest < 0) throw new Error('contacts by group add up to more than all contacts');
		f.line(...parts, f.add(rest, small(rest), true), whole);
		return parts;
	};
	breakdownLine(data.areas.map((a, i) => ({ m: a.contacts, at: joint.byArea.groups[i].metrics })));
	breakdownLine(data.trend.map((m, i) => ({ m: m.metrics.contacts_per_10k, at: joint.byMonth.groups[i].metrics })));
	const contactsBySector = new Map<string, number>();
	joint.adding.forEach((d, k) => {
		const table = data.breakdowns[d];
		const j = table.columns.indexOf('contacts');
		if (j < 0) return;
		const parts = breakdownLine(table.rows.map((_, r) => ({ m: counted(table.counts[r][j], keyAt(table, r, j)), at: joint.byTable[k].groups[r].metrics })));
		if (d === 'sector') table.rows.forEach((code, r) => contactsBySector.set(code, parts[r]));
	});

	// ---- contacts by outcome
	const S = data.conversion.bySector;
	const A = data.conversion.byAgency;
	checkConversionColumns(S);
	checkConversionColumns(A);
	const undecided = CONVERSION_COLUMNS.indexOf('undecided');
	const referral = CONVERSION_COLUMNS.indexOf('referral');
	const n = (v: number | null) => v ?? 0;
	type Row = { cells: number[]; decided: number };
	/** A row's figures: its cells with their keys (none for a hidden row: never shown), and its decided contacts, keyed by their cells' keys. */
	const row = (counts: readonly number[], keys: readonly Key[] = [], hidden = false, decidedKey = keySum(keys.filter((_, c) => c !== undecided))): Row => {
		const cells = counts.map((v, c) => f.add(v, small(v), hidden, keys[c]));
		const decided = sum(counts.filter((_, c) => c !== undecided));
		const row = { cells, decided: f.add(decided, small(decided), hidden, decidedKey) };
		// The rest's row is not shown: as a breakdown's rest, it is in its columns' lines only.
		if (!hidden) f.line(...cells.filter((_, c) => c !== undecided), row.decided);
		return row;
	};
	const columnsOf = (row: Row) => [...row.cells, row.decided];
	const keysOf = (table: CountTable, r: number): Key[] => CONVERSION_COLUMNS.map((_, c) => keyAt(table, r, c));
	const sectorRows = S.rows.map((_, r) => row(S.counts[r].map(n), keysOf(S, r)));
	const totalCounts = CONVERSION_COLUMNS.map((_, c) => sum(S.counts.map((r) => n(r[c]))));
	// Every contact's: the referrals and the decided contacts are the headline's counts (checked below), with its keys.
	const m = data.conversion.figure;
	const columnKeys = CONVERSION_COLUMNS.map((_, c) => keySum(S.rows.map((_, r) => keyAt(S, r, c))));
	const totalKeys = columnKeys.map((k, c) => (c === referral ? (m.keys?.numerator ?? k) : k));
	const total = row(totalCounts, totalKeys, false, m.keys?.denominator ?? keySum(totalKeys.filter((_, c) => c !== undecided)));
	// Decided + undecided = all contacts: in all, and in each sector.
	const contactsLine = (r: Row, contacts: number | undefined) => {
		if (contacts === undefined || f.values[contacts] === null) return;
		if (f.value(r.decided) + f.value(r.cells[undecided]) !== f.value(contacts)) throw new Error('contacts by outcome do not add up to the contacts counted');
		f.line(r.decided, r.cells[undecided], contacts);
	};
	contactsLine(total, whole);
	S.rows.forEach((code, r) => contactsLine(sectorRows[r], contactsBySector.get(code)));
	columnsOf(total).forEach((t, c) => f.line(...sectorRows.map((r) => columnsOf(r)[c]), t));

	const agencyRows = A.rows.map((_, r) => row(A.counts[r].map(n), keysOf(A, r)));
	// Contacts with a source code alone: in no agency, not shown. In all, and in each sector, whose row is
	// its agencies' rows and its own such contacts (a sector of one agency and none: the same row).
	const restOf = (sectorCounts: readonly number[], agencies: readonly number[]) => {
		const counts = sectorCounts.map((t, c) => t - sum(agencies.map((r) => n(A.counts[r][c]))));
		if (counts.some((v) => v < 0)) throw new Error('contacts by agency add up to more than contacts by sector');
		return row(counts, [], true);
	};
	const everyAgency = A.rows.map((_, r) => r);
	const rest = restOf(totalCounts, everyAgency);
	columnsOf(total).forEach((t, c) => f.line(...agencyRows.map((r) => columnsOf(r)[c]), columnsOf(rest)[c], t));
	const sectorOf = data.conversion.agencySectors;
	for (const code of A.rows) if (!S.rows.includes(sectorOf[code])) throw new Error(`agency ${code} has no sector among the contacts by sector`);
	S.rows.forEach((code, s) => {
		const agencies = everyAgency.filter((r) => sectorOf[A.rows[r]] === code);
		if (agencies.length === 0) return;
		const sectorRest = restOf(S.counts[s].map(n), agencies);
		columnsOf(sectorRows[s]).forEach((t, c) => f.line(...agencies.map((r) => columnsOf(agencyRows[r])[c]), columnsOf(sectorRest)[c], t));
	});

	const hidden = protectLines({ values: f.values, lines: f.lines, choosable: (i) => !f.hidden.has(i) }, f.initial);

	// A contact count suppressed further: `c` wherever the page shows it.
	for (const p of places) if (hidden[p.index] && !f.initial[p.index]) p.at.contacts_per_10k = showMetric('contacts_per_10k', p.m, { numerator: true }, policy);

	const show = (i: number) => f.show(i, hidden, policy);
	const shownRow = (code: string, label: string, r: Row): ShownConversionRow => {
		const outcomes = r.cells.map(show);
		const decided = show(r.decided);
		// The referrals are the conversion's numerator: as the headline's, never shown above the decided contacts
		// (perturbed, they might be: then they show as the decided contacts do).
		const adjusted = (i: number) => adjustedCount(f.value(i), policy, f.keys[i]);
		if (symbolOf(outcomes[referral]) === null && symbolOf(decided) === null && adjusted(r.cells[referral]) > adjusted(r.decided)) outcomes[referral] = decided;
		const percent = shareOfCounts(outcomes[referral], decided, { part: f.keyed(r.cells[referral]), whole: f.keyed(r.decided) }, policy);
		return { code, label, outcomes, decided, percent };
	};
	const table = (by: 'sector' | 'agency', codes: readonly string[], rows: Row[]): ShownConversion => ({
		by,
		columns: [...CONVERSION_COLUMNS],
		rows: codes.map((code, r) => shownRow(code, by === 'sector' ? groupLabel(code) : code, rows[r])),
		total: shownRow('all', 'All contacts', total)
	});

	if (m.numerator !== null && (m.numerator !== f.value(total.cells[referral]) || m.denominator !== f.value(total.decided))) {
		throw new Error('contact_conversion_pct and the contacts by outcome count different contacts');
	}
	const figure = showMetric('contact_conversion_pct', m, { numerator: hidden[total.cells[referral]], denominator: hidden[total.decided] }, policy);
	const withheld = [total.cells[referral], total.decided].some((i) => hidden[i] && !small(f.value(i)));
	return { figure, withheld, bySector: table('sector', S.rows, sectorRows), byAgency: table('agency', A.rows, agencyRows) };
}

/**
 * Children by number of agencies, the multi-agency figure's counts, the 3-plus count and the
 * overlap of agencies, protected together (the module's comment, "Children known to several
 * agencies").
 */
export function protectLinkage(data: NeedData['multiAgency'], policy: DisclosurePolicy): Omit<NeedView['multiAgency'], 'agencies'> & { agencies: string[] } {
	checkPolicy(policy);
	const byCount = AGENCY_COUNTS.map((a) => {
		const g = data.byCount.find((b) => b.agencies === a);
		if (!g) throw new Error(`no children known to ${a} agencies`);
		return g;
	});
	const groups = byCount.map((g) => g.children);
	const groupKeys = byCount.map((g) => g.key);
	const [one, two, three, four] = [0, 1, 2, 3];
	const f = new Figures();
	const small = (v: number) => isSmall(v, policy);
	const add = (v: number, key: Key) => f.add(v, small(v), false, key);
	groups.forEach((v, g) => add(v, groupKeys[g]));
	// The headline counts with their own keys (the sums of their groups' where they have none).
	const threePlus = add(groups[2] + groups[3], data.threePlus.keys?.value ?? keySum(groupKeys.slice(2)));
	const numerator = add(groups[1] + groups[2] + groups[3], data.figure.keys?.numerator ?? keySum(groupKeys.slice(1)));
	const denominator = add(sum(groups), data.figure.keys?.denominator ?? keySum(groupKeys));
	const checks: [number | null, number][] = [
		[data.figure.numerator, numerator],
		[data.figure.denominator, denominator],
		[data.threePlus.value, threePlus]
	];
	for (const [given, i] of checks) if (given !== null && given !== f.value(i)) throw new Error('children by number of agencies do not add up to the figures');
	// Every way one of them is a sum of others (each a line, the total last).
	f.line(one, two, three, four, denominator);
	f.line(one, numerator, denominator);
	f.line(one, two, threePlus, denominator);
	f.line(two, three, four, numerator);
	f.line(two, threePlus, numerator);
	f.line(three, four, threePlus);

	// The matrix: one figure per cell on or above the diagonal (it is symmetric).
	const M = data.overlap;
	const k = M.rows.length;
	const cell: number[][] = M.rows.map(() => new Array<number>(k).fill(-1));
	for (let i = 0; i < k; i++)
		for (let j = i; j < k; j++) {
			const v = M.counts[i][j] ?? 0;
			const key = keyAt(M, i, j);
			if ((M.counts[j][i] ?? 0) !== v || keyAt(M, j, i) !== key) throw new Error('the overlap of agencies is not symmetric');
			cell[i][j] = cell[j][i] = add(v, key);
		}
	const diagonal = M.rows.map((_, i) => cell[i][i]);
	const pairs = M.rows.flatMap((_, i) => M.rows.map((_, j) => j).filter((j) => j > i).map((j) => cell[i][j]));
	// Σ diagonal = Σ k × (children with k agencies); Σ pairs = Σ k(k−1)/2 × (…), the children with 5 or more taken as known.
	const relations: Relation[] = [
		[...diagonal.map((i): [number, number] => [i, 1]), [denominator, -1], [numerator, -1], [threePlus, -1], [four, -1]],
		[...pairs.map((i): [number, number] => [i, 1]), [numerator, -1], [threePlus, -2], [four, -3]]
	];
	// The groups and headline counts protect first (a headline count costs more than all four groups);
	// the matrix keeps its primary suppression unless no choice of them hides everything.
	const search = [one, two, three, four, threePlus, numerator, denominator];
	const cost = (i: number) => (i <= four ? 1 : 10);
	const hidden = protectRelations({ values: f.values, lines: f.lines, relations, search, cost }, f.initial);

	const show = (i: number) => f.show(i, hidden, policy);
	const figure = showMetric('multi_agency_children_pct', data.figure, { numerator: hidden[numerator], denominator: hidden[denominator] }, policy);
	const three3 = showMetric('children_known_3plus_agencies', data.threePlus, { value: hidden[threePlus] }, policy);
	const withheld = [numerator, denominator, threePlus].some((i) => hidden[i] && !small(f.value(i)));
	return {
		figure,
		threePlus: three3,
		withheld,
		byCount: AGENCY_COUNTS.map((agencies, g) => ({ agencies, children: show(g) })),
		agencies: [...M.rows],
		cells: cell.map((r) => r.map(show))
	};
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
				metrics: Object.fromEntries(columns.map((c, j) => [RATE_OF[c], counted(table.counts[r][j], keyAt(table, r, j))]))
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
	// Contacts by outcome, with every contact count above (which it may suppress further, in place).
	const conversion = protectContacts(data, { byArea, byMonth, byTable, adding }, policy);
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
	/** A headline count with its key, as shares take it (0 where not available: its share is then a symbol). */
	const headline = (side: 'contacts' | 'referrals'): Keyed => ({ n: data.totals[side].numerator ?? 0, key: data.totals[side].keys?.numerator });
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
					shares: shown.cells[r].map((cell, j) => shareOfCounts(cell, base, { part: { n: table.counts[r][j] ?? 0, key: keyAt(table, r, j) }, whole: headline('referrals') }, policy))
				})),
				totals: null,
				shareOf: 'all referrals (a referral counts under each of its concerns, so the shares add up to more than 100%)'
			};
		}
		const joint = byTable[adding.indexOf(d)];
		const shares = deriveShares(table, 'column', policy);
		const columnTotals = columns.map((c) => totals[c].numerator);
		// Where shown: of the cell and the total as shown (the total: the headline's count and key).
		const share = (r: number, j: number, counts: Shown[]): Shown => {
			const s = stricter(shares[r][j], counts[j], columnTotals[j]);
			if (s.symbol !== null || s.value === null) return s;
			return shareOfCounts(counts[j], columnTotals[j], { part: { n: table.counts[r][j] ?? 0, key: keyAt(table, r, j) }, whole: headline(columns[j]) }, policy);
		};
		return {
			dimension: d,
			title: TITLES[d],
			columns,
			groups: table.rows.map((code, r) => {
				const counts = columns.map((c) => joint.groups[r].metrics[RATE_OF[c]].numerator);
				return { code, label: groupLabel(code), counts, shares: columns.map((_, j) => share(r, j, counts)) };
			}),
			totals: columnTotals,
			shareOf: columns.length > 1 ? 'all contacts and all referrals' : 'all referrals'
		};
	});

	// A benchmark counts every agency's contacts and referrals: one agency's rate does not compare with it.
	const agencyFiltered = data.filters.agency !== null || data.filters.sector !== null;
	const rateBenchmarks = (list: ShownBenchmark[]) => (agencyFiltered ? list.map((b) => ({ ...b, comparable: false })) : list);

	return {
		...scope,
		metrics: {
			contacts: metricInfo('contacts_per_10k'),
			referrals: metricInfo('referrals_per_10k'),
			multiAgency: metricInfo('multi_agency_children_pct'),
			threePlus: metricInfo('children_known_3plus_agencies'),
			conversion: metricInfo('contact_conversion_pct')
		},
		totals,
		benchmarks: {
			contacts: rateBenchmarks(shownBenchmarks(benchmarks, 'contacts_per_10k')),
			referrals: rateBenchmarks(shownBenchmarks(benchmarks, 'referrals_per_10k')),
			multiAgency: shownBenchmarks(benchmarks, 'multi_agency_children_pct'),
			conversion: shownBenchmarks(benchmarks, 'contact_conversion_pct')
		},
		areas: ranked,
		trend: { contacts: metricSeries(byMonth, 'contacts_per_10k', policy).points, referrals: metricSeries(byMonth, 'referrals_per_10k', policy).points },
		breakdowns,
		multiAgency: protectLinkage(data.multiAgency, policy),
		conversion
	};
}

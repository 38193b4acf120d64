/**
 * The escalation page as a person may see it: every figure through disclosure control, and
 * whatever is derived (a headline's count, a table's labels) from SHOWN figures only.
 *
 * ## What is shown together, and how it is protected
 * - **By stage and category** (`stageByCategory`) and **between which agencies** (`between`):
 *   one `suppressTable` each, with their totals. Both grand totals are the escalations raised
 *   in the period, the numerator of the escalations per 100 referrals and the denominator of
 *   the share reaching stage 3: the same figure, shown in three places.
 * - **Headline figures and the monthly trend**: one `suppressBreakdowns` call (the months add
 *   up to the headline), then each headline count that a table also shows is held to the
 *   table: shown only when the table's SHOWN figures give it (the escalations raised: the
 *   grand total; stage 3 or higher: the stage 3 and 4 totals, or the total less stages 1 and
 *   2). Otherwise the count and the figure derived from it are `c`, so that a headline never
 *   gives away a total the table had to suppress (a stage 3 total of 4 beside a stage 4 total
 *   of 10 and a headline of 14).
 * - A total shown in two tables must be shown, or suppressed, in both. Suppression of a grand
 *   total depends only on the total itself (a grand total is only ever chosen for secondary
 *   suppression when it is 1 to the threshold already), so the two agree; should they ever
 *   not, the second table is shown with every non-zero figure suppressed (`hiddenTable`)
 *   rather than undo the first one's protection.
 * - **The escalations closed in the period**, shown three ways: by days to close
 *   (`resolutionDays`), by category and outcome (`outcomeByCategory`) and by agency pair and
 *   outcome (`outcomeByPair`). The three share one total (the escalations closed), and the
 *   two outcome tables share their outcome totals: the same figures in several places, so
 *   one figure each, suppressed together (`protectClosed`: the bins with the total, each
 *   outcome table's rows, columns and margins, over the shared figures; disclosure control's
 *   `protectLines`, the engine of `suppressTable`). A total suppressed for one table is so
 *   suppressed in the others, and each table is protected against it (a column total
 *   suppressed to protect one table's cell, where `suppressTable` on each table alone would
 *   have shown it in the other, is what this prevents). Counts that do not add up to one
 *   total (a bug upstream) hide every non-zero figure of the three. The median days to close
 *   is `c` over 1 to the threshold escalations (the total may be `c` for more, to protect a
 *   table).
 * - **The share closed with agreement**: the headline (and its months, in the one
 *   `suppressBreakdowns` call) held to the outcome tables: its denominator shown only when
 *   the shared total is, its numerator (agreed and plan changed) only when the shown outcome
 *   totals give it (`knownPart`). A row's share agreed is derived from the row's SHOWN
 *   figures (its agreed and plan changed cells, or its total less the others), `c` when they
 *   do not give it.
 * - **Open at each month's end**: each month is a position of its own (they do not add up),
 *   so each is a count standing alone, as is the headline (the last month's position).
 *
 * Helpers that the audits and response pages share are exported from here.
 */
import type { HistogramData, ShownValue, TableColumn, TableData, TableRow, TrendChartData, GridData } from '../../components/charts/types.ts';
import type { EscalationData } from '../dashboard/escalation.ts';
import { AGREED_COLUMNS, OUTCOMES, RESOLUTION_BINS, STAGES } from '../dashboard/escalation.ts';
import { metricInfo, type MetricInfo } from '../dashboard/metrics.ts';
import type { Benchmark } from '../dashboard/settings.ts';
import { checkPolicy, isSmall, metricSeries, protectLines, showCount, suppressBreakdowns, suppressCount, suppressTable } from '../disclosure/index.ts';
import type { GroupedResult, WholeResult } from '../disclosure/index.ts';
import type { CountTable, DisclosurePolicy, Shown, ShownMetric, ShownTable } from '../disclosure/types.ts';
import type { MetricKey } from '../metrics/keys.ts';
import { fullSet } from './common.ts';

// ------------------------------------------------------------------ shared helpers

/** `plan_progress` → `Plan progress`. */
export function codeWords(code: string): string {
	const words = code.replace(/_/g, ' ').trim();
	return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Agency names by code (the filter bar's list); a code with no name stays a code. */
export type AgencyNames = readonly { code: string; name: string }[];

export function agencyName(agencies: AgencyNames, code: string): string {
	return agencies.find((a) => a.code === code)?.name ?? code;
}

/** Whether a figure is shown (a value, no symbol). */
export function isShown(s: Shown | ShownValue | undefined): boolean {
	return s !== undefined && s.value !== null && (s.symbol ?? null) === null;
}

const C: Shown = Object.freeze({ value: null, symbol: 'c' }) as Shown;
/** A suppressed figure. */
export function suppressed(): Shown {
	return { ...C };
}

/**
 * The sum of some members of a line (a table's row, column or margin), when the line's SHOWN
 * figures give it: every member of the subset shown, or the line's total and every other
 * member shown. Null otherwise. `counts` are the unrounded counts, `shown` their shown forms.
 * Other routes to the sum may exist; leaving them out only ever hides more.
 */
export function knownPart(counts: readonly number[], shown: readonly Shown[], subset: readonly number[], total?: { count: number; shown: Shown }): number | null {
	const sum = (indices: readonly number[]) => indices.reduce((a, i) => a + counts[i], 0);
	if (subset.every((i) => isShown(shown[i]))) return sum(subset);
	const others = counts.map((_, i) => i).filter((i) => !subset.includes(i));
	if (total && isShown(total.shown) && others.every((i) => isShown(shown[i]))) return total.count - sum(others);
	return null;
}

/**
 * A count worked out from shown figures, as it may be shown: null when it is not known, `c`
 * when it is 1 to the threshold (it may be known, but a page never writes a small count).
 */
export function derivedCount(n: number | null, policy: DisclosurePolicy): Shown {
	return n === null ? suppressed() : suppressCount(n, policy);
}

/**
 * A share (0 to 100) of shown counts, from the unrounded counts as `deriveShares` gives one:
 * `c` when either count is not shown, `z` when the base is 0; a whole number under the
 * publication profile.
 */
export function shareOf(count: Shown, base: Shown, counts: { count: number; base: number }, policy: DisclosurePolicy): Shown {
	if (!isShown(count) || !isShown(base)) {
		const symbol = count.symbol === 'x' || base.symbol === 'x' ? 'x' : 'c';
		return { value: null, symbol };
	}
	if (counts.base === 0) return { value: null, symbol: 'z' };
	const share = (100 * counts.count) / counts.base;
	return { value: policy.profile === 'publication' ? Math.round(share) : share, symbol: null };
}

/**
 * A table with every non-zero figure suppressed: what is shown instead of a table whose
 * protection does not agree with another's on a figure they share (a fail-safe; see above).
 */
export function hiddenTable(table: CountTable): ShownTable {
	const show = (n: number | null): Shown => (n === null ? { value: null, symbol: 'x' } : n === 0 ? { value: 0, symbol: null } : suppressed());
	const sum = (ns: readonly (number | null)[]) => ns.reduce<number>((a, n) => a + (n ?? 0), 0);
	const out: ShownTable = { rows: [...table.rows], columns: [...table.columns], cells: table.counts.map((row) => row.map(show)) };
	if (table.rowTotals) out.rowTotals = table.counts.map((row) => show(sum(row)));
	if (table.columnTotals) out.columnTotals = table.columns.map((_, c) => show(sum(table.counts.map((row) => row[c]))));
	if (table.rowTotals && table.columnTotals) out.total = show(sum(table.counts.flat()));
	return out;
}

/** The unrounded grand total of a table's available cells. */
export function grandTotal(table: CountTable): number {
	return table.counts.flat().reduce<number>((a, n) => a + (n ?? 0), 0);
}

/** The unrounded column totals of a table. */
export function columnSums(table: CountTable): number[] {
	return table.columns.map((_, c) => table.counts.reduce<number>((a, row) => a + (row[c] ?? 0), 0));
}

/** The unrounded row totals of a table. */
export function rowSums(table: CountTable): number[] {
	return table.counts.map((row) => row.reduce<number>((a, n) => a + (n ?? 0), 0));
}

/**
 * Whether two shown tables agree on the figures they share (each pair: the same unrounded
 * count, and both shown or both not).
 */
export function agree(pairs: readonly { a: Shown | undefined; b: Shown | undefined; countA: number; countB: number }[]): boolean {
	return pairs.every((p) => p.countA === p.countB && isShown(p.a) === isShown(p.b));
}

/** How a shown table's rows, columns and totals are labelled as a data table. */
export interface TableWords {
	caption?: string;
	/** Header of the row-header column. */
	rowHeader: string;
	/** Row labels, in the table's order. */
	rows: readonly string[];
	/** Column labels, in the table's order. */
	columns: readonly string[];
	/** Label of the column of row totals (default `Total`). */
	rowTotal?: string;
	/** Label of the row of column totals (default `Total`). */
	columnTotal?: string;
	/** Columns after the totals: derived figures, one per row and one for the totals row. */
	extra?: readonly { column: TableColumn; cells: readonly Shown[]; total?: Shown }[];
	notes?: string[];
}

/** A shown table as a data table, its totals (as the table shows them) as a last column and row. */
export function countTableData(t: ShownTable, words: TableWords): TableData {
	const columns: TableColumn[] = words.columns.map((label) => ({ label, decimals: 0 }));
	if (t.rowTotals) columns.push({ label: words.rowTotal ?? 'Total', decimals: 0 });
	for (const e of words.extra ?? []) columns.push(e.column);
	const rows: TableRow[] = t.cells.map((cells, r) => ({
		header: words.rows[r],
		cells: [...cells, ...(t.rowTotals ? [t.rowTotals[r]] : []), ...(words.extra ?? []).map((e) => e.cells[r])]
	}));
	if (t.columnTotals) {
		rows.push({
			header: words.columnTotal ?? 'Total',
			cells: [...t.columnTotals, ...(t.rowTotals && t.total ? [t.total] : []), ...(words.extra ?? []).map((e) => e.total ?? null)]
		});
	}
	return { caption: words.caption, rowHeader: words.rowHeader, columns, rows, notes: words.notes };
}

/** A headline figure: what it is, its shown figure, and the benchmarks to set beside it. */
export interface ShownHeadline {
	info: MetricInfo;
	figure: ShownMetric;
	benchmarks: { label: string; value: number; source: string | null }[];
}

/** The benchmarks of a metric that compare with the period (partnership settings). */
export function benchmarksOf(benchmarks: readonly Benchmark[], key: MetricKey): ShownHeadline['benchmarks'] {
	return benchmarks.filter((b) => b.metric === key && b.comparable).map((b) => ({ label: b.label, value: b.value, source: b.source }));
}

/**
 * A headline figure held to a table that shows its counts too: a count the table's shown
 * figures do not give (`known` false) is `c`, and so is the figure derived from it.
 */
export function heldTo(figure: ShownMetric, known: { numerator: boolean; denominator: boolean }): ShownMetric {
	const hide = (s: Shown, isKnown: boolean): Shown => (isKnown || !isShown(s) || s.value === 0 ? s : suppressed());
	const numerator = hide(figure.numerator, known.numerator);
	const denominator = hide(figure.denominator, known.denominator);
	const lost = (isShown(figure.numerator) && !isShown(numerator)) || (isShown(figure.denominator) && !isShown(denominator));
	return { value: lost && isShown(figure.value) ? suppressed() : figure.value, numerator, denominator };
}

/** Not applicable: the stand-in for metrics a page does not compute (`suppressBreakdowns` reads every key). */


// ------------------------------------------------------------------ the escalation page

export interface EscalationOptions {
	/** Benchmarks overlapping the period (`benchmarksFor(warehouse, null, period)`). */
	benchmarks: readonly Benchmark[];
	/** Agency names for the table of who raised escalations with whom. */
	agencies: AgencyNames;
}

export interface EscalationView {
	period: { from: string; to: string };
	threshold: number;
	/** Escalations raised in the period (the tables' grand total). */
	raised: Shown;
	headlines: {
		per100: ShownHeadline;
		stage3: ShownHeadline;
		/** With the number closed in the period, as the time-to-close table shows it. */
		medianDays: ShownHeadline & { closed: Shown };
		openAtEnd: ShownHeadline;
		/** Held to the table of outcomes by category. */
		agreed: ShownHeadline;
	};
	trend: { per100: TrendChartData; openAtEnd: TrendChartData; agreed: TrendChartData };
	stageByCategory: { grid: GridData; table: TableData };
	between: { grid: GridData; table: TableData };
	resolution: { histogram: HistogramData; table: TableData; closed: Shown };
	/** Escalations closed in the period by outcome: by category and by agency pair (each with a share agreed). */
	outcomes: { byCategory: { grid: GridData; table: TableData }; byPair: { grid: GridData; table: TableData } };
}

/** Escalation categories in words (extract-format.md's codes). */
const CATEGORY_WORDS: Record<string, string> = { roles_responsibilities: 'Roles and responsibilities' };

const OUTCOME_WORDS: Record<(typeof OUTCOMES)[number], string> = {
	agreed: 'Agreed',
	plan_changed: 'Plan changed',
	withdrawn: 'Withdrawn',
	unresolved: 'Unresolved'
};

/**
 * The share closed with agreement of each row of a shown outcome table, and of its totals:
 * from the row's SHOWN figures only (`knownPart`), `c` when they do not give it.
 */
function agreedShares(table: CountTable, shown: ShownTable, policy: DisclosurePolicy): { cells: Shown[]; total: Shown } {
	const share = (counts: readonly number[], cells: readonly Shown[], total: Shown): Shown => {
		const all = counts.reduce((a, n) => a + n, 0);
		const agreed = knownPart(counts, cells, AGREED_COLUMNS, { count: all, shown: total });
		const count = derivedCount(agreed, policy);
		return shareOf(count, total, { count: agreed ?? 0, base: all }, policy);
	};
	const rows = table.counts.map((row) => row.map((n) => n ?? 0));
	return {
		cells: rows.map((row, r) => share(row, shown.cells[r], shown.rowTotals?.[r] ?? suppressed())),
		total: share(columnSums(table), shown.columnTotals ?? [], shown.total ?? suppressed())
	};
}

/** The escalations closed as shown: by days to close, and by outcome two ways (see the module's comment). */
export interface ShownClosed {
	/** The bins of the time to close, with the escalations closed as their column total. */
	resolution: ShownTable;
	byCategory: ShownTable;
	byPair: ShownTable;
}

/**
 * The escalations closed, protected as one set of figures: the bins of the time to close, and
 * two tables by outcome (same columns) each with its row totals, sharing their outcome totals
 * and, with the bins, their grand total. Lines: the bins with the total; each table's rows
 * with their totals, its columns with the shared outcome totals, its row totals with the
 * shared total; the outcome totals with the shared total. Should the counts not add up to one
 * total (a bug upstream: the page's data is one snapshot), every non-zero figure of the three
 * is suppressed (`hiddenTable`).
 */
export function protectClosed(resolution: CountTable, byCategory: CountTable, byPair: CountTable, policy: DisclosurePolicy): ShownClosed {
	checkPolicy(policy);
	const counts = (t: CountTable) => t.counts.map((row) => row.map((n) => n ?? 0));
	const bins = counts(resolution).map((row) => row[0]);
	const tables = [counts(byCategory), counts(byPair)];
	const C = byCategory.columns.length;
	if (resolution.columns.length !== 1 || byPair.columns.join() !== byCategory.columns.join()) throw new Error('the closed escalations\' tables do not have the expected columns');
	const outcomeTotals = columnSums(byCategory);
	const total = bins.reduce((a, n) => a + n, 0);
	if (grandTotal(byCategory) !== total || grandTotal(byPair) !== total || columnSums(byPair).join() !== outcomeTotals.join()) {
		// Cannot happen with one snapshot's data; should it, no table may undo another's protection.
		return { resolution: hiddenTable(resolution), byCategory: hiddenTable(byCategory), byPair: hiddenTable(byPair) };
	}
	const values: number[] = [];
	const add = (n: number) => values.push(n) - 1;
	const binAt = bins.map(add);
	const at = tables.map((rows) => ({ cells: rows.map((row) => row.map(add)), rowTotals: rows.map((row) => add(row.reduce((a, n) => a + n, 0))) }));
	const outcomeAt = outcomeTotals.map(add);
	const totalAt = add(total);
	const range = (n: number) => [...Array(n).keys()];
	const lines: number[][] = [[...binAt, totalAt]];
	for (const t of at) {
		for (const [r, row] of t.cells.entries()) lines.push([...row, t.rowTotals[r]]);
		for (const c of range(C)) lines.push([...t.cells.map((row) => row[c]), outcomeAt[c]]);
		lines.push([...t.rowTotals, totalAt]);
	}
	lines.push([...outcomeAt, totalAt]);
	const hidden = protectLines({ values, lines }, values.map((v) => isSmall(v, policy)));
	const show = (i: number) => showCount(values[i], hidden[i], policy);
	const shownTable = (t: CountTable, a: (typeof at)[number]): ShownTable => ({
		rows: [...t.rows],
		columns: [...t.columns],
		cells: a.cells.map((row) => row.map(show)),
		rowTotals: a.rowTotals.map(show),
		columnTotals: outcomeAt.map(show),
		total: show(totalAt)
	});
	return {
		resolution: { rows: [...resolution.rows], columns: [...resolution.columns], cells: binAt.map((i) => [show(i)]), columnTotals: [show(totalAt)] },
		byCategory: shownTable(byCategory, at[0]),
		byPair: shownTable(byPair, at[1])
	};
}

const STAGE_WORDS: Record<(typeof STAGES)[number], string> = {
	'1': 'Stage 1',
	'2': 'Stage 2',
	'3': 'Stage 3',
	'4': 'Stage 4'
};

export function presentEscalation(data: EscalationData, policy: DisclosurePolicy, options: EscalationOptions): EscalationView {
	const scope = { period: data.period, filters: data.filters };
	const whole: WholeResult = { ...scope, by: null, metrics: fullSet(data.figures) };
	const byMonth: GroupedResult = { ...scope, by: 'month', groups: data.trend.map((m) => ({ group: m.month, metrics: fullSet(m.metrics) })) };
	const [months] = suppressBreakdowns([byMonth], whole, policy);

	// The tables.
	const stages = suppressTable(data.stageByCategory, policy);
	const raisedCount = grandTotal(data.stageByCategory);
	const shownBetween = suppressTable(data.between, policy);
	const between = agree([{ a: stages.total, b: shownBetween.total, countA: raisedCount, countB: grandTotal(data.between) }])
		? shownBetween
		: hiddenTable(data.between);
	// The escalations closed: by days to close and by outcome two ways, sharing their totals.
	const { outcomeByCategory, outcomeByPair } = data;
	const { resolution, byCategory, byPair } = protectClosed(data.resolutionDays, outcomeByCategory, outcomeByPair.table, policy);
	const closed = resolution.columnTotals?.[0] ?? suppressed();
	const raised = stages.total ?? suppressed();
	const outcomeTotals = columnSums(outcomeByCategory);

	// Headlines held to the tables that show their counts.
	const figures = data.figures;
	const raisedKnown = (n: number | null) => n === raisedCount && isShown(raised);
	const stageTotals = columnSums(data.stageByCategory);
	const stage3Count = knownPart(stageTotals, stages.columnTotals ?? [], [2, 3], { count: raisedCount, shown: raised });
	const per100 = heldTo(months.total.escalations_per_100_referrals, {
		numerator: raisedKnown(figures.escalations_per_100_referrals.numerator),
		denominator: true
	});
	const stage3 = heldTo(months.total.escalations_stage3_pct, {
		numerator: stage3Count !== null && stage3Count === figures.escalations_stage3_pct.numerator && isShown(derivedCount(stage3Count, policy)),
		denominator: raisedKnown(figures.escalations_stage3_pct.denominator)
	});
	const agreedCount = knownPart(outcomeTotals, byCategory.columnTotals ?? [], AGREED_COLUMNS, {
		count: grandTotal(outcomeByCategory),
		shown: closed
	});
	const agreed = heldTo(months.total.escalations_agreed_pct, {
		numerator: agreedCount !== null && agreedCount === figures.escalations_agreed_pct.numerator && isShown(derivedCount(agreedCount, policy)),
		denominator: figures.escalations_agreed_pct.denominator === grandTotal(outcomeByCategory) && isShown(closed)
	});
	const headline = (key: MetricKey, figure: ShownMetric): ShownHeadline => ({ info: metricInfo(key), figure, benchmarks: benchmarksOf(options.benchmarks, key) });

	// Monthly series: escalations per 100 referrals (its months add up to the headline, one call
	// above), and the number open at each month's end (each a count standing alone).
	const per100Series = metricSeries(months, 'escalations_per_100_referrals', policy);
	const openSeries = metricSeries(months, 'escalations_open_at_end', policy);
	const agreedSeries = metricSeries(months, 'escalations_agreed_pct', policy);
	const per100Info = metricInfo('escalations_per_100_referrals');

	// Labels.
	const categories = data.stageByCategory.rows.map((c) => CATEGORY_WORDS[c] ?? codeWords(c));
	const stageWords = data.stageByCategory.columns.map((s) => STAGE_WORDS[s as (typeof STAGES)[number]] ?? `Stage ${s}`);
	const byNames = data.between.rows.map((c) => agencyName(options.agencies, c));
	const withNames = data.between.columns.map((c) => agencyName(options.agencies, c));
	const medianShown = months.total.escalation_resolution_median_days.value;
	const outcomeWords = OUTCOMES.map((o) => OUTCOME_WORDS[o]);
	const pairNames = outcomeByPair.pairs.map((p) => `${agencyName(options.agencies, p.by)} → ${agencyName(options.agencies, p.with)}`);
	const shareColumn = { label: '% agreed', decimals: 1, unit: '%' };
	const categoryShares = agreedShares(outcomeByCategory, byCategory, policy);
	const pairShares = agreedShares(outcomeByPair.table, byPair, policy);
	const outcomeNote = 'Agreed: closed agreed, or with the plan changed (the share of the escalations shown beside it; not shown where the table does not give it).';

	const bins = RESOLUTION_BINS.map((b, i) => ({
		x0: b.min,
		// The open bin is drawn as wide as the one before it.
		x1: b.max === null ? b.min + (RESOLUTION_BINS[i - 1] ? RESOLUTION_BINS[i - 1].max! - RESOLUTION_BINS[i - 1].min + 1 : 30) : b.max + 1,
		open: b.max === null,
		...(resolution.cells[i]?.[0] ?? suppressed())
	}));
	const lastEdge = Math.max(...bins.map((b) => b.x1));

	return {
		period: data.period,
		threshold: policy.threshold,
		raised,
		headlines: {
			per100: headline('escalations_per_100_referrals', per100),
			stage3: headline('escalations_stage3_pct', stage3),
			medianDays: { ...headline('escalation_resolution_median_days', months.total.escalation_resolution_median_days), closed },
			openAtEnd: headline('escalations_open_at_end', months.total.escalations_open_at_end),
			agreed: headline('escalations_agreed_pct', agreed)
		},
		trend: {
			per100: {
				series: [{ name: 'Escalations per 100 referrals', points: per100Series.points }],
				yLabel: 'Escalations per 100 referrals',
				decimals: 1,
				benchmarks: benchmarksOf(options.benchmarks, per100Info.key).map((b) => ({ label: b.label, value: b.value }))
			},
			openAtEnd: {
				series: [{ name: 'Escalations open at the month\'s end', points: openSeries.points }],
				yLabel: 'Escalations open',
				decimals: 0,
				benchmarks: benchmarksOf(options.benchmarks, 'escalations_open_at_end').map((b) => ({ label: b.label, value: b.value }))
			},
			agreed: {
				series: [{ name: 'Escalations closed with agreement', points: agreedSeries.points }],
				yLabel: '%',
				decimals: 1,
				benchmarks: benchmarksOf(options.benchmarks, 'escalations_agreed_pct').map((b) => ({ label: b.label, value: b.value }))
			}
		},
		stageByCategory: {
			grid: { rows: categories, columns: stageWords, cells: stages.cells, rowLabel: 'Category', columnLabel: 'Highest stage reached', valueLabel: 'escalations' },
			table: countTableData(stages, {
				rowHeader: 'Category',
				rows: categories,
				columns: stageWords,
				rowTotal: 'All stages',
				columnTotal: 'All categories',
				notes: ['Escalations raised in the period, by what the disagreement was about and the highest stage it reached.']
			})
		},
		between: {
			grid: { rows: byNames, columns: withNames, cells: between.cells, rowLabel: 'Raised by', columnLabel: 'Raised with', valueLabel: 'escalations' },
			table: countTableData(between, {
				rowHeader: 'Raised by',
				rows: byNames,
				columns: withNames.map((n) => `With ${n}`),
				rowTotal: 'Raised by the agency',
				columnTotal: 'Raised with the agency',
				notes: ['Rows: the agency raising the escalation; columns: the agency it was raised with.']
			})
		},
		resolution: {
			histogram: {
				bins,
				xLabel: 'Days from raising to closing',
				yLabel: 'Escalations closed',
				threshold:
					isShown(medianShown) && (medianShown.value as number) + 0.5 < lastEdge
						? { label: `Median ${formatDays(medianShown.value as number)} days`, value: (medianShown.value as number) + 0.5 }
						: null
			},
			table: countTableData(resolution, {
				rowHeader: 'Days from raising to closing',
				rows: RESOLUTION_BINS.map((b) => (b.max === null ? `${b.min} or more` : `${b.min} to ${b.max}`)),
				columns: ['Escalations closed'],
				columnTotal: 'All closed in the period'
			}),
			closed
		},
		outcomes: {
			byCategory: {
				grid: { rows: categories, columns: outcomeWords, cells: byCategory.cells, rowLabel: 'Category', columnLabel: 'Outcome', valueLabel: 'escalations closed' },
				table: countTableData(byCategory, {
					rowHeader: 'Category',
					rows: categories,
					columns: outcomeWords,
					rowTotal: 'All closed',
					columnTotal: 'All categories',
					extra: [{ column: shareColumn, cells: categoryShares.cells, total: categoryShares.total }],
					notes: ['Escalations closed in the period, by what the disagreement was about and how it ended.', outcomeNote]
				})
			},
			byPair: {
				// Agencies by their codes in the grid (two names do not fit beside it); the table gives the names.
				grid: { rows: outcomeByPair.pairs.map((p) => `${p.by} → ${p.with}`), columns: outcomeWords, cells: byPair.cells, rowLabel: 'Raised by → raised with', columnLabel: 'Outcome', valueLabel: 'escalations closed' },
				table: countTableData(byPair, {
					rowHeader: 'Raised by → raised with',
					rows: pairNames,
					columns: outcomeWords,
					rowTotal: 'All closed',
					columnTotal: 'All agency pairs',
					extra: [{ column: shareColumn, cells: pairShares.cells, total: pairShares.total }],
					notes: ['Escalations closed in the period, by the agency that raised the disagreement and the agency it was raised with, and how it ended.', outcomeNote]
				})
			}
		}
	};
}

function formatDays(n: number): string {
	return n.toLocaleString('en-GB', { maximumFractionDigits: 1 });
}

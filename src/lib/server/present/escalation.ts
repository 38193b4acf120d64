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
 * - **Time to close** (`resolutionDays`): one `suppressTable` (bins and their total). The
 *   median is `c` over 1 to the threshold escalations, which is exactly when that total is.
 * - **Open at each month's end**: each month is a position of its own (they do not add up),
 *   so each is a count standing alone, as is the headline (the last month's position).
 *
 * Helpers that the audits page shares are exported from here.
 */
import type { HistogramData, ShownValue, TableColumn, TableData, TableRow, TrendChartData, GridData } from '../../components/charts/types.ts';
import type { EscalationData } from '../dashboard/escalation.ts';
import { RESOLUTION_BINS, STAGES } from '../dashboard/escalation.ts';
import { metricInfo, type MetricInfo } from '../dashboard/metrics.ts';
import type { Benchmark } from '../dashboard/settings.ts';
import { metricSeries, suppressBreakdowns, suppressCount, suppressTable } from '../disclosure/index.ts';
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
	};
	trend: { per100: TrendChartData; openAtEnd: TrendChartData };
	stageByCategory: { grid: GridData; table: TableData };
	between: { grid: GridData; table: TableData };
	resolution: { histogram: HistogramData; table: TableData; closed: Shown };
}

/** Escalation categories in words (extract-format.md's codes). */
const CATEGORY_WORDS: Record<string, string> = { roles_responsibilities: 'Roles and responsibilities' };

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
	const resolution = suppressTable(data.resolutionDays, policy);
	const closed = resolution.columnTotals?.[0] ?? suppressed();
	const raised = stages.total ?? suppressed();

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
	const headline = (key: MetricKey, figure: ShownMetric): ShownHeadline => ({ info: metricInfo(key), figure, benchmarks: benchmarksOf(options.benchmarks, key) });

	// Monthly series: escalations per 100 referrals (its months add up to the headline, one call
	// above), and the number open at each month's end (each a count standing alone).
	const per100Series = metricSeries(months, 'escalations_per_100_referrals', policy);
	const openSeries = metricSeries(months, 'escalations_open_at_end', policy);
	const per100Info = metricInfo('escalations_per_100_referrals');

	// Labels.
	const categories = data.stageByCategory.rows.map((c) => CATEGORY_WORDS[c] ?? codeWords(c));
	const stageWords = data.stageByCategory.columns.map((s) => STAGE_WORDS[s as (typeof STAGES)[number]] ?? `Stage ${s}`);
	const byNames = data.between.rows.map((c) => agencyName(options.agencies, c));
	const withNames = data.between.columns.map((c) => agencyName(options.agencies, c));
	const medianShown = months.total.escalation_resolution_median_days.value;

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
			openAtEnd: headline('escalations_open_at_end', months.total.escalations_open_at_end)
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
		}
	};
}

function formatDays(n: number): string {
	return n.toLocaleString('en-GB', { maximumFractionDigits: 1 });
}

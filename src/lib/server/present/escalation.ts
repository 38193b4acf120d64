/**
 * The escalation page as a person may see it: every figure through disclosure control, every
 * count shown perturbed by its own cell key where the policy asks (rule 7: ./counts.ts's
 * `showCount`; a total is a count of its own, keyed by the sum of its cells' keys), and
 * whatever is derived (a share, a table's labels) from SHOWN figures only.
 *
 * ## What is shown together, and how it is protected
 * - **Headline figures and the monthly trend**: one `suppressBreakdowns` call (the months add
 *   up to the headline). Each headline is the metric's own figure, as the JSON API gives it
 *   (its counts perturbed by their own keys: the same rows always give the same shown number),
 *   never a sum of shown cells and never suppressed to suit a table: the tables beside it are
 *   protected against it instead (below). What the headlines give on their own, with the
 *   zeros a table shows (19 of 21 closed agreed, and none withdrawn: 2 unresolved), no
 *   suppression of the tables can hide; under the cell key method the headlines are
 *   perturbed, so that it is not given exactly.
 * - **The escalations raised**, shown three ways: by stage and category (`stageByCategory`),
 *   between which agencies (`between`), and in the headlines (the escalations per 100
 *   referrals: their number; the share reaching stage 3: its numerator, stages 3 and 4, and
 *   its denominator, all of them). One set of figures, protected together (`protectRaised`:
 *   each table's rows, columns and margins, sharing the grand total, and the headlines as
 *   line totals: stages 3 and 4 add up to the headline's numerator, stages 1 and 2 and that
 *   numerator to the total), so that no headline gives away a total the table suppressed (a
 *   stage 3 total of 4 beside a stage 4 total of 10 and a headline of 14: the stage 4 total is
 *   suppressed too). A headline shown is never chosen: table figures are (`Together`).
 * - **The escalations closed in the period**, shown three ways: by days to close
 *   (`resolutionDays`), by category and outcome (`outcomeByCategory`) and by agency pair and
 *   outcome (`outcomeByPair`). The three share one total (the escalations closed), and the
 *   two outcome tables share their outcome totals: the same figures in several places, so
 *   one figure each, suppressed together (`protectClosed`: the bins with the total, each
 *   outcome table's rows, columns and margins, over the shared figures, and the headline
 *   share closed with agreement as line totals: the agreed and plan changed totals add up to
 *   its numerator, the total is its denominator). A total suppressed for one table is so
 *   suppressed in the others, and each table is protected against it. The median days to
 *   close is `c` over 1 to the threshold escalations.
 * - Should counts not add up as they must (a bug upstream, the page's data being one
 *   snapshot), tables are shown with every non-zero figure suppressed (`hiddenTable`) rather
 *   than let one figure undo another's protection: the table between agencies when its total
 *   is not the table by stage's; every table of a set when a headline's count is not the
 *   tables' figure for it, or when the closed escalations' tables do not share their totals.
 * - **Shares beside a table** (the share closed with agreement of each row): from the row's
 *   SHOWN figures only (its agreed and plan changed cells, or its total less the others,
 *   `knownPart`), `c` when they do not give it; under the cell key method, of the perturbed
 *   counts (the part keyed by its cells' keys), a part never above its whole (`shareOf`).
 *   The totals row's share is the headline's.
 * - **Open at each month's end**: each month is a position of its own (they do not add up),
 *   so each is a count standing alone, as is the headline (the last month's position).
 *
 * Helpers the pages share (tables shown together, shares, table data) are in ./tables.ts.
 */
import type { HistogramData, TableData, TrendChartData, GridData } from '../../components/charts/types.ts';
import type { EscalationData } from '../dashboard/escalation.ts';
import { AGREED_COLUMNS, OUTCOMES, RESOLUTION_BINS, STAGES } from '../dashboard/escalation.ts';
import { metricInfo } from '../dashboard/metrics.ts';
import type { Benchmark } from '../dashboard/settings.ts';
import { cellKeySum, checkPolicy, metricSeries, showCount, suppressBreakdowns } from '../disclosure/index.ts';
import type { GroupedResult, WholeResult } from '../disclosure/index.ts';
import type { CountTable, DisclosurePolicy, Shown, ShownTable } from '../disclosure/types.ts';
import type { MetricKey } from '../metrics/keys.ts';
import { fullSet } from './common.ts';
import { codeWords, agencyName, headlineNote, isShown, suppressed, knownPart, shareOf, partShare, rowKeys, hiddenTable, grandTotal, columnSums, countTableData, benchmarksOf, Together, shownTable, headlineLines, headlinesAgree, type AgencyNames, type ShownHeadline, type HeadlineCount } from './tables.ts';

// ------------------------------------------------------------------ the escalation page

/** What each headline's counts count, for why it is `c` (`headlineNote`). */
const HEADLINE_WORDS: Partial<Record<MetricKey, { numerator?: string; denominator?: string; value?: string }>> = {
	escalations_per_100_referrals: { numerator: 'escalations raised', denominator: 'referrals received' },
	escalations_stage3_pct: { numerator: 'escalations reaching stage 3 or 4', denominator: 'escalations raised' },
	escalation_resolution_median_days: { value: 'escalations closed (a median of so few is not shown)' },
	escalations_agreed_pct: { numerator: 'escalations agreed or changing the plan', denominator: 'escalations closed' },
	escalations_open_at_end: { value: 'escalations open at the end of the period' }
};

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
	/** Each the metric's own figure, as the JSON API gives it (by month, with its months). */
	headlines: {
		per100: ShownHeadline;
		stage3: ShownHeadline;
		/** With the number closed in the period, as the time-to-close table shows it. */
		medianDays: ShownHeadline & { closed: Shown };
		openAtEnd: ShownHeadline;
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
 * The share closed with agreement of each row of a shown outcome table (`partShare`: from the
 * row's SHOWN figures only, `c` when they do not give it); the totals row's is the headline's.
 */
function agreedShares(table: CountTable, shown: ShownTable, headline: Shown, policy: DisclosurePolicy): { cells: Shown[]; total: Shown } {
	const rows = table.counts.map((row) => row.map((n) => n ?? 0));
	return {
		cells: rows.map((row, r) => partShare(row, rowKeys(table, r), shown.cells[r], AGREED_COLUMNS, shown.rowTotals?.[r] ?? suppressed(), policy)),
		total: headline
	};
}

/** The escalations raised as shown: by category and stage, and between agencies (see the module's comment). */
export interface ShownRaised {
	stages: ShownTable;
	between: ShownTable;
}

/** The columns of stages 3 and 4 (the escalations counted by `escalations_stage3_pct`'s numerator). */
function stage3Columns(table: CountTable): number[] {
	return table.columns.flatMap((s, i) => (Number(s) >= 3 ? [i] : []));
}

/**
 * The escalations raised, protected as one set of figures (`Together`): the table by category
 * and stage and the table between agencies, sharing their grand total, and the headline counts
 * shown beside them: the escalations raised (`raised`: each headline showing their number, the
 * grand total) and those reaching stage 3 or higher (`stage3`: the stage 3 and 4 totals; with
 * stages 1 and 2, the grand total). Should the two tables' totals differ, the second is
 * hidden; should a headline's count not be the tables' figure for it, both are (`hiddenTable`:
 * a bug upstream, the page's data being one snapshot).
 */
export function protectRaised(
	stages: CountTable,
	between: CountTable,
	headlines: { raised: readonly HeadlineCount[]; stage3: HeadlineCount },
	policy: DisclosurePolicy
): ShownRaised {
	checkPolicy(policy);
	const totals = columnSums(stages);
	const high = stage3Columns(stages);
	const low = totals.map((_, c) => c).filter((c) => !high.includes(c));
	const total = grandTotal(stages);
	if (!headlinesAgree([...headlines.raised.map((h) => ({ headline: h, counts: [total] })), { headline: headlines.stage3, counts: high.map((c) => totals[c]) }])) {
		return { stages: hiddenTable(stages), between: hiddenTable(between) };
	}
	const together = new Together();
	const s = together.table(stages);
	const sharesTotal = grandTotal(between) === total;
	const b = sharesTotal ? together.table(between, { total: s.total }) : null;
	const sTotals = s.columnTotals ?? [];
	headlineLines(together, headlines.raised.map((headline) => ({ members: [s.total!], headline })));
	const [stage3] = headlineLines(together, [{ members: high.map((c) => sTotals[c]), headline: headlines.stage3 }]);
	// Stages 1 and 2 with stage 3 or higher: all of them.
	if (stage3 !== null) together.line([...low.map((c) => sTotals[c]), stage3], s.total!);
	const { show } = together.protect(policy);
	return { stages: shownTable(stages, s, show), between: b ? shownTable(between, b, show) : hiddenTable(between) };
}

/** The escalations closed as shown: by days to close, and by outcome two ways (see the module's comment). */
export interface ShownClosed {
	/** The bins of the time to close, with the escalations closed as their column total. */
	resolution: ShownTable;
	byCategory: ShownTable;
	byPair: ShownTable;
}

/**
 * The escalations closed, protected as one set of figures (`Together`): the bins of the time
 * to close, and two tables by outcome (same columns) each with its row totals, sharing their
 * outcome totals and, with the bins, their grand total; and the headline share closed with
 * agreement beside them (`agreed`: its numerator the agreed and plan changed totals, its
 * denominator the total). Lines: the bins with the total; each table's rows with their
 * totals, its columns with the shared outcome totals, its row totals with the shared total;
 * the outcome totals with the shared total; the headline's counts as totals (the agreed
 * outcomes; the headline's numerator and the other outcomes, of the total). Should the counts
 * not add up to one total, or a headline's count not be the tables' figure for it (a bug
 * upstream: the page's data is one snapshot), every non-zero figure of the three is
 * suppressed (`hiddenTable`).
 */
export function protectClosed(
	resolution: CountTable,
	byCategory: CountTable,
	byPair: CountTable,
	policy: DisclosurePolicy,
	agreed?: { numerator: HeadlineCount; denominator: HeadlineCount }
): ShownClosed {
	checkPolicy(policy);
	if (resolution.columns.length !== 1 || byPair.columns.join() !== byCategory.columns.join()) throw new Error('the closed escalations\' tables do not have the expected columns');
	const outcomeTotals = columnSums(byCategory);
	const total = grandTotal(resolution);
	const others = outcomeTotals.map((_, c) => c).filter((c) => !AGREED_COLUMNS.includes(c));
	const consistent =
		grandTotal(byCategory) === total &&
		grandTotal(byPair) === total &&
		columnSums(byPair).join() === outcomeTotals.join() &&
		headlinesAgree(agreed ? [{ headline: agreed.numerator, counts: AGREED_COLUMNS.map((c) => outcomeTotals[c]) }, { headline: agreed.denominator, counts: [total] }] : []);
	if (!consistent) {
		// Cannot happen with one snapshot's data; should it, no table may undo another's protection.
		return { resolution: hiddenTable(resolution), byCategory: hiddenTable(byCategory), byPair: hiddenTable(byPair) };
	}
	const together = new Together();
	const keyOf = (t: CountTable, ks: readonly (number | null)[]) => (t.keys ? cellKeySum(ks) : null);
	const column = (t: CountTable, c: number) => t.counts.map((_, r) => t.keys?.[r]?.[c] ?? null);
	// The shared figures, keyed from the table by category (the same rows in every table).
	const bins = resolution.counts.map((row, r) => together.add(row[0], resolution.keys?.[r]?.[0] ?? null));
	const outcomeAt = outcomeTotals.map((n, c) => together.add(n, keyOf(byCategory, column(byCategory, c))));
	const totalAt = together.add(total, keyOf(byCategory, byCategory.counts.flatMap((row, r) => row.map((_, c) => byCategory.keys?.[r]?.[c] ?? null))));
	together.line(bins, totalAt);
	const shared = { columnTotals: outcomeAt, total: totalAt };
	const category = together.table(byCategory, shared);
	const pairs = together.table(byPair, shared);
	together.line(outcomeAt, totalAt);
	if (agreed) {
		const [numerator] = headlineLines(together, [
			{ members: AGREED_COLUMNS.map((c) => outcomeAt[c]), headline: agreed.numerator },
			{ members: [totalAt], headline: agreed.denominator }
		]);
		if (numerator !== null) together.line([numerator, ...others.map((c) => outcomeAt[c])], totalAt);
	}
	const { show } = together.protect(policy);
	return {
		resolution: { rows: [...resolution.rows], columns: [...resolution.columns], cells: bins.map((i) => [show(i)]), columnTotals: [show(totalAt)] },
		byCategory: shownTable(byCategory, category, show),
		byPair: shownTable(byPair, pairs, show)
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
	// The headlines: each metric's own figure (with its months), the tables protected against them.
	const figures = months.total;
	const counted = (key: MetricKey & keyof EscalationData['figures'], field: 'numerator' | 'denominator'): HeadlineCount => ({
		count: data.figures[key][field],
		shown: figures[key][field]
	});

	// The escalations raised: by stage and category, and between agencies, with the headlines.
	const { stages, between } = protectRaised(
		data.stageByCategory,
		data.between,
		{
			raised: [counted('escalations_per_100_referrals', 'numerator'), counted('escalations_stage3_pct', 'denominator')],
			stage3: counted('escalations_stage3_pct', 'numerator')
		},
		policy
	);
	const raised = stages.total ?? suppressed();
	// The escalations closed: by days to close and by outcome two ways, sharing their totals, with the headline.
	const { outcomeByCategory, outcomeByPair } = data;
	const { resolution, byCategory, byPair } = protectClosed(data.resolutionDays, outcomeByCategory, outcomeByPair.table, policy, {
		numerator: counted('escalations_agreed_pct', 'numerator'),
		denominator: counted('escalations_agreed_pct', 'denominator')
	});
	const closed = resolution.columnTotals?.[0] ?? suppressed();
	const headline = (key: MetricKey): ShownHeadline => ({
		info: metricInfo(key),
		figure: figures[key],
		benchmarks: benchmarksOf(options.benchmarks, key),
		note: headlineNote(figures[key], HEADLINE_WORDS[key] ?? {}, policy)
	});

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
	const medianShown = figures.escalation_resolution_median_days.value;
	const outcomeWords = OUTCOMES.map((o) => OUTCOME_WORDS[o]);
	const pairNames = outcomeByPair.pairs.map((p) => `${agencyName(options.agencies, p.by)} → ${agencyName(options.agencies, p.with)}`);
	const shareColumn = { label: '% agreed', decimals: 1, unit: '%' };
	const agreedValue = figures.escalations_agreed_pct.value;
	const categoryShares = agreedShares(outcomeByCategory, byCategory, agreedValue, policy);
	const pairShares = agreedShares(outcomeByPair.table, byPair, agreedValue, policy);
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
			per100: headline('escalations_per_100_referrals'),
			stage3: headline('escalations_stage3_pct'),
			medianDays: { ...headline('escalation_resolution_median_days'), closed },
			openAtEnd: headline('escalations_open_at_end'),
			agreed: headline('escalations_agreed_pct')
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

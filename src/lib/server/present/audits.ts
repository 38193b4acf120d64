/**
 * The audits page as a person may see it: every figure through disclosure control, every
 * count shown perturbed by its own cell key where the policy asks (rule 7: ./counts.ts's
 * `showCount`; a total is a count of its own, keyed by the sum of its cells' keys), and
 * whatever is derived (shares) from SHOWN figures only.
 *
 * ## What is shown together, and how it is protected
 * - **The headlines** (the share of audits good or outstanding, the share of actions on
 *   time) are each the metric's own figure, exactly as the JSON API answers it
 *   (`suppressMetric`: its counts perturbed by their own keys, so the same rows always give
 *   the same shown number): never a sum of shown cells, and never suppressed to suit a table
 *   (issue 11). The tables beside a headline are protected against it instead: its counts
 *   are totals of lines of the table (`Together`, from ./escalation.ts), so that no headline
 *   gives a table's suppressed figure away, and where that needs more figures suppressed,
 *   the table's are, never the headline. (What the headlines give on their own, with the
 *   zeros a table shows, no suppression of the tables can hide; under the cell key method
 *   they are perturbed, so that it is not given exactly.) A headline that is `c` (a count of
 *   it from 1 to the threshold) says why in words (`note`).
 * - **Grades by month** and **by theme**, with the headline share good or outstanding: one
 *   set of figures (`protectGrades`). Both tables' grade totals and grand total are the same
 *   figures (every audit of the period has a month and a theme), so one figure each; the
 *   headline's denominator is the grand total, its numerator the outstanding and good totals
 *   (and with requires improvement and inadequate, the grand total). Should the theme table's
 *   totals not be the month table's, it is shown with every non-zero figure suppressed
 *   (`hiddenTable`); should the headline's counts not be the month table's figures, both
 *   tables are (a bug upstream, the page's data being one snapshot). The share good or
 *   outstanding of a month or a theme is worked out from the table's SHOWN figures
 *   (outstanding and good shown, or the total and the other two grades shown: `partShare`)
 *   and is `c` otherwise; the period's is the headline's.
 * - **Findings by criterion × agency**: the findings graded good or outstanding are part of
 *   all findings, so all findings less those is a count too (the rest: graded below good),
 *   and a share beside its base gives both away. So the findings are three tables (good or
 *   outstanding, below good, all; each criterion × agency with row, column and grand totals)
 *   protected TOGETHER (`protectFindings`): each table's rows, columns and margins are lines,
 *   and so is every "all = good or outstanding + below good", cell by cell and total by
 *   total (the rest's key: all's less good's, modulo 256). A share good or outstanding is
 *   shown only when its count and its base are (and then, by those lines, its rest is too):
 *   never a share whose count, rest or base is suppressed.
 * - **Actions due** by owner agency and how they stand, with the headline share on time: one
 *   set of figures (`protectActions`: the table's lines, the headline's numerator the on time
 *   total and its denominator the grand total). The share on time of each agency from its
 *   row's shown figures; the period's is the headline's.
 * - Shares are of the shown (perturbed, unrounded) counts, a part never above its whole
 *   (`shareOf`).
 * - Under an agency filter overall grades are not applicable (an overall grade belongs to no
 *   agency): the page data has no grade tables, and the headline share is `z`.
 */
import type { GridData, TableData, TableRow, TrendChartData } from '../../components/charts/types.ts';
import { AUDIT_CRITERIA } from '../schema/codes.ts';
import type { AuditsData } from '../dashboard/audits.ts';
import { metricInfo } from '../dashboard/metrics.ts';
import type { Benchmark } from '../dashboard/settings.ts';
import { checkPolicy, suppressMetric } from '../disclosure/index.ts';
import type { CountTable, DisclosurePolicy, Shown, ShownMetric, ShownTable } from '../disclosure/types.ts';
import { agencyName, benchmarksOf, codeWords, headlineNote, columnSums, countTableData, grandTotal, headlineLines, headlinesAgree, hiddenTable, partShare, rowKeys, shareOf, shownTable, suppressed, Together, type AgencyNames, type HeadlineCount, type ShownHeadline, type TableAt } from './tables.ts';

export interface AuditsOptions {
	/** Benchmarks overlapping the period (`benchmarksFor(warehouse, null, period)`). */
	benchmarks: readonly Benchmark[];
	/** Agency names, for the findings and actions. */
	agencies: AgencyNames;
}

/** A headline of the page: the metric's figure as the JSON API gives it, with why it is `c` where it is. */
export type AuditsHeadline = ShownHeadline;

export interface AuditsView {
	period: { from: string; to: string };
	threshold: number;
	/** False under an agency filter: overall grades belong to no agency. */
	gradesApplicable: boolean;
	/** Audits in the period (the grade tables' grand total); null when grades are not applicable. */
	audits: Shown | null;
	headlines: { goodOrBetter: AuditsHeadline; actionsOnTime: AuditsHeadline };
	gradesByMonth: { table: TableData; trend: TrendChartData } | null;
	gradesByTheme: { grid: GridData; table: TableData } | null;
	findings: {
		/** Findings in the period (all agencies, all criteria). */
		total: Shown;
		/** The share good or outstanding of each criterion × agency. */
		grid: GridData;
		/** The same shares with each criterion's and each agency's. */
		table: TableData;
		/** The counts behind the shares, a row per criterion and agency with findings. */
		counts: TableData;
	};
	actions: { total: Shown; table: TableData };
}

/** The grades in the order the page data gives them (outstanding, good, requires improvement, inadequate). */
const GOOD_OR_BETTER = [0, 1];

/** The column of the actions on time (`ACTION_STATES`). */
const ON_TIME = 0;

const pct = { unit: '%', decimals: 1 } as const;

/** A headline's numerator and denominator as computed and as shown. */
function countsOf(computed: { numerator: number | null; denominator: number | null }, shown: ShownMetric): { numerator: HeadlineCount; denominator: HeadlineCount } {
	return {
		numerator: { count: computed.numerator, shown: shown.numerator },
		denominator: { count: computed.denominator, shown: shown.denominator }
	};
}

/** The grade tables as shown. */
export interface ShownGrades {
	months: ShownTable;
	themes: ShownTable | null;
}

/**
 * Grades by month and by theme, protected as one set of figures with the headline share good
 * or outstanding (`Together`; see the module's comment): the theme table shares the month
 * table's grade totals and grand total; the headline's numerator is the outstanding and good
 * totals (and with the other two grades, the grand total), its denominator the grand total.
 */
export function protectGrades(
	months: CountTable,
	themes: CountTable | null,
	headline: { numerator: HeadlineCount; denominator: HeadlineCount },
	policy: DisclosurePolicy
): ShownGrades {
	checkPolicy(policy);
	const totals = columnSums(months);
	const total = grandTotal(months);
	if (!headlinesAgree([{ headline: headline.numerator, counts: GOOD_OR_BETTER.map((c) => totals[c]) }, { headline: headline.denominator, counts: [total] }])) {
		// Cannot happen with one snapshot's data; should it, the headline may not undo the tables' protection.
		return { months: hiddenTable(months), themes: themes && hiddenTable(themes) };
	}
	const together = new Together();
	const m = together.table(months);
	const mTotals = m.columnTotals ?? [];
	// The two tables share their grade totals and grand total: the same audits.
	const sharing = themes !== null && grandTotal(themes) === total && columnSums(themes).join() === totals.join();
	const t = themes && sharing ? together.table(themes, { columnTotals: mTotals, total: m.total }) : null;
	const [good] = headlineLines(together, [
		{ members: GOOD_OR_BETTER.map((c) => mTotals[c]), headline: headline.numerator },
		{ members: [m.total!], headline: headline.denominator }
	]);
	// Good or outstanding, with requires improvement and inadequate: every audit.
	if (good !== null) together.line([good, ...totals.flatMap((_, c) => (GOOD_OR_BETTER.includes(c) ? [] : [mTotals[c]]))], m.total!);
	const { show } = together.protect(policy);
	return { months: shownTable(months, m, show), themes: themes && (t ? shownTable(themes, t, show) : hiddenTable(themes)) };
}

/**
 * The actions due, protected with the headline share on time (`Together`): the table's rows,
 * columns and margins, the headline's numerator the on time total, its denominator the grand
 * total. Should the headline's counts not be the table's figures, the table is hidden.
 */
export function protectActions(actions: CountTable, headline: { numerator: HeadlineCount; denominator: HeadlineCount }, policy: DisclosurePolicy): ShownTable {
	checkPolicy(policy);
	if (!headlinesAgree([{ headline: headline.numerator, counts: [columnSums(actions)[ON_TIME] ?? 0] }, { headline: headline.denominator, counts: [grandTotal(actions)] }])) {
		return hiddenTable(actions);
	}
	const together = new Together();
	const a = together.table(actions);
	headlineLines(together, [
		{ members: [a.columnTotals![ON_TIME]], headline: headline.numerator },
		{ members: [a.total!], headline: headline.denominator }
	]);
	return shownTable(actions, a, together.protect(policy).show);
}

/**
 * The share good or outstanding of each row of a shown grade table (`partShare`: from the
 * row's SHOWN figures, the count good or outstanding keyed by its cells' keys, over the row's
 * shown total).
 */
function gradeShares(table: CountTable, shown: ShownTable, policy: DisclosurePolicy): Shown[] {
	return table.counts.map((row, r) =>
		partShare(
			row.map((n) => n ?? 0),
			rowKeys(table, r),
			shown.cells[r],
			GOOD_OR_BETTER,
			shown.rowTotals?.[r] ?? suppressed(),
			policy
		)
	);
}

function gradeWords(code: string): string {
	return { outstanding: 'Outstanding', good: 'Good', requires_improvement: 'Requires improvement', inadequate: 'Inadequate' }[code] ?? codeWords(code);
}

function monthWords(month: string): string {
	const [y, m] = month.split('-').map(Number);
	return `${['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][m - 1]} ${y}`;
}

export function presentAudits(data: AuditsData, policy: DisclosurePolicy, options: AuditsOptions): AuditsView {
	checkPolicy(policy);
	const names = (codes: readonly string[]) => codes.map((c) => agencyName(options.agencies, c));
	// The headlines: each metric's own figure, as the JSON API gives it.
	const good = data.figures.audits_good_or_better_pct;
	const onTime = data.figures.audit_actions_on_time_pct;
	const goodFigure = suppressMetric('audits_good_or_better_pct', good, policy);
	const onTimeFigure = suppressMetric('audit_actions_on_time_pct', onTime, policy);
	const goodOrBetter: AuditsHeadline = {
		info: metricInfo('audits_good_or_better_pct'),
		figure: goodFigure,
		benchmarks: benchmarksOf(options.benchmarks, 'audits_good_or_better_pct'),
		note: headlineNote(goodFigure, { numerator: 'audits graded good or outstanding', denominator: 'audits in the period' }, policy)
	};
	const actionsOnTime: AuditsHeadline = {
		info: metricInfo('audit_actions_on_time_pct'),
		figure: onTimeFigure,
		benchmarks: benchmarksOf(options.benchmarks, 'audit_actions_on_time_pct'),
		note: headlineNote(onTimeFigure, { numerator: 'actions completed on time', denominator: 'actions due in the period' }, policy)
	};

	// ---------------------------------------------------------------- grades
	let audits: Shown | null = null;
	let gradesByMonth: AuditsView['gradesByMonth'] = null;
	let gradesByTheme: AuditsView['gradesByTheme'] = null;
	if (data.gradesByMonth) {
		const m = data.gradesByMonth;
		const shown = protectGrades(m, data.gradesByTheme, countsOf(good, goodFigure), policy);
		const monthShown = shown.months;
		const shares = gradeShares(m, monthShown, policy);
		audits = monthShown.total ?? suppressed();
		const grades = m.columns.map(gradeWords);
		gradesByMonth = {
			table: countTableData(monthShown, {
				rowHeader: 'Month',
				rows: m.rows.map(monthWords),
				columns: grades,
				rowTotal: 'All audits',
				columnTotal: 'All months',
				extra: [{ column: { label: '% good or outstanding', ...pct }, cells: shares, total: goodFigure.value }],
				notes: ['Audits by the month held and their overall grade. The share good or outstanding is worked out from the counts shown.']
			}),
			trend: {
				series: [{ name: 'Audits graded good or outstanding', points: m.rows.map((month, r) => ({ label: month, ...shares[r] })) }],
				yLabel: '% of audits graded good or outstanding',
				...pct,
				benchmarks: goodOrBetter.benchmarks.map((b) => ({ label: b.label, value: b.value }))
			}
		};

		if (data.gradesByTheme && shown.themes) {
			const t = data.gradesByTheme;
			const themeShown = shown.themes;
			const themes = t.rows.map(codeWords);
			gradesByTheme = {
				grid: { rows: themes, columns: grades, cells: themeShown.cells, rowLabel: 'Theme', columnLabel: 'Overall grade', valueLabel: 'audits' },
				table: countTableData(themeShown, {
					rowHeader: 'Theme',
					rows: themes,
					columns: grades,
					rowTotal: 'All audits',
					columnTotal: 'All themes',
					extra: [{ column: { label: '% good or outstanding', ...pct }, cells: gradeShares(t, themeShown, policy), total: goodFigure.value }]
				})
			};
		}
	}

	// ---------------------------------------------------------------- findings
	const findings = presentFindings(data.findings, policy, names);

	// ---------------------------------------------------------------- actions
	const a = data.actions;
	const actionsShown = protectActions(a, countsOf(onTime, onTimeFigure), policy);
	const onTimeShares = a.counts.map((row, r) =>
		partShare(
			row.map((n) => n ?? 0),
			rowKeys(a, r),
			actionsShown.cells[r],
			[ON_TIME],
			actionsShown.rowTotals?.[r] ?? suppressed(),
			policy
		)
	);

	return {
		period: data.period,
		threshold: policy.threshold,
		gradesApplicable: data.gradesByMonth !== null,
		audits,
		headlines: { goodOrBetter, actionsOnTime },
		gradesByMonth,
		gradesByTheme,
		findings,
		actions: {
			total: actionsShown.total ?? suppressed(),
			table: countTableData(actionsShown, {
				rowHeader: 'Owner agency',
				rows: names(a.rows),
				columns: a.columns.map((c) => ({ on_time: 'On time', completed_late: 'Overdue: completed late', not_completed: 'Overdue: not completed' })[c] ?? codeWords(c)),
				rowTotal: 'Due in the period',
				// Under an agency filter the table has that agency's row only.
				columnTotal: data.filters.agency || data.filters.sector ? 'Total' : 'All agencies',
				extra: [{ column: { label: '% on time', ...pct }, cells: onTimeShares, total: onTimeFigure.value }],
				notes: [
					'Actions agreed at audits with a due date in the period, by the agency that owns them. Overdue: completed after the due date, or not completed (as at the latest extract).'
				]
			})
		}
	};
}

/** The findings' three tables as protected together: where each figure is, and each figure as shown. */
export interface ProtectedFindings {
	good: TableAt;
	below: TableAt;
	all: TableAt;
	/** A figure's count (unrounded), its cell key, and as shown. */
	count: (i: number) => number;
	key: (i: number) => number | null;
	show: (i: number) => Shown;
}

/**
 * The findings' three tables (good or outstanding, below good, all; criteria × agencies, each
 * with row, column and grand totals), protected together: each table's rows, columns and
 * margins are lines, and so is every "all = good or outstanding + below good", cell by cell
 * and total by total. Secondary suppression over those lines is disclosure control's own
 * (`protectLines`, the engine `suppressTable` runs on two dimensions, through `Together`),
 * run here on the three tables at once, since `suppressTable` takes one table and these are
 * three tied together. A cell not available counts nothing. The below good table's keys are
 * all's less good's (modulo 256: the keys of the rows in all and not in good).
 */
export function protectFindings(goodTable: CountTable, allTable: CountTable, policy: DisclosurePolicy): ProtectedFindings {
	checkPolicy(policy);
	const counts = (t: CountTable) => t.counts.map((row) => row.map((n) => n ?? 0));
	const [good, all] = [counts(goodTable), counts(allTable)];
	const key = (t: CountTable, r: number, c: number) => t.keys?.[r]?.[c] ?? null;
	const below = all.map((row, r) =>
		row.map((n, c) => {
			if (good[r][c] > n) throw new Error('findings good or outstanding must be part of all findings');
			return n - good[r][c];
		})
	);
	const belowKeys = all.map((row, r) =>
		row.map((_, c) => {
			const [k, g] = [key(allTable, r, c), key(goodTable, r, c)];
			return k === null || g === null ? null : (((k - g) % 256) + 256) % 256;
		})
	);
	const table = (t: CountTable, cells: number[][], keys?: (number | null)[][]): CountTable => ({ ...t, counts: cells, keys: keys ?? t.keys });
	const together = new Together();
	// All findings first (the table the page is about), then good or outstanding, then below good.
	const allAt = together.table(table(allTable, all));
	const goodAt = together.table(table(goodTable, good));
	const belowAt = together.table(table(allTable, below, goodTable.keys && allTable.keys ? belowKeys : undefined));
	const figures = (at: TableAt) => [...at.cells.flat(), ...(at.rowTotals ?? []), ...(at.columnTotals ?? []), at.total!];
	const [g, b, n] = [goodAt, belowAt, allAt].map(figures);
	g.forEach((i, j) => together.line([i, b[j]], n[j]));
	const { show } = together.protect(policy);
	return { good: goodAt, below: belowAt, all: allAt, count: (i) => together.values[i] ?? 0, key: (i) => together.keys[i], show };
}

/** Findings by criterion × agency, protected as three tables tied together (see the module's comment). */
function presentFindings(
	data: AuditsData['findings'],
	policy: DisclosurePolicy,
	names: (codes: readonly string[]) => string[]
): AuditsView['findings'] {
	const { findings: allTable, goodOrBetter: goodTable } = data;
	const agencies = allTable.columns;
	const p = protectFindings(goodTable, allTable, policy);

	/** Good, below and all of one criterion × agency (or a total), as shown, and the share good or outstanding. */
	const entry = (pick: (at: TableAt) => number) => {
		const [g, b, n] = [pick(p.good), pick(p.below), pick(p.all)];
		const [good, all] = [p.show(g), p.show(n)];
		return { good, below: p.show(b), all, share: shareOf(good, all, { count: p.count(g), base: p.count(n), keys: { count: p.key(g), base: p.key(n) } }, policy) };
	};
	const R = allTable.rows.length;
	const cells = allTable.rows.map((_, r) => agencies.map((_, c) => entry((at) => at.cells[r][c])));
	const byCriterion = allTable.rows.map((_, r) => entry((at) => at.rowTotals![r]));
	const byAgency = agencies.map((_, c) => entry((at) => at.columnTotals![c]));
	const overall = entry((at) => at.total!);

	const criteria = allTable.rows.map(criterionWords);
	const agencyNames = names(agencies);
	const rows: TableRow[] = [];
	for (let r = 0; r < R; r++) {
		agencies.forEach((_, c) => {
			if (p.count(p.all.cells[r][c]) === 0) return;
			const e = cells[r][c];
			rows.push({ header: `${criteria[r]}: ${agencyNames[c]}`, cells: [e.good, e.below, e.all, e.share] });
		});
	}
	const line = (header: string, e: ReturnType<typeof entry>): TableRow => ({ header, cells: [e.good, e.below, e.all, e.share] });
	return {
		total: overall.all,
		grid: {
			rows: criteria,
			columns: agencyNames,
			cells: cells.map((row) => row.map((e) => e.share)),
			rowLabel: 'Criterion',
			columnLabel: 'Agency',
			valueLabel: '% of findings graded good or outstanding',
			unit: '%',
			decimals: 0
		},
		table: {
			rowHeader: 'Criterion',
			columns: [...agencyNames.map((label) => ({ label, ...pct })), { label: 'All agencies', ...pct }],
			rows: [
				...criteria.map((header, r) => ({ header, cells: [...cells[r].map((e) => e.share), byCriterion[r].share] })),
				{ header: 'All criteria', cells: [...byAgency.map((e) => e.share), overall.share] }
			],
			notes: ['Each figure is the percentage of the findings on the criterion (rows) about the agency (columns) that were graded good or outstanding.']
		},
		counts: {
			caption: 'Findings by criterion and agency: counts',
			rowHeader: 'Criterion: agency',
			columns: [
				{ label: 'Good or outstanding', decimals: 0 },
				{ label: 'Below good', decimals: 0 },
				{ label: 'All findings', decimals: 0 },
				{ label: '% good or outstanding', ...pct }
			],
			rows: [
				...rows,
				...criteria.map((header, r) => line(`${header}: all agencies`, byCriterion[r])),
				...agencyNames.map((name, c) => line(`All criteria: ${name}`, byAgency[c])),
				line('All criteria: all agencies', overall)
			],
			notes: ['Only criteria and agencies with findings in the period are listed.']
		}
	};
}

/** Audit criteria in words (extract-format.md's codes). */
const CRITERION_WORDS: Record<string, string> = { voice_of_child: 'Voice of the child', multi_agency_working: 'Multi-agency working' };

function criterionWords(code: string): string {
	return CRITERION_WORDS[code] ?? ((AUDIT_CRITERIA as readonly string[]).includes(code) ? codeWords(code) : code);
}

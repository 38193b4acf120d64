/**
 * The audits page as a person may see it: every figure through disclosure control, and
 * whatever is derived (shares, headline counts) from SHOWN figures only.
 *
 * ## What is shown together, and how it is protected
 * - **Grades by month** and **by theme**: one `suppressTable` each, with their totals. Both
 *   tables' grade totals and grand total are the same figures (every audit of the period has
 *   a month and a theme), and suppression of a column total or a grand total depends only on
 *   the margin line they share, so the two agree; should they ever not, the theme table is
 *   shown with every non-zero figure suppressed rather than undo the month table's
 *   protection. The share good or outstanding of a month, a theme or the period is worked out
 *   from the table's SHOWN figures (outstanding and good shown, or the total and the other two
 *   grades shown) and is `c` otherwise.
 * - **The headline share good or outstanding** is held to the month table: its numerator and
 *   denominator are shown only when the table's shown figures give them.
 * - **Findings by criterion × agency**: the findings graded good or outstanding are part of
 *   all findings, so all findings less those is a count too (the rest: graded below good),
 *   and a share beside its base gives both away. So the findings are three tables (good or
 *   outstanding, below good, all; each criterion × agency with row, column and grand totals)
 *   protected TOGETHER (`protectFindings`): each table's rows, columns and margins are lines,
 *   and so is every "all = good or outstanding + below good", cell by cell and total by
 *   total. `suppressTable` takes one table, so this runs disclosure control's own line engine
 *   (`protectLines`, what `suppressTable` runs on) over the three at once. A share good or
 *   outstanding is shown only when its count and its base are (and then, by those lines, its
 *   rest is too): never a share whose count, rest or base is suppressed.
 * - **Actions due** by owner agency and how they stand: one `suppressTable` with totals; the
 *   share on time by agency from `deriveShares` (its row totals are shown), the period's from
 *   the shown totals. The headline share on time is held to the table's shown totals.
 * - Under an agency filter overall grades are not applicable (an overall grade belongs to no
 *   agency): the page data has no grade tables, and the headline share is `z`.
 */
import type { GridData, TableData, TableRow, TrendChartData } from '../../components/charts/types.ts';
import { AUDIT_CRITERIA } from '../schema/codes.ts';
import type { AuditsData } from '../dashboard/audits.ts';
import { metricInfo } from '../dashboard/metrics.ts';
import type { Benchmark } from '../dashboard/settings.ts';
import { checkPolicy, deriveShares, isSmall, protectLines, showCount, suppressMetric, suppressTable } from '../disclosure/index.ts';
import type { CountTable, DisclosurePolicy, Shown, ShownTable } from '../disclosure/types.ts';
import {
	agencyName,
	agree,
	benchmarksOf,
	codeWords,
	columnSums,
	countTableData,
	derivedCount,
	grandTotal,
	heldTo,
	hiddenTable,
	isShown,
	knownPart,
	rowSums,
	shareOf,
	suppressed,
	type AgencyNames,
	type ShownHeadline
} from './escalation.ts';

export interface AuditsOptions {
	/** Benchmarks overlapping the period (`benchmarksFor(warehouse, null, period)`). */
	benchmarks: readonly Benchmark[];
	/** Agency names, for the findings and actions. */
	agencies: AgencyNames;
}

export interface AuditsView {
	period: { from: string; to: string };
	threshold: number;
	/** False under an agency filter: overall grades belong to no agency. */
	gradesApplicable: boolean;
	/** Audits in the period (the grade tables' grand total); null when grades are not applicable. */
	audits: Shown | null;
	headlines: { goodOrBetter: ShownHeadline; actionsOnTime: ShownHeadline };
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

const pct = { unit: '%', decimals: 1 } as const;

/**
 * The share good or outstanding of each row of a grade table and of the whole, from its shown
 * figures: the count good or outstanding where the row's shown figures give it (and it is not
 * 1 to the threshold), over the row's shown total.
 */
function gradeShares(table: CountTable, shown: ShownTable, policy: DisclosurePolicy): { rows: Shown[]; total: Shown; good: number | null } {
	const totals = rowSums(table);
	const rows = table.counts.map((row, r) => {
		const counts = row.map((n) => n ?? 0);
		const good = knownPart(counts, shown.cells[r], GOOD_OR_BETTER, { count: totals[r], shown: shown.rowTotals?.[r] ?? suppressed() });
		return shareOf(derivedCount(good, policy), shown.rowTotals?.[r] ?? suppressed(), { count: good ?? 0, base: totals[r] }, policy);
	});
	const grand = grandTotal(table);
	const good = knownPart(columnSums(table), shown.columnTotals ?? [], GOOD_OR_BETTER, { count: grand, shown: shown.total ?? suppressed() });
	const goodShown = derivedCount(good, policy);
	return { rows, total: shareOf(goodShown, shown.total ?? suppressed(), { count: good ?? 0, base: grand }, policy), good: isShown(goodShown) ? good : null };
}

function gradeWords(code: string): string {
	return { outstanding: 'Outstanding', good: 'Good', requires_improvement: 'Requires improvement', inadequate: 'Inadequate' }[code] ?? codeWords(code);
}

function monthWords(month: string): string {
	const [y, m] = month.split('-').map(Number);
	return `${['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][m - 1]} ${y}`;
}

export function presentAudits(data: AuditsData, policy: DisclosurePolicy, options: AuditsOptions): AuditsView {
	const names = (codes: readonly string[]) => codes.map((c) => agencyName(options.agencies, c));
	const headline = (key: 'audits_good_or_better_pct' | 'audit_actions_on_time_pct', figure = suppressMetric(key, data.figures[key], policy)): ShownHeadline => ({
		info: metricInfo(key),
		figure,
		benchmarks: benchmarksOf(options.benchmarks, key)
	});

	// ---------------------------------------------------------------- grades
	let audits: Shown | null = null;
	let gradesByMonth: AuditsView['gradesByMonth'] = null;
	let gradesByTheme: AuditsView['gradesByTheme'] = null;
	let goodOrBetter = headline('audits_good_or_better_pct');
	if (data.gradesByMonth) {
		const m = data.gradesByMonth;
		const monthShown = suppressTable(m, policy);
		const shares = gradeShares(m, monthShown, policy);
		audits = monthShown.total ?? suppressed();
		const figure = data.figures.audits_good_or_better_pct;
		goodOrBetter = headline(
			'audits_good_or_better_pct',
			heldTo(goodOrBetter.figure, {
				numerator: shares.good !== null && shares.good === figure.numerator,
				denominator: isShown(audits) && grandTotal(m) === figure.denominator
			})
		);
		const grades = m.columns.map(gradeWords);
		gradesByMonth = {
			table: countTableData(monthShown, {
				rowHeader: 'Month',
				rows: m.rows.map(monthWords),
				columns: grades,
				rowTotal: 'All audits',
				columnTotal: 'All months',
				extra: [{ column: { label: '% good or outstanding', ...pct }, cells: shares.rows, total: shares.total }],
				notes: ['Audits by the month held and their overall grade. The share good or outstanding is worked out from the counts shown.']
			}),
			trend: {
				series: [{ name: 'Audits graded good or outstanding', points: m.rows.map((month, r) => ({ label: month, ...shares.rows[r] })) }],
				yLabel: '% of audits graded good or outstanding',
				...pct,
				benchmarks: goodOrBetter.benchmarks.map((b) => ({ label: b.label, value: b.value }))
			}
		};

		if (data.gradesByTheme) {
			const t = data.gradesByTheme;
			const themeShown = suppressTable(t, policy);
			const mTotals = columnSums(m);
			const tTotals = columnSums(t);
			// The two tables share their grade totals and grand total: shown in both, or in neither.
			const consistent = agree([
				{ a: monthShown.total, b: themeShown.total, countA: grandTotal(m), countB: grandTotal(t) },
				...m.columns.map((_, c) => ({ a: monthShown.columnTotals?.[c], b: themeShown.columnTotals?.[c], countA: mTotals[c], countB: tTotals[c] }))
			]);
			const shown = consistent ? themeShown : hiddenTable(t);
			const themeShares = gradeShares(t, shown, policy);
			const themes = t.rows.map(codeWords);
			gradesByTheme = {
				grid: { rows: themes, columns: grades, cells: shown.cells, rowLabel: 'Theme', columnLabel: 'Overall grade', valueLabel: 'audits' },
				table: countTableData(shown, {
					rowHeader: 'Theme',
					rows: themes,
					columns: grades,
					rowTotal: 'All audits',
					columnTotal: 'All themes',
					extra: [{ column: { label: '% good or outstanding', ...pct }, cells: themeShares.rows, total: themeShares.total }]
				})
			};
		}
	}

	// ---------------------------------------------------------------- findings
	const findings = presentFindings(data.findings, policy, names);

	// ---------------------------------------------------------------- actions
	const a = data.actions;
	const actionsShown = suppressTable(a, policy);
	const onTimeShares = deriveShares(a, 'row', policy).map((row) => row[0]);
	const actionTotals = columnSums(a);
	const actionsTotal = actionsShown.total ?? suppressed();
	const onTimeTotal = actionsShown.columnTotals?.[0] ?? suppressed();
	const onTimeFigure = data.figures.audit_actions_on_time_pct;
	const actionsOnTime = headline(
		'audit_actions_on_time_pct',
		heldTo(suppressMetric('audit_actions_on_time_pct', onTimeFigure, policy), {
			numerator: isShown(onTimeTotal) && actionTotals[0] === onTimeFigure.numerator,
			denominator: isShown(actionsTotal) && grandTotal(a) === onTimeFigure.denominator
		})
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
			total: actionsTotal,
			table: countTableData(actionsShown, {
				rowHeader: 'Owner agency',
				rows: names(a.rows),
				columns: a.columns.map((c) => ({ on_time: 'On time', completed_late: 'Overdue: completed late', not_completed: 'Overdue: not completed' })[c] ?? codeWords(c)),
				rowTotal: 'Due in the period',
				// Under an agency filter the table has that agency's row only.
				columnTotal: data.filters.agency || data.filters.sector ? 'Total' : 'All agencies',
				extra: [
					{
						column: { label: '% on time', ...pct },
						cells: onTimeShares,
						total: shareOf(onTimeTotal, actionsTotal, { count: actionTotals[0] ?? 0, base: grandTotal(a) }, policy)
					}
				],
				notes: [
					'Actions agreed at audits with a due date in the period, by the agency that owns them. Overdue: completed after the due date, or not completed (as at the latest extract).'
				]
			})
		}
	};
}

/** The findings' figures of one kind (good or outstanding, below good, or all) as shown. */
interface FindingFigures {
	cells: Shown[][];
	rowTotals: Shown[];
	columnTotals: Shown[];
	total: Shown;
}

/**
 * The findings' three tables (good or outstanding, below good, all; criteria × agencies, each
 * with row, column and grand totals), protected together: each table's rows, columns and
 * margins are lines, and so is every "all = good or outstanding + below good", cell by cell
 * and total by total. Secondary suppression over those lines is disclosure control's own
 * (`protectLines`, the engine `suppressTable` runs on two dimensions), run here on the three
 * tables at once, since `suppressTable` takes one table and these are three tied together.
 */
export function protectFindings(good: number[][], all: number[][], policy: DisclosurePolicy): { good: FindingFigures; below: FindingFigures; all: FindingFigures } {
	const R = all.length;
	const A = R > 0 ? all[0].length : 0;
	const below = all.map((row, r) =>
		row.map((n, c) => {
			if (good[r][c] > n) throw new Error('findings good or outstanding must be part of all findings');
			return n - good[r][c];
		})
	);
	const size = R * A + R + A + 1;
	const cell = (r: number, c: number) => r * A + c;
	const rowTotal = (r: number) => R * A + r;
	const columnTotal = (c: number) => R * A + R + c;
	const grand = R * A + R + A;
	const range = (n: number) => [...Array(n).keys()];
	const block = (counts: number[][]): number[] => {
		const values = new Array<number>(size).fill(0);
		counts.forEach((row, r) =>
			row.forEach((n, c) => {
				values[cell(r, c)] = n;
				values[rowTotal(r)] += n;
				values[columnTotal(c)] += n;
				values[grand] += n;
			})
		);
		return values;
	};
	const blocks = [good, below, all].map(block);
	const values = blocks.flat();
	const lines: number[][] = [];
	// All findings first (the table the page is about), then good or outstanding, then below good.
	for (const b of [2, 0, 1]) {
		const at = (i: number) => b * size + i;
		for (const r of range(R)) lines.push([...range(A).map((c) => at(cell(r, c))), at(rowTotal(r))]);
		for (const c of range(A)) lines.push([...range(R).map((r) => at(cell(r, c))), at(columnTotal(c))]);
		lines.push([...range(R).map((r) => at(rowTotal(r))), at(grand)], [...range(A).map((c) => at(columnTotal(c))), at(grand)]);
	}
	for (const i of range(size)) lines.push([i, size + i, 2 * size + i]);
	checkPolicy(policy);
	const hidden = protectLines({ values, lines }, values.map((v) => isSmall(v, policy)));
	const figures = (b: number): FindingFigures => {
		const show = (i: number) => showCount(values[b * size + i], hidden[b * size + i], policy);
		return {
			cells: range(R).map((r) => range(A).map((c) => show(cell(r, c)))),
			rowTotals: range(R).map((r) => show(rowTotal(r))),
			columnTotals: range(A).map((c) => show(columnTotal(c))),
			total: show(grand)
		};
	};
	return { good: figures(0), below: figures(1), all: figures(2) };
}

/** Findings by criterion × agency, protected as three tables tied together (see the module's comment). */
function presentFindings(
	data: AuditsData['findings'],
	policy: DisclosurePolicy,
	names: (codes: readonly string[]) => string[]
): AuditsView['findings'] {
	const { findings: allTable, goodOrBetter: goodTable } = data;
	const agencies = allTable.columns;
	const counts = (t: CountTable) => t.counts.map((row) => row.map((n) => n ?? 0));
	const [goodCounts, allCounts] = [counts(goodTable), counts(allTable)];
	const shown = protectFindings(goodCounts, allCounts, policy);
	const sumOf = (ns: number[]) => ns.reduce((a, n) => a + n, 0);

	/** Good, below and all of one criterion × agency (or a total), as shown, and the share good or outstanding. */
	const entry = (pick: (f: FindingFigures) => Shown, good: number, all: number) => {
		const [g, b, n] = [pick(shown.good), pick(shown.below), pick(shown.all)];
		return { good: g, below: b, all: n, share: shareOf(g, n, { count: good, base: all }, policy) };
	};
	const R = allTable.rows.length;
	const cells = allTable.rows.map((_, r) => agencies.map((_, c) => entry((f) => f.cells[r][c], goodCounts[r][c], allCounts[r][c])));
	const byCriterion = allTable.rows.map((_, r) => entry((f) => f.rowTotals[r], sumOf(goodCounts[r]), sumOf(allCounts[r])));
	const column = (t: number[][], c: number) => sumOf(t.map((row) => row[c]));
	const byAgency = agencies.map((_, c) => entry((f) => f.columnTotals[c], column(goodCounts, c), column(allCounts, c)));
	const overall = entry((f) => f.total, sumOf(goodCounts.flat()), sumOf(allCounts.flat()));

	const criteria = allTable.rows.map(criterionWords);
	const agencyNames = names(agencies);
	const rows: TableRow[] = [];
	for (let r = 0; r < R; r++) {
		agencies.forEach((_, c) => {
			if (allCounts[r][c] === 0) return;
			const p = cells[r][c];
			rows.push({ header: `${criteria[r]}: ${agencyNames[c]}`, cells: [p.good, p.below, p.all, p.share] });
		});
	}
	const line = (header: string, p: ReturnType<typeof entry>): TableRow => ({ header, cells: [p.good, p.below, p.all, p.share] });
	return {
		total: shown.all.total,
		grid: {
			rows: criteria,
			columns: agencyNames,
			cells: cells.map((row) => row.map((p) => p.share)),
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
				...criteria.map((header, r) => ({ header, cells: [...cells[r].map((p) => p.share), byCriterion[r].share] })),
				{ header: 'All criteria', cells: [...byAgency.map((p) => p.share), overall.share] }
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


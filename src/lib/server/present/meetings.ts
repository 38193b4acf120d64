/**
 * The meetings page as a person may see it: every count through disclosure control (perturbed
 * by its own cell key under the cell key method), and every percentage from SHOWN counts only
 * (`c` when either count is not shown).
 *
 * ## What is shown together, and how it is protected
 * Every count of the page is a sum of the same invitations of partners to child protection
 * meetings held in the period, cut several ways, so the page's counts are protected
 * TOGETHER, in one run of disclosure control's line engine (`protectLines`, what
 * `suppressTable` runs on; `protectMeetings` builds the lines): each "these add up to that"
 * the page shows is a line.
 * - **By agency and meeting type**, two tables (invited, attended), each with row totals (an
 *   agency's invitations), column totals (a meeting type's: the table by meeting type) and
 *   the grand total (the headline's): their rows, columns and margins are lines.
 * - **Not attended** is shown for each agency and in all (agencies invited but absent): a
 *   column with its total, and for each agency and in all, invited = attended + not
 *   attended. Where the page shows no count not attended (a meeting type, a cell, a sector,
 *   a month), attended beside invited is the complement of a ratio, which the spec leaves
 *   shown (docs/disclosure.md, "Limits"), as it leaves reports not submitted.
 * - **By sector**: a sector's invitations (and those attended) are the sum of its agencies'
 *   (which agency is in which sector is public): a line with them; the sectors add up to the
 *   grand total, the agency tables' own figure (one figure, shown in both).
 * - **By month** (the trend of `cp_meeting_partner_attendance_pct`, its months' numerators
 *   and denominators from the metric layer's breakdown): the months add up to the grand
 *   totals (the same figures again).
 * - **Reports to conferences by agency**: an agency's invitations to conferences are its ICPC
 *   and RCPC cells of the invited table (a line with them), and the reports submitted a
 *   column with its total; the total invited to conferences is the sum of the ICPC and RCPC
 *   totals (a line too).
 * - **Headline figures** are not protected apart: their numerators and denominators ARE the
 *   tables' figures (the grand totals; the ICPC column's totals; the reports' totals), shown
 *   or `c` as the tables have them, and the figure is `c` when either is. The page data's
 *   metrics must count what the tables count (the dashboard tests hold them to it): a
 *   mismatch is a bug, and throws rather than show two versions of one figure.
 * - **Agencies invited but absent** are ordered by their SHOWN figures only (`orderByShown`):
 *   the count not attended (most first), then the share, then the name; a `c` sorts after
 *   every shown figure, by name, so the order says nothing about a value that is not shown.
 *
 * ## Cell keys (rule 7, the cell key method)
 * Under a policy with the method every count is shown perturbed by its own cell key, beside
 * its count in the problem (`Problem.keys`, passed to `showCount`): a table's cells by the
 * keys the page data carries (`CountTable.keys`); a sum of cells (a total, a sector, an
 * agency's invitations to conferences) by the sum of their keys (`cellKeySum`: the sum of
 * the same rows' record keys); the invitations not attended by the invited's key less the
 * attended's (those rows are the invited less the attended); a month by the metric's own keys.
 * A headline's counts are the tables' figures, and must be the metric's counts with the
 * metric's keys (the same rows), so that the same rows always show the same number: a
 * mismatch throws, as one of the counts does. Every percentage is of the counts as shown
 * before rounding (perturbed), the part capped at its whole, so none passes 100%.
 * Suppression is decided on the true counts first, as without the method.
 */
import type { BarChartData, GridData, TableColumn, TableData, TableRow, TrendChartData } from '../../components/charts/types.ts';
import { CONFERENCE_TYPES, CP_MEETING_TYPES, NO_SECTOR, sectorTable, type MeetingsData, type MeetingsKey } from '../dashboard/meetings.ts';
import { metricInfo } from '../dashboard/metrics.ts';
import type { Benchmark } from '../dashboard/settings.ts';
import { adjustedCount, cellKeySum, checkPolicy, isSmall, protectLines, showCount, suppressMetric } from '../disclosure/index.ts';
import type { CountTable, DisclosurePolicy, Shown, ShownMetric } from '../disclosure/types.ts';
import type { MetricValue } from '../metrics/compute.ts';
import { agencyName, benchmarksOf, headlineNote, isShown, shareOf, suppressed, type AgencyNames, type ShownHeadline } from './tables.ts';
import { groupLabel } from './metric.ts';

/** What each headline's counts count, for why it is `c` (`headlineNote`). */
const HEADLINE_WORDS: Record<MeetingsKey, { numerator: string; denominator: string }> = {
	cp_meeting_partner_attendance_pct: { numerator: 'partner invitations attended', denominator: 'partner invitations' },
	icpc_partner_attendance_pct: { numerator: 'partner invitations to initial conferences attended', denominator: 'partner invitations to initial conferences' },
	conference_reports_pct: { numerator: 'reports submitted', denominator: 'partner invitations to conferences' }
};

export interface MeetingsOptions {
	/** Benchmarks overlapping the period (`benchmarksFor(warehouse, null, period)`). */
	benchmarks: readonly Benchmark[];
	/** Agency names, for the tables and charts. */
	agencies: AgencyNames;
}

/** Invitations and those attended, and the share attended, of one cell or total. */
export interface Attendance {
	invited: Shown;
	attended: Shown;
	/** Attended as a percentage of invited. */
	attendedPct: Shown;
}

/** An agency's, or all agencies', invitations: with those not attended, which the page shows for them. */
export interface AttendanceAndAbsence extends Attendance {
	absent: Shown;
	/** Not attended as a percentage of invited. */
	absentPct: Shown;
}

/** Invitations to conferences, those with a report submitted, and the share. */
export interface Reports {
	invited: Shown;
	submitted: Shown;
	submittedPct: Shown;
}

export interface AbsentRow {
	agency: string;
	name: string;
	invited: Shown;
	absent: Shown;
	/** Not attended as a percentage of invited. */
	share: Shown;
}

export interface MeetingsView {
	period: { from: string; to: string };
	threshold: number;
	/** Every invitation of a partner to a child protection meeting in the period (the tables' grand totals). */
	all: AttendanceAndAbsence;
	headlines: Record<'cpMeetings' | 'icpc' | 'reports', ShownHeadline>;
	/** By meeting type, in `CP_MEETING_TYPES` order. */
	types: { type: string; label: string; figures: Attendance }[];
	/** By agency, in the page data's order (by code); `byType` in `CP_MEETING_TYPES` order. */
	agencies: { agency: string; name: string; sector: string; byType: Attendance[]; all: AttendanceAndAbsence; reports: Reports }[];
	/** By sector (the code list's order). */
	sectors: { sector: string; label: string; all: Attendance }[];
	/** By month of the period (the trend of `cp_meeting_partner_attendance_pct`). */
	months: { month: string; figures: Attendance }[];
	/** Reports to conferences, all agencies. */
	reports: Reports;
	/** Agencies by invitations not attended, ordered by their shown figures (`orderByShown`). */
	absent: AbsentRow[];
	charts: {
		byType: { bars: BarChartData; table: TableData };
		byAgency: { grid: GridData; table: TableData; counts: TableData };
		bySector: { bars: BarChartData; table: TableData };
		trend: { chart: TrendChartData; table: TableData };
		reports: { bars: BarChartData; table: TableData };
		absent: { bars: BarChartData; table: TableData };
	};
}

/** Meeting types in words, plural (chart rows and table rows). */
export const MEETING_TYPE_WORDS: Readonly<Record<string, string>> = {
	strategy_discussion: 'Strategy discussions',
	icpc: 'Initial conferences (ICPCs)',
	rcpc: 'Review conferences (RCPCs)',
	core_group: 'Core groups'
};

/** Meeting types in running words (after an agency's name). */
const MEETING_TYPE_INLINE: Readonly<Record<string, string>> = {
	strategy_discussion: 'strategy discussions',
	icpc: 'initial conferences (ICPCs)',
	rcpc: 'review conferences (RCPCs)',
	core_group: 'core groups'
};

export function sectorWords(sector: string): string {
	return sector === NO_SECTOR ? 'Sector not recorded' : groupLabel('sector', sector, sector);
}

// ------------------------------------------------------------------ protection

/** The figures of one measure in a rows × types table with totals, as indices into the problem. */
interface Block {
	cells: number[][];
	rows: number[];
	columns: number[];
	total: number;
}

/**
 * Figures (unrounded counts) with their cell keys (null where the page data has none), and
 * the lines between them, built up as the page's parts are added.
 */
class Problem {
	readonly values: number[] = [];
	readonly keys: (number | null)[] = [];
	readonly lines: number[][] = [];
	add(n: number, key: number | null): number {
		if (!Number.isInteger(n) || n < 0) throw new Error(`not a count: ${n}`);
		this.values.push(n);
		this.keys.push(key);
		return this.values.length - 1;
	}
	/** A figure that is the sum of others: its count and its key the sums of theirs. */
	addSum(members: readonly number[]): number {
		return this.add(sum(members.map((i) => this.values[i])), keySum(members.map((i) => this.keys[i])));
	}
	line(members: readonly number[]): void {
		this.lines.push([...members]);
	}
}

const MEASURES = ['invited', 'attended'] as const;
type Measure = (typeof MEASURES)[number];
const sum = (ns: readonly number[]) => ns.reduce((a, n) => a + n, 0);
const range = (n: number) => [...Array(n).keys()];

function countsOf(t: CountTable): number[][] {
	return t.counts.map((row) => row.map((n) => n ?? 0));
}

/** A table's cell keys, or nulls where it has none. */
function keysOf(t: CountTable): (number | null)[][] {
	return t.counts.map((row, r) => row.map((_, c) => t.keys?.[r]?.[c] ?? null));
}

/** The key of a sum: its members' keys added, or null when any has none. */
function keySum(keys: readonly (number | null)[]): number | null {
	return keys.some((k) => k === null) ? null : cellKeySum(keys);
}

/** The key of the rows of `whole` not in `part` (a subset of them): the whole's key less the part's. */
function keyDifference(whole: number | null, part: number | null): number | null {
	return whole === null || part === null ? null : (((whole - part) % 256) + 256) % 256;
}

/**
 * The counts of the page, protected together (see the module's comment): what each figure
 * is shown as. Exported for the tests.
 */
export function protectMeetings(data: MeetingsData, policy: DisclosurePolicy) {
	checkPolicy(policy);
	const { invited, attended, reports } = data.byAgency;
	for (const t of [invited, attended, reports]) {
		if (t.columns.join() !== CP_MEETING_TYPES.join()) throw new Error('the tables by agency have a column per child protection meeting type');
		if (t.rows.join() !== invited.rows.join()) throw new Error('the tables by agency have the same rows');
	}
	const inv = countsOf(invited);
	const att = countsOf(attended);
	const rep = countsOf(reports);
	inv.forEach((row, r) =>
		row.forEach((n, c) => {
			if (att[r][c] > n || rep[r][c] > n) throw new Error('attended and reports are part of the invitations');
		})
	);
	const counts: Record<Measure, number[][]> = { invited: inv, attended: att };
	const cellKeys: Record<Measure, (number | null)[][]> = { invited: keysOf(invited), attended: keysOf(attended) };
	const A = inv.length;
	const T = CP_MEETING_TYPES.length;
	const p = new Problem();

	// By agency × meeting type, invited and attended, each a table with its totals.
	const agency = {} as Record<Measure, Block>;
	for (const m of MEASURES) {
		const cells = counts[m].map((row, r) => row.map((n, c) => p.add(n, cellKeys[m][r][c])));
		const rows = cells.map((row) => p.addSum(row));
		const columns = range(T).map((c) => p.addSum(cells.map((row) => row[c])));
		const total = p.addSum(cells.flat());
		agency[m] = { cells, rows, columns, total };
		for (const r of range(A)) p.line([...cells[r], rows[r]]);
		for (const c of range(T)) p.line([...cells.map((row) => row[c]), columns[c]]);
		p.line([...rows, total]);
		p.line([...columns, total]);
	}

	// Not attended, by agency and in all: a column with its total, and invited = attended + not attended.
	const absent = (invitedAt: number, attendedAt: number) =>
		p.add(p.values[invitedAt] - p.values[attendedAt], keyDifference(p.keys[invitedAt], p.keys[attendedAt]));
	const absentRows = range(A).map((r) => absent(agency.invited.rows[r], agency.attended.rows[r]));
	const absentTotal = absent(agency.invited.total, agency.attended.total);
	p.line([...absentRows, absentTotal]);
	range(A).forEach((r) => p.line([agency.attended.rows[r], absentRows[r], agency.invited.rows[r]]));
	p.line([agency.attended.total, absentTotal, agency.invited.total]);

	// By sector: each sector's invitations are the sum of its agencies'; the sectors add up to the grand total.
	const sectorOf = (code: string) => {
		const s = data.sectorOf[code];
		if (s === undefined) throw new Error(`no sector given for agency ${code}`);
		return s;
	};
	const sectorRows = sectorTable(invited, data.sectorOf).rows;
	const agenciesOf = sectorRows.map((s) => range(A).filter((r) => sectorOf(invited.rows[r]) === s));
	const sector = {} as Record<Measure, number[]>;
	for (const m of MEASURES) {
		const a = agency[m];
		sector[m] = agenciesOf.map((rs) => p.addSum(rs.map((r) => a.rows[r])));
		agenciesOf.forEach((rs, s) => p.line([...rs.map((r) => a.rows[r]), sector[m][s]]));
		p.line([...sector[m], a.total]);
	}

	// By month: the metric's numerator and denominator of each month; the months add up to the grand totals.
	const monthCounts = data.trend.map((m) => {
		const v = m.metrics.cp_meeting_partner_attendance_pct;
		return { invited: v.denominator ?? 0, attended: v.numerator ?? 0, keys: { invited: v.keys?.denominator ?? null, attended: v.keys?.numerator ?? null } };
	});
	for (const m of MEASURES) {
		if (sum(monthCounts.map((x) => x[m])) !== p.values[agency[m].total]) throw new Error(`the months' ${m} do not add up to the tables' total`);
	}
	const month = monthCounts.map((x) => ({ invited: p.add(x.invited, x.keys.invited), attended: p.add(x.attended, x.keys.attended) }));
	for (const m of MEASURES) p.line([...month.map((x) => x[m]), agency[m].total]);

	// Reports to conferences by agency: invited to conferences = its ICPC and RCPC invitations.
	const conf = CONFERENCE_TYPES.map((t) => CP_MEETING_TYPES.indexOf(t));
	const repKeys = keysOf(reports);
	const report = range(A).map((r) => ({
		invited: p.addSum(conf.map((c) => agency.invited.cells[r][c])),
		submitted: p.add(sum(conf.map((c) => rep[r][c])), keySum(conf.map((c) => repKeys[r][c])))
	}));
	const reportTotal = {
		invited: p.addSum(report.map((x) => x.invited)),
		submitted: p.addSum(report.map((x) => x.submitted))
	};
	for (const k of ['invited', 'submitted'] as const) p.line([...report.map((x) => x[k]), reportTotal[k]]);
	report.forEach((x, r) => p.line([...conf.map((c) => agency.invited.cells[r][c]), x.invited]));
	p.line([...conf.map((c) => agency.invited.columns[c]), reportTotal.invited]);

	const hidden = protectLines({ values: p.values, lines: p.lines }, p.values.map((v) => isSmall(v, policy)));
	const show = (i: number): Shown => showCount(p.values[i], hidden[i], policy, p.keys[i]);
	// Of the counts as shown before rounding (perturbed by their keys under the cell key method), the part capped at its whole.
	const unrounded = (i: number) => (hidden[i] ? p.values[i] : adjustedCount(p.values[i], policy, p.keys[i]));
	const share = (count: number, base: number) => shareOf(show(count), show(base), { count: Math.min(unrounded(count), unrounded(base)), base: unrounded(base) }, policy);
	const attendance = (i: Record<Measure, number>): Attendance => ({ invited: show(i.invited), attended: show(i.attended), attendedPct: share(i.attended, i.invited) });
	const withAbsence = (i: Record<Measure, number>, absent: number): AttendanceAndAbsence => ({
		...attendance(i),
		absent: show(absent),
		absentPct: share(absent, i.invited)
	});
	const of = (blocks: Record<Measure, Block>, pick: (b: Block) => number) => ({ invited: pick(blocks.invited), attended: pick(blocks.attended) });
	const reportsOf = (x: { invited: number; submitted: number }): Reports => ({
		invited: show(x.invited),
		submitted: show(x.submitted),
		submittedPct: share(x.submitted, x.invited)
	});
	/** A figure with the unrounded count it stands for, and its cell key. */
	const counted = (i: number) => ({ shown: show(i), count: p.values[i], key: p.keys[i] });
	const icpc = CP_MEETING_TYPES.indexOf('icpc');
	return {
		all: withAbsence(of(agency, (b) => b.total), absentTotal),
		types: range(T).map((c) => attendance(of(agency, (b) => b.columns[c]))),
		agencies: range(A).map((r) => ({
			byType: range(T).map((c) => attendance(of(agency, (b) => b.cells[r][c]))),
			all: withAbsence(of(agency, (b) => b.rows[r]), absentRows[r]),
			reports: reportsOf(report[r])
		})),
		sectors: sectorRows.map((s, i) => ({ sector: s, all: attendance({ invited: sector.invited[i], attended: sector.attended[i] }) })),
		months: month.map((x) => attendance(x)),
		reports: reportsOf(reportTotal),
		/** The headlines' counts: the figures above, with their unrounded counts. */
		counts: {
			attended: counted(agency.attended.total),
			invited: counted(agency.invited.total),
			icpcAttended: counted(agency.attended.columns[icpc]),
			icpcInvited: counted(agency.invited.columns[icpc]),
			reportsSubmitted: counted(reportTotal.submitted),
			reportsInvited: counted(reportTotal.invited)
		},
		monthCounts: month.map((x) => ({ attended: counted(x.attended), invited: counted(x.invited) }))
	};
}

/**
 * A metric shown with the page's own figures as its numerator and denominator (the same
 * counts, and under the cell key method the same keys: a mismatch throws); its value `c`
 * when either is not shown.
 */
export function heldFigure(
	key: MeetingsKey,
	m: MetricValue,
	numerator: { shown: Shown; count: number; key?: number | null },
	denominator: { shown: Shown; count: number; key?: number | null },
	policy: DisclosurePolicy
): ShownMetric {
	if (m.numerator !== numerator.count || m.denominator !== denominator.count) {
		throw new Error(`${key}: the metric counts ${m.numerator} of ${m.denominator}, the tables ${numerator.count} of ${denominator.count}`);
	}
	// The same rows have the same key: a count shown twice shows one number.
	const differs = (count: number, mine: number | null | undefined, theirs: number | null | undefined) => count > 0 && (mine ?? null) !== (theirs ?? null);
	if (policy.cellKey === true && (differs(numerator.count, m.keys?.numerator, numerator.key) || differs(denominator.count, m.keys?.denominator, denominator.key))) {
		throw new Error(`${key}: the metric's cell keys (${m.keys?.numerator} of ${m.keys?.denominator}) are not the tables' (${numerator.key} of ${denominator.key})`);
	}
	const alone = suppressMetric(key, m, policy);
	const hidden = !isShown(numerator.shown) || !isShown(denominator.shown);
	return { value: hidden && isShown(alone.value) ? suppressed() : alone.value, numerator: numerator.shown, denominator: denominator.shown };
}

// ------------------------------------------------------------------ order by shown figures

/**
 * Rows ordered by their SHOWN figures only: the count not attended, highest first; then the
 * share, highest first; then the name. A figure not shown (`c`, or any symbol) sorts after
 * every shown one, so rows whose count is not shown come last, by name: nothing about a
 * value not shown decides where a row goes.
 */
export function orderByShown(rows: readonly AbsentRow[]): AbsentRow[] {
	const byShown = (a: Shown, b: Shown) => {
		const [x, y] = [isShown(a), isShown(b)];
		if (x !== y) return x ? -1 : 1;
		return x ? (b.value as number) - (a.value as number) : 0;
	};
	return [...rows].sort(
		(a, b) => byShown(a.absent, b.absent) || byShown(a.share, b.share) || a.name.localeCompare(b.name, 'en-GB') || a.agency.localeCompare(b.agency)
	);
}

// ------------------------------------------------------------------ the page

const pct = { unit: '%', decimals: 1 } as const;
const ATTENDANCE_COLUMNS: TableColumn[] = [
	{ label: 'Invited', decimals: 0 },
	{ label: 'Attended', decimals: 0 },
	{ label: '% attended', ...pct }
];
const attendanceCells = (a: Attendance) => [a.invited, a.attended, a.attendedPct];
const PCT_NOTE = 'A percentage is worked out from the counts shown beside it, and is not shown where either count is not.';

function monthWords(month: string): string {
	const [y, m] = month.split('-').map(Number);
	return `${['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][m - 1]} ${y}`;
}

export function presentMeetings(data: MeetingsData, policy: DisclosurePolicy, options: MeetingsOptions): MeetingsView {
	const shown = protectMeetings(data, policy);
	const c = shown.counts;
	const f = data.figures;
	const headline = (key: MeetingsKey, figure: ShownMetric): ShownHeadline => ({
		info: metricInfo(key),
		figure,
		benchmarks: benchmarksOf(options.benchmarks, key),
		note: headlineNote(figure, HEADLINE_WORDS[key], policy)
	});
	const headlines = {
		cpMeetings: headline('cp_meeting_partner_attendance_pct', heldFigure('cp_meeting_partner_attendance_pct', f.cp_meeting_partner_attendance_pct, c.attended, c.invited, policy)),
		icpc: headline('icpc_partner_attendance_pct', heldFigure('icpc_partner_attendance_pct', f.icpc_partner_attendance_pct, c.icpcAttended, c.icpcInvited, policy)),
		reports: headline('conference_reports_pct', heldFigure('conference_reports_pct', f.conference_reports_pct, c.reportsSubmitted, c.reportsInvited, policy))
	};

	const typeLabels = CP_MEETING_TYPES.map((t) => MEETING_TYPE_WORDS[t]);
	const types = CP_MEETING_TYPES.map((type, i) => ({ type, label: typeLabels[i], figures: shown.types[i] }));
	const agencies = data.byAgency.invited.rows.map((code, r) => ({
		agency: code,
		name: agencyName(options.agencies, code),
		sector: data.sectorOf[code],
		...shown.agencies[r]
	}));
	const sectors = shown.sectors.map((s) => ({ ...s, label: sectorWords(s.sector) }));
	// The months' figures: the metric's value for the month, held to its shown counts.
	const months = data.trend.map((m, i) => {
		const figure = heldFigure('cp_meeting_partner_attendance_pct', m.metrics.cp_meeting_partner_attendance_pct, shown.monthCounts[i].attended, shown.monthCounts[i].invited, policy);
		return { month: m.month, figures: { ...shown.months[i], attendedPct: figure.value } };
	});
	const absent = orderByShown(agencies.map((a) => ({ agency: a.agency, name: a.name, invited: a.all.invited, absent: a.all.absent, share: a.all.absentPct })));
	const filtered = data.filters.agency !== null || data.filters.sector !== null;
	const allAgencies = filtered ? 'Total' : 'All partner agencies';
	const cpBenchmarks = headlines.cpMeetings.benchmarks.map((b) => ({ label: b.label, value: b.value }));

	const attendanceTable = (rowHeader: string, rows: { header: string; figures: Attendance }[], total: string, notes: string[]): TableData => ({
		rowHeader,
		columns: ATTENDANCE_COLUMNS,
		rows: [...rows.map((r) => ({ header: r.header, cells: attendanceCells(r.figures) })), { header: total, cells: attendanceCells(shown.all) }],
		notes
	});

	// Agency × meeting type: the counts, one row per agency and meeting type it was invited to.
	const countRows: TableRow[] = [];
	agencies.forEach((a, r) => {
		a.byType.forEach((figures, t) => {
			if (data.byAgency.invited.counts[r][t] === 0) return;
			countRows.push({ header: `${a.name}: ${MEETING_TYPE_INLINE[CP_MEETING_TYPES[t]]}`, cells: attendanceCells(figures) });
		});
		countRows.push({ header: `${a.name}: all child protection meetings`, cells: attendanceCells(a.all) });
	});

	return {
		period: data.period,
		threshold: policy.threshold,
		all: shown.all,
		headlines,
		types,
		agencies,
		sectors,
		months,
		reports: shown.reports,
		absent,
		charts: {
			byType: {
				bars: {
					bars: types.map((t) => ({ label: t.label, ...t.figures.attendedPct })),
					xLabel: '% of invitations attended',
					rowLabel: 'Meeting type',
					...pct,
					order: 'given'
				},
				table: attendanceTable(
					'Meeting type',
					types.map((t) => ({ header: t.label, figures: t.figures })),
					'All child protection meetings',
					[`Invitations of partner agencies to meetings held in the period. ${PCT_NOTE}`]
				)
			},
			byAgency: {
				grid: {
					rows: agencies.map((a) => a.name),
					columns: typeLabels,
					cells: agencies.map((a) => a.byType.map((x) => x.attendedPct)),
					rowLabel: 'Agency',
					columnLabel: 'Meeting type',
					valueLabel: '% of invitations attended',
					unit: '%',
					decimals: 0
				},
				table: {
					rowHeader: 'Agency',
					columns: [...typeLabels.map((label) => ({ label, ...pct })), { label: 'All child protection meetings', ...pct }],
					rows: [
						...agencies.map((a) => ({ header: a.name, cells: [...a.byType.map((x) => x.attendedPct), a.all.attendedPct] })),
						{ header: allAgencies, cells: [...types.map((t) => t.figures.attendedPct), shown.all.attendedPct] }
					],
					notes: [`Each figure: of the agency's invitations to meetings of the type held in the period, the percentage attended (z: no invitations). ${PCT_NOTE}`]
				},
				counts: {
					caption: 'Invitations by agency and meeting type: counts',
					rowHeader: 'Agency: meeting type',
					columns: ATTENDANCE_COLUMNS,
					rows: countRows,
					notes: ['Only the meeting types an agency was invited to are listed; the totals by meeting type are in the table by meeting type above.']
				}
			},
			bySector: {
				bars: { bars: sectors.map((s) => ({ label: s.label, ...s.all.attendedPct })), xLabel: '% of invitations attended', rowLabel: 'Sector', ...pct },
				table: attendanceTable(
					'Sector',
					sectors.map((s) => ({ header: s.label, figures: s.all })),
					allAgencies,
					[`Invitations of the agencies of each sector to child protection meetings held in the period. ${PCT_NOTE}`]
				)
			},
			trend: {
				chart: {
					series: [{ name: 'Partner attendance at child protection meetings', points: months.map((m) => ({ label: m.month, ...m.figures.attendedPct })) }],
					yLabel: '% of invitations attended',
					...pct,
					benchmarks: cpBenchmarks
				},
				table: attendanceTable(
					'Month',
					months.map((m) => ({ header: monthWords(m.month), figures: m.figures })),
					'The period',
					[`Invitations to child protection meetings held in the month. ${PCT_NOTE}`]
				)
			},
			reports: {
				bars: {
					bars: agencies.map((a) => ({ label: a.name, ...a.reports.submittedPct })),
					xLabel: '% of invitations to conferences with a report',
					rowLabel: 'Agency',
					...pct
				},
				table: {
					rowHeader: 'Agency',
					columns: [
						{ label: 'Invited to conferences', decimals: 0 },
						{ label: 'Report submitted', decimals: 0 },
						{ label: '% with a report', ...pct }
					],
					rows: [
						...agencies.map((a) => ({ header: a.name, cells: reportCells(a.reports) })),
						{ header: allAgencies, cells: reportCells(shown.reports) }
					],
					notes: [
						`Invitations to initial and review child protection conferences held in the period. A report not recorded either way counts as not submitted. ${PCT_NOTE}`
					]
				}
			},
			absent: {
				bars: {
					bars: absent.map((a) => ({ label: a.name, ...a.absent })),
					xLabel: 'Invitations not attended',
					rowLabel: 'Agency',
					decimals: 0,
					order: 'given'
				},
				table: {
					rowHeader: 'Agency',
					columns: [
						{ label: 'Invitations', decimals: 0 },
						{ label: 'Not attended', decimals: 0 },
						{ label: '% not attended', ...pct }
					],
					rows: [
						...absent.map((a) => ({ header: a.name, cells: [a.invited, a.absent, a.share] })),
						{ header: allAgencies, cells: [shown.all.invited, shown.all.absent, shown.all.absentPct] }
					],
					notes: [
						`Agencies in order of the invitations they did not attend as shown (most first), then of the percentage, then by name; an agency whose count is suppressed comes last. ${PCT_NOTE}`
					]
				}
			}
		}
	};
}

function reportCells(r: Reports): Shown[] {
	return [r.invited, r.submitted, r.submittedPct];
}

/**
 * The audits page as presented: no count from 1 to the threshold anywhere; grade tables as
 * `suppressTable` protects them, shares only from shown counts; findings good or outstanding
 * never giving away a suppressed count through the rest (all findings less those); headline
 * counts held to the tables; overall grades not applicable under an agency filter. And
 * nothing suppressed recoverable: a search follows every "these add up to that" the page
 * implies (a share beside its base gives its count too) until nothing more can be worked out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditsPage, type AuditsData } from '../dashboard/audits.ts';
import { policyFrom, suppressTable } from '../disclosure/index.ts';
import type { CountTable, DisclosurePolicy, Shown } from '../disclosure/types.ts';
import type { MetricValue } from '../metrics/compute.ts';
import { action, audit, extract, K1, K2, K3 } from '../metrics/test-fixtures.ts';
import { createTestWarehouse, type TestWarehouse } from '../metrics/test-helpers.ts';
import { AUDIT_CRITERIA, GRADES } from '../schema/codes.ts';
import type { TableData } from '../../components/charts/types.ts';
import { presentAudits, type AuditsView } from './audits.ts';

const POLICY = policyFrom({});
const AGENCIES = ['CSC', 'HLT', 'POL', 'SCH'];
const NAMES = [
	{ code: 'POL', name: 'Police' },
	{ code: 'HLT', name: 'Health trust' }
];
const OPTIONS = { benchmarks: [], agencies: NAMES };

// ------------------------------------------------------------------ helpers (as in escalation.test.ts)

function smallNumbers(value: unknown, skip: (path: string) => boolean, threshold: number, path = ''): string[] {
	if (skip(path)) return [];
	if (typeof value === 'number') return value >= 1 && value <= threshold ? [`${path} = ${value}`] : [];
	if (Array.isArray(value)) return value.flatMap((v, i) => smallNumbers(v, skip, threshold, `${path}[${i}]`));
	if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => smallNumbers(v, skip, threshold, path ? `${path}.${k}` : k));
	return [];
}

/**
 * Where the audits view holds figures that are not counts: settings, shares (the percentage
 * columns of tables, the trend, the findings grid) and the headline shares.
 */
function notCount(view: AuditsView): (path: string) => boolean {
	const percentColumns = (table: TableData | undefined) => new Set((table?.columns ?? []).flatMap((c, i) => (c.unit === '%' ? [i] : [])));
	const tables: Record<string, TableData | undefined> = {
		'gradesByMonth.table': view.gradesByMonth?.table,
		'gradesByTheme.table': view.gradesByTheme?.table,
		'findings.table': view.findings.table,
		'findings.counts': view.findings.counts,
		'actions.table': view.actions.table
	};
	return (path) => {
		if (/^(threshold|period)|benchmarks|decimals|^gradesByMonth\.trend|^findings\.grid|^headlines\.\w+\.figure\.value/.test(path)) return true;
		for (const [prefix, table] of Object.entries(tables)) {
			const match = new RegExp(`^${prefix.replace('.', '\\.')}\\.rows\\[\\d+\\]\\.cells\\[(\\d+)\\]`).exec(path);
			if (match) return percentColumns(table).has(Number(match[1]));
		}
		return false;
	};
}

type Line = { members: string[]; total: string };

/** Whenever every figure of a line but one is known, the last is worked out; until nothing more can be. */
function workedOut(known: Map<string, number>, lines: readonly Line[]): Map<string, number> {
	const out = new Map<string, number>();
	for (let changed = true; changed; ) {
		changed = false;
		for (const line of lines) {
			const unknown = [...line.members, line.total].filter((id) => !known.has(id));
			if (unknown.length !== 1) continue;
			const [id] = unknown;
			const sum = (ids: string[]) => ids.reduce((a, m) => a + (known.get(m) as number), 0);
			const v = id === line.total ? sum(line.members) : (known.get(line.total) as number) - sum(line.members.filter((m) => m !== id));
			known.set(id, v);
			out.set(id, v);
			changed = true;
		}
	}
	return out;
}

const cellId = (name: string, r: number | 'T', c: number | 'T') => `${name}:${r},${c}`;
const range = (n: number) => [...Array(n).keys()];

function tableLines(name: string, rows: number, columns: number): Line[] {
	return [
		...range(rows).map((r) => ({ members: range(columns).map((c) => cellId(name, r, c)), total: cellId(name, r, 'T') })),
		...range(columns).map((c) => ({ members: range(rows).map((r) => cellId(name, r, c)), total: cellId(name, 'T', c) })),
		{ members: range(rows).map((r) => cellId(name, r, 'T')), total: cellId(name, 'T', 'T') },
		{ members: range(columns).map((c) => cellId(name, 'T', c)), total: cellId(name, 'T', 'T') }
	];
}

function truthOf(name: string, counts: number[][], columns: number, into: Map<string, number>): void {
	const rowT = counts.map((row) => row.reduce((a, n) => a + n, 0));
	const colT = range(columns).map((c) => counts.reduce((a, row) => a + row[c], 0));
	counts.forEach((row, r) => row.forEach((n, c) => into.set(cellId(name, r, c), n)));
	rowT.forEach((n, r) => into.set(cellId(name, r, 'T'), n));
	colT.forEach((n, c) => into.set(cellId(name, 'T', c), n));
	into.set(cellId(name, 'T', 'T'), rowT.reduce((a, n) => a + n, 0));
}

const isShownValue = (s: unknown): s is Shown => typeof s === 'object' && s !== null && (s as Shown).symbol === null && (s as Shown).value !== null;

/** The shown counts of a data table with a totals column and row (and share columns after them). */
function knownOf(name: string, table: TableData, rows: number, columns: number, into: Map<string, number>): void {
	table.rows.forEach((row, r) =>
		row.cells.slice(0, columns + 1).forEach((cell, c) => {
			if (isShownValue(cell)) into.set(cellId(name, r === rows ? 'T' : r, c === columns ? 'T' : c), cell.value as number);
		})
	);
}

function random(seed: number): () => number {
	let a = seed;
	return () => {
		a = (a + 0x6d2b79f5) | 0;
		let t = Math.imul(a ^ (a >>> 15), 1 | a);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

function count(rand: () => number): number {
	const u = rand();
	return u < 0.3 ? 0 : u < 0.65 ? 1 + Math.floor(rand() * 5) : 6 + Math.floor(rand() * 30);
}

// ------------------------------------------------------------------ page data from counts

const m = (v: Partial<MetricValue>): MetricValue => ({ value: null, numerator: null, denominator: null, status: 'ok', n: null, population: null, ...v });
const ratio = (numerator: number, denominator: number): MetricValue =>
	denominator === 0 ? m({ numerator, denominator, status: 'z' }) : m({ value: (100 * numerator) / denominator, numerator, denominator });
const table = (rows: readonly string[], columns: readonly string[], counts: number[][]): CountTable => ({
	rows: [...rows],
	columns: [...columns],
	counts,
	rowTotals: true,
	columnTotals: true
});
const sum = (ns: number[]) => ns.reduce((a, n) => a + n, 0);

interface Spec {
	/** Months (3) × grades; null: under an agency filter. */
	months: number[][] | null;
	/** Themes × grades, with the same grade totals as `months`. */
	themes: number[][] | null;
	/** Criteria (7) × agencies (4): all findings, and those good or outstanding. */
	findings: number[][];
	good: number[][];
	/** Agencies (4) × on time, completed late, not completed. */
	actions: number[][];
}

const MONTHS = ['2024-04', '2024-05', '2024-06'];
const THEMES = ['domestic_abuse', 'neglect', 'front_door'];

function pageData(spec: Spec): AuditsData {
	const columnTotal = (counts: number[][], c: number) => sum(counts.map((row) => row[c]));
	const audits = spec.months ? sum(spec.months.flat()) : 0;
	const goodAudits = spec.months ? columnTotal(spec.months, 0) + columnTotal(spec.months, 1) : 0;
	return {
		period: { from: '2024-04-01', to: '2024-06-30' },
		filters: { area: null, agency: spec.months ? null : 'POL', sector: null },
		figures: {
			audits_good_or_better_pct: spec.months ? ratio(goodAudits, audits) : m({ status: 'z' }),
			audit_actions_on_time_pct: ratio(columnTotal(spec.actions, 0), sum(spec.actions.flat()))
		},
		trend: [],
		gradesByMonth: spec.months ? table(MONTHS, GRADES, spec.months) : null,
		gradesByTheme: spec.themes ? table(THEMES, GRADES, spec.themes) : null,
		findings: { findings: table(AUDIT_CRITERIA, AGENCIES, spec.findings), goodOrBetter: table(AUDIT_CRITERIA, AGENCIES, spec.good) },
		actions: table(AGENCIES, ['on_time', 'completed_late', 'not_completed'], spec.actions)
	};
}

function randomSpec(rand: () => number, agencyFilter = false): Spec {
	const months = MONTHS.map(() => GRADES.map(() => count(rand)));
	// The same audits by theme: each audit of each grade given a random theme.
	const themes = THEMES.map(() => GRADES.map(() => 0));
	GRADES.forEach((_, g) => {
		for (let i = 0; i < sum(months.map((row) => row[g])); i++) themes[Math.floor(rand() * THEMES.length)][g]++;
	});
	const findings = AUDIT_CRITERIA.map(() => AGENCIES.map(() => count(rand)));
	// Good or outstanding: often all or all but a few, so that the rest is often small.
	const good = findings.map((row) =>
		row.map((n) => {
			const u = rand();
			return u < 0.25 ? n : u < 0.55 ? Math.max(0, n - 1 - Math.floor(rand() * 5)) : Math.floor(rand() * (n + 1));
		})
	);
	return {
		months: agencyFilter ? null : months,
		themes: agencyFilter ? null : themes,
		findings,
		good,
		actions: AGENCIES.map(() => [0, 1, 2].map(() => count(rand)))
	};
}

// ------------------------------------------------------------------ the search

const shareCount = (share: Shown, base: number) => Math.round((share.value as number) * base / 100);

/** Everything the page shows as known figures, the lines between them, and the truth. */
function attack(view: AuditsView, data: AuditsData): { truth: Map<string, number>; revealed: Map<string, number>; known: Map<string, number> } {
	const known = new Map<string, number>();
	const truth = new Map<string, number>();
	const lines: Line[] = [];
	const set = (id: string, s: Shown | null | undefined) => {
		if (s && isShownValue(s)) known.set(id, s.value as number);
	};

	// Grades: both tables, their shared totals, the share good or outstanding of each row, the headline.
	if (data.gradesByMonth && view.gradesByMonth) {
		const M = data.gradesByMonth.counts as number[][];
		truthOf('month', M, 4, truth);
		knownOf('month', view.gradesByMonth.table, 3, 4, known);
		lines.push(...tableLines('month', 3, 4));
		for (const r of [...range(3), 'T' as const]) {
			truth.set(`monthgood:${r}`, (truth.get(cellId('month', r, 0)) as number) + (truth.get(cellId('month', r, 1)) as number));
			lines.push({ members: [cellId('month', r, 0), cellId('month', r, 1)], total: `monthgood:${r}` });
			const row = view.gradesByMonth.table.rows[r === 'T' ? 3 : r];
			const share = row.cells[5] as Shown;
			const base = row.cells[4] as Shown;
			if (isShownValue(share) && isShownValue(base)) known.set(`monthgood:${r}`, shareCount(share, base.value as number));
		}
		set('monthgood:T', view.headlines.goodOrBetter.figure.numerator);
		set(cellId('month', 'T', 'T'), view.headlines.goodOrBetter.figure.denominator);
		if (data.gradesByTheme && view.gradesByTheme) {
			const T = data.gradesByTheme.counts as number[][];
			truthOf('theme', T, 4, truth);
			knownOf('theme', view.gradesByTheme.table, THEMES.length, 4, known);
			lines.push(...tableLines('theme', THEMES.length, 4));
			for (const c of [...range(4), 'T' as const]) lines.push({ members: [cellId('theme', 'T', c)], total: cellId('month', 'T', c) });
			for (const r of range(THEMES.length)) {
				truth.set(`themegood:${r}`, (truth.get(cellId('theme', r, 0)) as number) + (truth.get(cellId('theme', r, 1)) as number));
				lines.push({ members: [cellId('theme', r, 0), cellId('theme', r, 1)], total: `themegood:${r}` });
				const row = view.gradesByTheme.table.rows[r];
				const [share, base] = [row.cells[5] as Shown, row.cells[4] as Shown];
				if (isShownValue(share) && isShownValue(base)) known.set(`themegood:${r}`, shareCount(share, base.value as number));
			}
		}
	}

	// Findings: good (g), below good (b) and all (n), each a table with totals, and n = g + b everywhere.
	const R = AUDIT_CRITERIA.length;
	const A = AGENCIES.length;
	const F = data.findings.findings.counts as number[][];
	const G = data.findings.goodOrBetter.counts as number[][];
	truthOf('fn', F, A, truth);
	truthOf('fg', G, A, truth);
	truthOf('fb', F.map((row, r) => row.map((n, c) => n - G[r][c])), A, truth);
	for (const x of ['fg', 'fb', 'fn']) lines.push(...tableLines(x, R, A));
	for (const r of [...range(R), 'T' as const]) for (const c of [...range(A), 'T' as const]) lines.push({ members: [cellId('fg', r, c), cellId('fb', r, c)], total: cellId('fn', r, c) });
	const criteria = view.findings.grid.rows;
	const agencies = view.findings.grid.columns;
	const listed = new Set<string>();
	for (const row of view.findings.counts.rows) {
		const [who, what] = row.header.split(': ');
		const r = who === 'All criteria' ? 'T' : criteria.indexOf(who);
		const c = what === 'all agencies' ? 'T' : agencies.indexOf(what);
		expect(r === -1 || c === -1, row.header).toBe(false);
		listed.add(`${r},${c}`);
		const [g, b, n, share] = row.cells as Shown[];
		set(cellId('fg', r, c), g);
		set(cellId('fb', r, c), b);
		set(cellId('fn', r, c), n);
		if (isShownValue(share) && isShownValue(n)) known.set(cellId('fg', r, c), shareCount(share, n.value as number));
	}
	// A criterion × agency not listed has no findings (the page says so): known zeros.
	for (const r of range(R)) for (const c of range(A)) if (!listed.has(`${r},${c}`)) for (const x of ['fg', 'fb', 'fn']) known.set(cellId(x, r, c), 0);

	// Actions: a table with totals; the share on time of each row gives its on-time count.
	const AC = data.actions.counts as number[][];
	truthOf('act', AC, 3, truth);
	knownOf('act', view.actions.table, A, 3, known);
	lines.push(...tableLines('act', A, 3));
	view.actions.table.rows.forEach((row, r) => {
		const [share, base] = [row.cells[4] as Shown, row.cells[3] as Shown];
		if (isShownValue(share) && isShownValue(base)) known.set(cellId('act', r === A ? 'T' : r, 0), shareCount(share, base.value as number));
	});
	set(cellId('act', 'T', 0), view.headlines.actionsOnTime.figure.numerator);
	set(cellId('act', 'T', 'T'), view.headlines.actionsOnTime.figure.denominator);

	for (const [id, v] of known) expect(v, `${id} shown`).toBe(truth.get(id));
	return { truth, revealed: workedOut(known, lines), known };
}

function expectSafe(view: AuditsView, data: AuditsData, threshold: number): void {
	expect(smallNumbers(view, notCount(view), threshold)).toEqual([]);
	const { truth, revealed } = attack(view, data);
	for (const [id, v] of revealed) {
		expect(v, id).toBe(truth.get(id));
		expect(v >= 1 && v <= threshold, `${id} = ${v} worked out`).toBe(false);
	}
}

// ------------------------------------------------------------------ tests

const BASE_SPEC: Spec = {
	months: [
		[10, 20, 9, 0],
		[0, 14, 7, 2],
		[8, 11, 0, 0]
	],
	themes: [
		[10, 15, 9, 0],
		[8, 20, 7, 2],
		[0, 10, 0, 0]
	],
	findings: [
		[20, 12, 30, 0], // information sharing: CSC 18 of 20 good (the rest, 2, is small)
		[9, 0, 25, 7],
		[0, 0, 0, 0],
		[14, 8, 10, 0],
		[0, 3, 0, 0],
		[12, 12, 12, 12],
		[0, 0, 0, 0]
	],
	good: [
		[18, 6, 12, 0],
		[9, 0, 10, 7],
		[0, 0, 0, 0],
		[7, 8, 10, 0],
		[0, 3, 0, 0],
		[6, 6, 6, 6],
		[0, 0, 0, 0]
	],
	actions: [
		[20, 3, 7],
		[12, 0, 0],
		[30, 8, 9],
		[0, 0, 4]
	]
};

describe('presentAudits, from hand-made page data', () => {
	const data = pageData(BASE_SPEC);
	const view = presentAudits(data, POLICY, OPTIONS);

	it('shows no count from 1 to the threshold, and nothing suppressed can be worked out', () => {
		expectSafe(view, data, POLICY.threshold);
	});

	it('grades by month: the table and totals as suppressTable has them, the share from shown counts', () => {
		const shown = suppressTable(data.gradesByMonth as CountTable, POLICY);
		const t = view.gradesByMonth?.table as TableData;
		expect(t.columns.map((c) => c.label)).toEqual(['Outstanding', 'Good', 'Requires improvement', 'Inadequate', 'All audits', '% good or outstanding']);
		expect(t.rows.map((r) => r.header)).toEqual(['Apr 2024', 'May 2024', 'Jun 2024', 'All months']);
		expect(t.rows.slice(0, 3).map((r) => r.cells.slice(0, 5))).toEqual(shown.cells.map((row, r) => [...row, shown.rowTotals?.[r]]));
		expect(t.rows[3].cells.slice(0, 5)).toEqual([...(shown.columnTotals ?? []), shown.total]);
		// The inadequate 2 in May, and the cascade protecting it, leave April's and May's counts
		// good or outstanding unknown: no share; June's are both c, but its total (19) less the
		// others (0 and 0) gives them: 100%. The period's (18 + 45 of 81) is known.
		expect(t.rows[1].cells[3]).toEqual({ value: null, symbol: 'c' });
		expect(t.rows.slice(0, 3).map((r) => r.cells[5])).toEqual([
			{ value: null, symbol: 'c' },
			{ value: null, symbol: 'c' },
			{ value: 100, symbol: null }
		]);
		expect((t.rows[3].cells[5] as Shown).value).toBeCloseTo((100 * 63) / 81);
		// Each share shown is of counts shown in its row: outstanding and good, or the total less the others.
		for (const row of t.rows) {
			const [o, g, ri, ia, all, share] = row.cells as Shown[];
			if (share.symbol !== null) continue;
			const good = o.symbol === null && g.symbol === null ? (o.value as number) + (g.value as number) : (all.value as number) - (ri.value as number) - (ia.value as number);
			expect(share.value).toBeCloseTo((100 * good) / (all.value as number));
		}
		expect(view.gradesByMonth?.trend.series[0].points.map((p) => p.label)).toEqual(MONTHS);
		expect(view.gradesByMonth?.trend.series[0].points.map((p) => p.value)).toEqual(t.rows.slice(0, 3).map((r) => (r.cells[5] as Shown).value));
	});

	it('grades by theme agree with grades by month on the totals they share', () => {
		const theme = view.gradesByTheme?.table as TableData;
		const month = view.gradesByMonth?.table as TableData;
		expect(theme.rows.at(-1)?.cells.slice(0, 5)).toEqual(month.rows.at(-1)?.cells.slice(0, 5));
		expect(view.gradesByTheme?.grid.rows).toEqual(['Domestic abuse', 'Neglect', 'Front door']);
	});

	it('the headline share good or outstanding is the month table\'s: its counts are the table\'s totals', () => {
		const month = view.gradesByMonth?.table as TableData;
		expect(view.headlines.goodOrBetter.figure.denominator).toEqual(month.rows[3].cells[4]);
		expect(view.headlines.goodOrBetter.figure.numerator).toEqual({ value: 63, symbol: null });
		expect(view.headlines.goodOrBetter.figure.value.value).toBeCloseTo((100 * 63) / 81);
		expect(view.audits).toEqual({ value: 81, symbol: null });
	});

	it('findings: a share whose rest is small is not shown, even with its count and base large', () => {
		// Information sharing × CSC: 18 of 20 good; the 2 below good would be given away.
		const cell = view.findings.grid.cells[0][0];
		expect(cell).toEqual({ value: null, symbol: 'c' });
		const row = view.findings.counts.rows.find((r) => r.header === 'Information sharing: CSC');
		// The count good or outstanding and the rest are suppressed; all 20 findings can be shown.
		expect(row?.cells).toEqual([
			{ value: null, symbol: 'c' },
			{ value: null, symbol: 'c' },
			{ value: 20, symbol: null },
			{ value: null, symbol: 'c' }
		]);
		// Good or outstanding: all 9 of 9 (the rest 0), shown; 6 of 12 (Police), shown.
		expect(view.findings.grid.cells[1][0]).toEqual({ value: 100, symbol: null });
		expect(view.findings.grid.cells[5][2]).toEqual({ value: 50, symbol: null });
		// No findings: not applicable, not 0%.
		expect(view.findings.grid.cells[2][0]).toEqual({ value: null, symbol: 'z' });
		expect(view.findings.grid.columns).toEqual(['CSC', 'Health trust', 'Police', 'SCH']);
	});

	it('findings: every shown share is its shown count over its shown base', () => {
		for (const row of view.findings.counts.rows) {
			const [g, b, n, share] = row.cells as Shown[];
			if (share.symbol === null) {
				expect(g.symbol ?? b.symbol ?? n.symbol, row.header).toBeNull();
				expect(share.value, row.header).toBeCloseTo((100 * (g.value as number)) / (n.value as number));
				expect((g.value as number) + (b.value as number)).toBe(n.value);
			}
		}
	});

	it('actions: the table with totals, the share on time of shown counts, the headline held to the table', () => {
		const shown = suppressTable(data.actions, POLICY);
		const t = view.actions.table;
		expect(t.columns.map((c) => c.label)).toEqual(['On time', 'Overdue: completed late', 'Overdue: not completed', 'Due in the period', '% on time']);
		expect(t.rows.map((r) => r.header)).toEqual(['CSC', 'Health trust', 'Police', 'SCH', 'All agencies']);
		expect(t.rows[4].cells.slice(0, 4)).toEqual([...(shown.columnTotals ?? []), shown.total]);
		expect(view.headlines.actionsOnTime.figure.numerator).toEqual(shown.columnTotals?.[0]);
		expect(view.headlines.actionsOnTime.figure.denominator).toEqual(shown.total);
		// Each share shown is of counts shown in its row.
		for (const row of t.rows) {
			const [onTime, , , due, share] = row.cells as Shown[];
			if (share.symbol === null) expect(share.value).toBeCloseTo((100 * (onTime.value as number)) / (due.value as number));
			else expect(onTime.symbol ?? due.symbol).not.toBeNull();
		}
	});
});

describe('headlines held to their tables', () => {
	it('good or outstanding: outstanding 4 (c) and good 30, the margin protecting with inadequate: a headline of 34 is c', () => {
		const spec: Spec = {
			...BASE_SPEC,
			months: [
				[4, 10, 20, 7],
				[0, 10, 20, 0],
				[0, 10, 20, 0]
			],
			themes: [
				[4, 30, 60, 7],
				[0, 0, 0, 0],
				[0, 0, 0, 0]
			]
		};
		const data = pageData(spec);
		const view = presentAudits(data, POLICY, OPTIONS);
		const totals = view.gradesByMonth?.table.rows[3].cells as Shown[];
		expect(totals.slice(0, 4)).toEqual([
			{ value: null, symbol: 'c' },
			{ value: 30, symbol: null },
			{ value: 60, symbol: null },
			{ value: null, symbol: 'c' }
		]);
		expect(data.figures.audits_good_or_better_pct.numerator).toBe(34);
		expect(view.headlines.goodOrBetter.figure.numerator).toEqual({ value: null, symbol: 'c' });
		expect(view.headlines.goodOrBetter.figure.value).toEqual({ value: null, symbol: 'c' });
		expect(view.headlines.goodOrBetter.figure.denominator).toEqual({ value: 101, symbol: null });
		expectSafe(view, data, POLICY.threshold);
	});

	it('actions on time: its total suppressed to protect a small total beside it is c in the headline too', () => {
		const spec: Spec = { ...BASE_SPEC, actions: [[8, 3, 40], [0, 0, 0], [0, 0, 0], [0, 0, 0]] };
		const data = pageData(spec);
		const view = presentAudits(data, POLICY, OPTIONS);
		expect(view.actions.table.rows[4].cells[0]).toEqual({ value: null, symbol: 'c' });
		expect(data.figures.audit_actions_on_time_pct.numerator).toBe(8);
		expect(view.headlines.actionsOnTime.figure.numerator).toEqual({ value: null, symbol: 'c' });
		expect(view.headlines.actionsOnTime.figure.value).toEqual({ value: null, symbol: 'c' });
		expectSafe(view, data, POLICY.threshold);
	});
});

describe('under an agency filter', () => {
	const spec = randomSpec(random(7), true);
	const data = pageData(spec);
	const view = presentAudits(data, POLICY, OPTIONS);

	it('overall grades are not applicable: no grade tables, the headline z, its counts z', () => {
		expect(view.gradesApplicable).toBe(false);
		expect(view.gradesByMonth).toBeNull();
		expect(view.gradesByTheme).toBeNull();
		expect(view.audits).toBeNull();
		expect(view.headlines.goodOrBetter.figure).toEqual({
			value: { value: null, symbol: 'z' },
			numerator: { value: null, symbol: 'z' },
			denominator: { value: null, symbol: 'z' }
		});
		expectSafe(view, data, POLICY.threshold);
	});
});

describe('under the publication profile', () => {
	it('every count shown is a multiple of 5, every share a whole number', () => {
		const policy = policyFrom({ profile: 'publication' });
		const view = presentAudits(pageData(randomSpec(random(42))), policy, OPTIONS);
		// Every count shown (every number but rates, shares, medians and settings): a multiple of 5.
		const counts = smallNumbers(view, notCount(view), Number.MAX_SAFE_INTEGER);
		expect(counts.length).toBeGreaterThan(0);
		expect(counts.filter((c) => Number(c.split(' = ')[1]) % 5 !== 0)).toEqual([]);
	});
});

describe('random pages', () => {
	for (const threshold of [3, 5, 10]) {
		it(`threshold ${threshold}: no small count shown or worked out`, () => {
			const policy: DisclosurePolicy = policyFrom({ threshold });
			const rand = random(100 + threshold);
			let shares = 0;
			for (let i = 0; i < 120; i++) {
				const data = pageData(randomSpec(rand, i % 10 === 9));
				const view = presentAudits(data, policy, OPTIONS);
				expectSafe(view, data, threshold);
				shares += view.findings.grid.cells.flat().filter((s) => s.value !== null).length;
			}
			// Not everything suppressed: shares were shown.
			expect(shares).toBeGreaterThan(100);
		});
	}

	it('(the search finds what a share of 18 of 20 gives away)', () => {
		const data = pageData(BASE_SPEC);
		const view = structuredClone(presentAudits(data, POLICY, OPTIONS));
		const row = view.findings.counts.rows.find((r) => r.header === 'Information sharing: CSC');
		if (!row) throw new Error('no row');
		row.cells = [{ value: null, symbol: 'c' }, { value: null, symbol: 'c' }, { value: 20, symbol: null }, { value: 90, symbol: null }];
		const { revealed } = attack(view, data);
		expect(revealed.get('fb:0,0')).toBe(2);
	});
});

describe('presentAudits, from a warehouse (the page data\'s own extract)', () => {
	const finding = (audit_id: string, agency_code: string, criterion: string, grade: string) => ({ audit_id, agency_code, criterion, grade });
	const DATA = extract({
		audits: [audit('au1', K1, '2024-04-10', 'good'), { ...audit('au2', K3, '2024-05-15', 'requires_improvement'), theme: 'domestic_abuse' }, audit('au3', null, '2024-05-20', 'outstanding')],
		audit_findings: [
			finding('au1', 'POL', 'information_sharing', 'good'),
			finding('au1', 'HLT', 'information_sharing', 'inadequate'),
			finding('au2', 'CSC', 'risk_assessment', 'good')
		],
		audit_actions: [action('ac1', 'au1', 'POL', '2024-04-30', '2024-04-29'), action('ac2', 'au1', 'HLT', '2024-05-31', '2024-06-02'), action('ac3', 'au2', 'POL', '2024-06-15', null)]
	});
	let t: TestWarehouse;
	beforeAll(async () => {
		t = await createTestWarehouse(DATA);
	});
	afterAll(async () => t.dispose());

	it('every count is small here: c, zeros 0, shares c', async () => {
		const data = await auditsPage(t.warehouse, { from: '2024-04-01', to: '2024-06-30' });
		const view = presentAudits(data, POLICY, OPTIONS);
		expect(smallNumbers(view, notCount(view), POLICY.threshold)).toEqual([]);
		expect(view.audits).toEqual({ value: null, symbol: 'c' });
		expect(view.headlines.goodOrBetter.figure.value.symbol).toBe('c');
		expect(view.findings.grid.cells.flat().every((s) => s.symbol === 'c' || s.symbol === 'z')).toBe(true);
		expect(view.gradesByMonth?.table.rows[2].cells.slice(0, 5)).toEqual([0, 0, 0, 0, 0].map(() => ({ value: 0, symbol: null })));
		expect(JSON.parse(JSON.stringify(view))).toEqual(view);
	});

	it('under an agency filter: overall grades not applicable', async () => {
		const data = await auditsPage(t.warehouse, { from: '2024-04-01', to: '2024-06-30', agency: 'POL' });
		const view = presentAudits(data, POLICY, OPTIONS);
		expect(view.gradesApplicable).toBe(false);
		expect(view.headlines.goodOrBetter.figure.value.symbol).toBe('z');
		expect(view.findings.grid.columns).toEqual(['Police']);
	});
});

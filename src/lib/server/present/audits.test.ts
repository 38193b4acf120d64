/**
 * The audits page as presented: no count from 1 to the threshold anywhere; each headline the
 * metric's own figure, as the JSON API answers it (`suppressMetric`), with the grade and
 * action tables protected against it (never the headline suppressed to suit a table); shares
 * only from shown counts; findings good or outstanding never giving away a suppressed count
 * through the rest (all findings less those); overall grades not applicable under an agency
 * filter. And nothing suppressed recoverable beyond what the headlines give on their own: a
 * search follows every "these add up to that" the page implies (a share beside its base gives
 * its count too) until nothing more can be worked out.
 *
 * Rules 1 to 6 over hand-made counts under a policy without the cell key method (exact
 * counts); under a deployment's policy (rule 7), with random cell keys, every count shown is
 * perturbed by its own key (a total's: its cells' keys added), and the search is made as if the
 * perturbation could be seen through (the true counts of every figure shown).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditsPage, type AuditsData } from '../dashboard/audits.ts';
import { cellKeySum, perturbed, policyFrom, showCount, suppressMetric, suppressMetricSet, suppressTable } from '../disclosure/index.ts';
import type { CountTable, DisclosurePolicy, Shown } from '../disclosure/types.ts';
import { computeMetrics, type MetricValue } from '../metrics/compute.ts';
import { action, audit, extract, K1, K2, K3 } from '../metrics/test-fixtures.ts';
import { createTestWarehouse, type TestWarehouse } from '../metrics/test-helpers.ts';
import { AUDIT_CRITERIA, GRADES } from '../schema/codes.ts';
import type { TableData } from '../../components/charts/types.ts';
import { presentAudits, type AuditsView } from './audits.ts';
import { fullSet } from './common.ts';

/** Rules 1 to 6 alone: exact counts (for the tests over hand-made counts). */
const RULES: DisclosurePolicy = { ...policyFrom({}), cellKey: false };
/** A deployment's policy: the cell key method on. */
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
const table = (rows: readonly string[], columns: readonly string[], counts: number[][], keys?: number[][]): CountTable => ({
	rows: [...rows],
	columns: [...columns],
	counts,
	...(keys ? { keys } : {}),
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

/** A random cell key. */
const anyKey = (rand: () => number) => Math.floor(rand() * 256);

/** Random cell keys for counts (a zero's: 0, as `countTable` has it). */
function randomKeys(counts: readonly (readonly number[])[], rand: () => number): number[][] {
	return counts.map((row) => row.map((n) => (n === 0 ? 0 : anyKey(rand))));
}

/** Cell keys for counts of the same rows as a figure keyed `target`: random, the last non-zero count's making up the rest. */
function keysAddingTo(counts: readonly number[], target: number, rand: () => number): number[] {
	const keys = counts.map((n) => (n === 0 ? 0 : anyKey(rand)));
	const last = counts.findLastIndex((n) => n !== 0);
	if (last >= 0) keys[last] = (((target - cellKeySum(keys.filter((_, i) => i !== last))) % 256) + 256) % 256;
	return keys;
}

const columnOf = <T>(rows: readonly (readonly T[])[], c: number): T[] => rows.map((row) => row[c]);

/**
 * Page data as `auditsPage` gives it, from counts. With `rand`, every count carries a cell
 * key, as the warehouse gives them: the figures that count the same rows keyed alike (the
 * theme table's grade totals as the month table's, the headlines' counts as the tables'
 * totals, all findings as good or outstanding and below good together), every other at random.
 */
function pageData(spec: Spec, rand?: () => number): AuditsData {
	const columnTotal = (counts: number[][], c: number) => sum(counts.map((row) => row[c]));
	const audits = spec.months ? sum(spec.months.flat()) : 0;
	const goodAudits = spec.months ? columnTotal(spec.months, 0) + columnTotal(spec.months, 1) : 0;
	const keys = rand
		? (() => {
				const months = spec.months ? randomKeys(spec.months, rand) : null;
				const themeColumns = spec.themes && months ? GRADES.map((_, c) => keysAddingTo(columnOf(spec.themes!, c), cellKeySum(columnOf(months, c)), rand)) : null;
				const good = randomKeys(spec.good, rand);
				const below = randomKeys(spec.findings.map((row, r) => row.map((n, c) => n - spec.good[r][c])), rand);
				const actions = randomKeys(spec.actions, rand);
				return {
					months,
					themes: themeColumns && spec.themes!.map((_, r) => themeColumns.map((col) => col[r])),
					good,
					all: good.map((row, r) => row.map((k, c) => (k + below[r][c]) % 256)),
					actions,
					figures: {
						good: months && { numerator: cellKeySum([...columnOf(months, 0), ...columnOf(months, 1)]), denominator: cellKeySum(months.flat()), value: null },
						onTime: { numerator: cellKeySum(columnOf(actions, 0)), denominator: cellKeySum(actions.flat()), value: null }
					}
				};
			})()
		: null;
	const keyed = (v: MetricValue, k: MetricValue['keys'] | null | undefined): MetricValue => (k ? { ...v, keys: k } : v);
	return {
		period: { from: '2024-04-01', to: '2024-06-30' },
		filters: { area: null, agency: spec.months ? null : 'POL', sector: null },
		figures: {
			audits_good_or_better_pct: spec.months ? keyed(ratio(goodAudits, audits), keys?.figures.good) : m({ status: 'z' }),
			audit_actions_on_time_pct: keyed(ratio(columnTotal(spec.actions, 0), sum(spec.actions.flat())), keys?.figures.onTime)
		},
		trend: [],
		gradesByMonth: spec.months ? table(MONTHS, GRADES, spec.months, keys?.months ?? undefined) : null,
		gradesByTheme: spec.themes ? table(THEMES, GRADES, spec.themes, keys?.themes ?? undefined) : null,
		findings: {
			findings: table(AUDIT_CRITERIA, AGENCIES, spec.findings, keys?.all),
			goodOrBetter: table(AUDIT_CRITERIA, AGENCIES, spec.good, keys?.good)
		},
		actions: table(AGENCIES, ['on_time', 'completed_late', 'not_completed'], spec.actions, keys?.actions)
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

const shareCount = (share: Shown, base: number) => Math.round(((share.value as number) * base) / 100);

/**
 * Everything the page shows as known figures, the lines between them, and the truth. Without
 * the cell key method every figure shown must be its true count; with it, the figures shown
 * are taken at their true counts all the same (as if the perturbation could be seen through),
 * so that the suppression alone is tested. `inherent`: what the headlines (shown as the JSON API
 * shows them, whatever the tables) and the zeros give on their own, which no suppression of
 * the tables can hide.
 */
function attack(view: AuditsView, data: AuditsData, policy: DisclosurePolicy = RULES): { truth: Map<string, number>; revealed: Map<string, number>; inherent: Map<string, number> } {
	const exact = policy.cellKey !== true && policy.profile !== 'publication';
	const known = new Map<string, number>();
	const truth = new Map<string, number>();
	const lines: Line[] = [];
	const headlines = new Set<string>();
	const R = AUDIT_CRITERIA.length;
	const A = data.findings.findings.columns.length;
	const AA = data.actions.rows.length;

	// The truth first.
	const M = data.gradesByMonth?.counts as number[][] | undefined;
	const months = M?.length ?? 0;
	const themes = data.gradesByTheme?.rows.length ?? 0;
	if (M) {
		truthOf('month', M, 4, truth);
		for (const r of [...range(months), 'T' as const]) truth.set(`monthgood:${r}`, (truth.get(cellId('month', r, 0)) as number) + (truth.get(cellId('month', r, 1)) as number));
	}
	const T = data.gradesByTheme?.counts as number[][] | undefined;
	if (T) {
		truthOf('theme', T, 4, truth);
		for (const r of range(themes)) truth.set(`themegood:${r}`, (truth.get(cellId('theme', r, 0)) as number) + (truth.get(cellId('theme', r, 1)) as number));
	}
	const F = data.findings.findings.counts as number[][];
	const G = data.findings.goodOrBetter.counts as number[][];
	truthOf('fn', F, A, truth);
	truthOf('fg', G, A, truth);
	truthOf('fb', F.map((row, r) => row.map((n, c) => n - G[r][c])), A, truth);
	const AC = data.actions.counts as number[][];
	truthOf('act', AC, 3, truth);

	const see = (id: string, s: unknown, value = (s as Shown | null)?.value) => {
		if (!isShownValue(s)) return;
		if (exact) expect(value, `${id} shown`).toBe(truth.get(id));
		known.set(id, truth.get(id) as number);
	};
	const seeTable = (name: string, table: TableData, rows: number, columns: number) =>
		table.rows.forEach((row, r) => row.cells.slice(0, columns + 1).forEach((cell, c) => see(cellId(name, r === rows ? 'T' : r, c === columns ? 'T' : c), cell)));
	const seeHeadline = (id: string, s: Shown) => {
		see(id, s);
		if (isShownValue(s)) headlines.add(id);
	};

	// Grades: both tables, their shared totals, the share good or outstanding of each row, the headline.
	if (M && view.gradesByMonth) {
		seeTable('month', view.gradesByMonth.table, months, 4);
		lines.push(...tableLines('month', months, 4));
		for (const r of [...range(months), 'T' as const]) {
			lines.push({ members: [cellId('month', r, 0), cellId('month', r, 1)], total: `monthgood:${r}` });
			const row = view.gradesByMonth.table.rows[r === 'T' ? months : r];
			const [share, base] = [row.cells[5] as Shown, row.cells[4] as Shown];
			if (isShownValue(share) && isShownValue(base)) see(`monthgood:${r}`, share, shareCount(share, base.value as number));
		}
		// Good or outstanding, with requires improvement and inadequate: every audit.
		lines.push({ members: ['monthgood:T', cellId('month', 'T', 2), cellId('month', 'T', 3)], total: cellId('month', 'T', 'T') });
		seeHeadline('monthgood:T', view.headlines.goodOrBetter.figure.numerator);
		seeHeadline(cellId('month', 'T', 'T'), view.headlines.goodOrBetter.figure.denominator);
		if (T && view.gradesByTheme) {
			seeTable('theme', view.gradesByTheme.table, themes, 4);
			lines.push(...tableLines('theme', themes, 4));
			for (const c of [...range(4), 'T' as const]) lines.push({ members: [cellId('theme', 'T', c)], total: cellId('month', 'T', c) });
			for (const r of range(themes)) {
				lines.push({ members: [cellId('theme', r, 0), cellId('theme', r, 1)], total: `themegood:${r}` });
				const row = view.gradesByTheme.table.rows[r];
				const [share, base] = [row.cells[5] as Shown, row.cells[4] as Shown];
				if (isShownValue(share) && isShownValue(base)) see(`themegood:${r}`, share, shareCount(share, base.value as number));
			}
		}
	}

	// Findings: good (g), below good (b) and all (n), each a table with totals, and n = g + b everywhere.
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
		see(cellId('fg', r, c), g);
		see(cellId('fb', r, c), b);
		see(cellId('fn', r, c), n);
		if (isShownValue(share) && isShownValue(n)) see(cellId('fg', r, c), share, shareCount(share, n.value as number));
	}
	// A criterion × agency not listed has no findings (the page says so): known zeros.
	for (const r of range(R)) for (const c of range(A)) if (!listed.has(`${r},${c}`)) for (const x of ['fg', 'fb', 'fn']) known.set(cellId(x, r, c), 0);

	// Actions: a table with totals; the share on time of each row gives its on-time count.
	seeTable('act', view.actions.table, AA, 3);
	lines.push(...tableLines('act', AA, 3));
	view.actions.table.rows.forEach((row, r) => {
		const [share, base] = [row.cells[4] as Shown, row.cells[3] as Shown];
		if (isShownValue(share) && isShownValue(base)) see(cellId('act', r === AA ? 'T' : r, 0), share, shareCount(share, base.value as number));
	});
	seeHeadline(cellId('act', 'T', 0), view.headlines.actionsOnTime.figure.numerator);
	seeHeadline(cellId('act', 'T', 'T'), view.headlines.actionsOnTime.figure.denominator);

	// What the headlines shown and the zeros give on their own.
	const free = new Map<string, number>();
	for (const [id, v] of truth) if (v === 0 && !/good:/.test(id)) free.set(id, 0);
	for (const id of headlines) free.set(id, truth.get(id) as number);
	return { truth, revealed: workedOut(known, lines), inherent: workedOut(free, lines) };
}

/** Every percentage the view shows (headlines, trends, share columns, the findings' grid). */
function percentages(view: AuditsView): number[] {
	const values = (shown: readonly ({ value: number | null } | null | undefined)[]) => shown.flatMap((s) => (s && s.value !== null ? [s.value] : []));
	const column = (t: TableData | undefined, i: number) => (t ? t.rows.map((row) => row.cells[i] as Shown) : []);
	return [
		...values([view.headlines.goodOrBetter.figure.value, view.headlines.actionsOnTime.figure.value]),
		...values(view.gradesByMonth?.trend.series[0].points ?? []),
		...values(column(view.gradesByMonth?.table, 5)),
		...values(column(view.gradesByTheme?.table, 5)),
		...values(view.findings.grid.cells.flat()),
		...values(column(view.findings.counts, 3)),
		...values(column(view.actions.table, 4))
	];
}

/** No count from 1 to the threshold shown, none worked out but what the headlines give on their own, no percentage over 100. */
function expectSafe(view: AuditsView, data: AuditsData, policy: DisclosurePolicy): void {
	expect(smallNumbers(view, notCount(view), policy.threshold)).toEqual([]);
	const { truth, revealed, inherent } = attack(view, data, policy);
	for (const [id, v] of revealed) {
		expect(v, id).toBe(truth.get(id));
		if (v >= 1 && v <= policy.threshold) expect(inherent.has(id), `${id} = ${v} worked out`).toBe(true);
	}
	expect(percentages(view).filter((p) => p > 100)).toEqual([]);
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
	const view = presentAudits(data, RULES, OPTIONS);

	it('shows no count from 1 to the threshold, and nothing suppressed can be worked out', () => {
		expectSafe(view, data, RULES);
	});

	it('grades by month: the table and totals as suppressTable has them (the headline needs no more here), the share from shown counts', () => {
		const shown = suppressTable(data.gradesByMonth as CountTable, RULES);
		const t = view.gradesByMonth?.table as TableData;
		expect(t.columns.map((c) => c.label)).toEqual(['Outstanding', 'Good', 'Requires improvement', 'Inadequate', 'All audits', '% good or outstanding']);
		expect(t.rows.map((r) => r.header)).toEqual(['Apr 2024', 'May 2024', 'Jun 2024', 'All months']);
		expect(t.rows.slice(0, 3).map((r) => r.cells.slice(0, 5))).toEqual(shown.cells.map((row, r) => [...row, shown.rowTotals?.[r]]));
		expect(t.rows[3].cells.slice(0, 5)).toEqual([...(shown.columnTotals ?? []), shown.total]);
		// The inadequate 2 in May, and the cascade protecting it, leave April's and May's counts
		// good or outstanding unknown: no share; June's are both c, but its total (19) less the
		// others (0 and 0) gives them: 100%. The period's (18 + 45 of 81) is the headline's.
		expect(t.rows[1].cells[3]).toEqual({ value: null, symbol: 'c' });
		expect(t.rows.slice(0, 3).map((r) => r.cells[5])).toEqual([
			{ value: null, symbol: 'c' },
			{ value: null, symbol: 'c' },
			{ value: 100, symbol: null }
		]);
		expect((t.rows[3].cells[5] as Shown).value).toBeCloseTo((100 * 63) / 81);
		expect(t.rows[3].cells[5]).toEqual(view.headlines.goodOrBetter.figure.value);
		// Each share shown is of counts shown in its row: outstanding and good, or the total less the others.
		for (const row of t.rows.slice(0, 3)) {
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
		expect(theme.rows.at(-1)?.cells.slice(0, 6)).toEqual(month.rows.at(-1)?.cells.slice(0, 6));
		expect(view.gradesByTheme?.grid.rows).toEqual(['Domestic abuse', 'Neglect', 'Front door']);
	});

	it('the headline share good or outstanding is the metric\'s own, its denominator the month table\'s total', () => {
		const month = view.gradesByMonth?.table as TableData;
		expect(view.headlines.goodOrBetter.figure).toEqual(suppressMetric('audits_good_or_better_pct', data.figures.audits_good_or_better_pct, RULES));
		expect(view.headlines.goodOrBetter.figure.denominator).toEqual(month.rows[3].cells[4]);
		expect(view.headlines.goodOrBetter.figure.numerator).toEqual({ value: 63, symbol: null });
		expect(view.headlines.goodOrBetter.figure.value.value).toBeCloseTo((100 * 63) / 81);
		expect(view.headlines.goodOrBetter.note).toBeNull();
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

	it('actions: the table with totals, the share on time of shown counts, the headline the metric\'s own', () => {
		const shown = suppressTable(data.actions, RULES);
		const t = view.actions.table;
		expect(t.columns.map((c) => c.label)).toEqual(['On time', 'Overdue: completed late', 'Overdue: not completed', 'Due in the period', '% on time']);
		expect(t.rows.map((r) => r.header)).toEqual(['CSC', 'Health trust', 'Police', 'SCH', 'All agencies']);
		expect(t.rows[4].cells.slice(0, 4)).toEqual([...(shown.columnTotals ?? []), shown.total]);
		expect(view.headlines.actionsOnTime.figure).toEqual(suppressMetric('audit_actions_on_time_pct', data.figures.audit_actions_on_time_pct, RULES));
		expect(view.headlines.actionsOnTime.figure.numerator).toEqual(shown.columnTotals?.[0]);
		expect(view.headlines.actionsOnTime.figure.denominator).toEqual(shown.total);
		expect(t.rows[4].cells[4]).toEqual(view.headlines.actionsOnTime.figure.value);
		// Each share shown is of counts shown in its row.
		for (const row of t.rows.slice(0, 4)) {
			const [onTime, , , due, share] = row.cells as Shown[];
			if (share.symbol === null) expect(share.value).toBeCloseTo((100 * (onTime.value as number)) / (due.value as number));
			else expect(onTime.symbol ?? due.symbol).not.toBeNull();
		}
	});
});

describe('the headlines: the metrics\' own figures, as the JSON API gives them; the tables protected against them', () => {
	// Outstanding 4 (c) and good 30: a headline of 34 good or outstanding would give the 4 away beside the 30.
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

	it('good or outstanding: the headline 34 of 101 is shown (suppressMetric\'s); the good total 30 is c in the tables instead', () => {
		const data = pageData(spec);
		const view = presentAudits(data, RULES, OPTIONS);
		expect(data.figures.audits_good_or_better_pct.numerator).toBe(34);
		expect(view.headlines.goodOrBetter.figure).toEqual(suppressMetric('audits_good_or_better_pct', data.figures.audits_good_or_better_pct, RULES));
		expect(view.headlines.goodOrBetter.figure.numerator).toEqual({ value: 34, symbol: null });
		expect(view.headlines.goodOrBetter.figure.denominator).toEqual({ value: 101, symbol: null });
		const totals = view.gradesByMonth?.table.rows[3].cells as Shown[];
		expect(totals[0]).toEqual({ value: null, symbol: 'c' });
		expect(totals[1]).toEqual({ value: null, symbol: 'c' });
		expect(totals[4]).toEqual({ value: 101, symbol: null });
		// Alone, the month table would have shown the good total.
		expect(suppressTable(data.gradesByMonth as CountTable, RULES).columnTotals?.[1]).toEqual({ value: 30, symbol: null });
		expect(view.gradesByTheme?.table.rows[3].cells.slice(0, 5)).toEqual(totals.slice(0, 5));
		expectSafe(view, data, RULES);
		// (The search finds what the good total beside the headline would give away.)
		const leaky = structuredClone(view);
		(leaky.gradesByMonth as { table: TableData }).table.rows[3].cells[1] = { value: 30, symbol: null };
		expect(attack(leaky, data).revealed.get(cellId('month', 'T', 0))).toBe(4);
	});

	it('the page\'s headline is the API\'s answer for the same figures, with a grade cell suppressed in the table, under a deployment\'s policy', () => {
		for (let seed = 0; seed < 20; seed++) {
			const data = pageData(spec, random(seed));
			const view = presentAudits(data, POLICY, OPTIONS);
			// The API (/api/metrics) answers one figure standing alone: suppressMetricSet, suppressMetric for each.
			const api = suppressMetricSet(fullSet(data.figures), POLICY);
			expect(view.headlines.goodOrBetter.figure).toEqual(api.audits_good_or_better_pct);
			expect(view.headlines.actionsOnTime.figure).toEqual(api.audit_actions_on_time_pct);
			const keys = data.figures.audits_good_or_better_pct.keys!;
			expect(view.headlines.goodOrBetter.figure.numerator).toEqual({ value: perturbed(34, keys.numerator!, 5), symbol: null });
			expect(view.headlines.goodOrBetter.figure.denominator).toEqual({ value: perturbed(101, keys.denominator!, 5), symbol: null });
			// A grade cell suppressed in the table beside it (the outstanding 4), and the good total with it.
			expect(view.gradesByMonth?.table.rows[0].cells[0]).toEqual({ value: null, symbol: 'c' });
			expect((view.gradesByMonth?.table.rows[3].cells as Shown[]).slice(0, 2)).toEqual([{ value: null, symbol: 'c' }, { value: null, symbol: 'c' }]);
			// The audits in the period: the same rows, the same key, the same shown number.
			expect(view.audits).toEqual(view.headlines.goodOrBetter.figure.denominator);
			expectSafe(view, data, POLICY);
		}
	});

	it('actions on time: the headline 8 of 51, the table\'s on time total the same figure; the 40 not completed c to protect the 3 late', () => {
		const data = pageData({ ...BASE_SPEC, actions: [[8, 3, 40], [0, 0, 0], [0, 0, 0], [0, 0, 0]] });
		const view = presentAudits(data, RULES, OPTIONS);
		expect(view.headlines.actionsOnTime.figure).toEqual(suppressMetric('audit_actions_on_time_pct', data.figures.audit_actions_on_time_pct, RULES));
		expect(view.headlines.actionsOnTime.figure.numerator).toEqual({ value: 8, symbol: null });
		expect(view.actions.table.rows[4].cells.slice(0, 4)).toEqual([
			{ value: 8, symbol: null },
			{ value: null, symbol: 'c' },
			{ value: null, symbol: 'c' },
			{ value: 51, symbol: null }
		]);
		expectSafe(view, data, RULES);
	});

	it('a headline that is c (a count from 1 to the threshold) says why in words', () => {
		const small = pageData({ ...BASE_SPEC, actions: [[3, 0, 12], [0, 0, 0], [0, 0, 0], [0, 0, 0]] }, random(1));
		const view = presentAudits(small, POLICY, OPTIONS);
		expect(view.headlines.actionsOnTime.figure.value).toEqual({ value: null, symbol: 'c' });
		expect(view.headlines.actionsOnTime.note).toBe('c: fewer than 6 actions completed on time, not shown to protect confidentiality');
		const few = pageData({ ...BASE_SPEC, months: [[1, 1, 1, 0], [0, 0, 0, 0], [0, 0, 0, 0]], themes: [[1, 1, 1, 0], [0, 0, 0, 0], [0, 0, 0, 0]] }, random(2));
		const fewView = presentAudits(few, { ...POLICY, threshold: 3 }, OPTIONS);
		expect(fewView.headlines.goodOrBetter.figure.denominator).toEqual({ value: null, symbol: 'c' });
		expect(fewView.headlines.goodOrBetter.note).toBe('c: fewer than 4 audits in the period, not shown to protect confidentiality');
		expect(presentAudits(pageData(BASE_SPEC), RULES, OPTIONS).headlines.actionsOnTime.note).toBeNull();
	});
});

describe('under an agency filter', () => {
	const spec = randomSpec(random(7), true);
	const data = pageData(spec);
	const view = presentAudits(data, RULES, OPTIONS);

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
		expect(view.headlines.goodOrBetter.note).toBeNull();
		expectSafe(view, data, RULES);
	});
});

describe('under the publication profile', () => {
	it('every count shown is a multiple of 5, every share a whole number', () => {
		for (const policy of [{ ...policyFrom({ profile: 'publication' }), cellKey: false }, policyFrom({ profile: 'publication' })]) {
			const rand = random(42);
			const view = presentAudits(pageData(randomSpec(rand), rand), policy, OPTIONS);
			// Every count shown (every number but rates, shares, medians and settings): a multiple of 5.
			const counts = smallNumbers(view, notCount(view), Number.MAX_SAFE_INTEGER);
			expect(counts.length).toBeGreaterThan(0);
			expect(counts.filter((c) => Number(c.split(' = ')[1]) % 5 !== 0)).toEqual([]);
			expect(percentages(view).filter((p) => !Number.isInteger(p))).toEqual([]);
		}
	});
});

/** Every count of a shown data table (with a totals row and column): `c`, or as `showCount` shows it by its own key (a total's: its cells' keys added). */
function expectKeyed(shown: TableData, table: CountTable, policy: DisclosurePolicy): void {
	const keys = table.keys as number[][];
	const R = table.rows.length;
	const C = table.columns.length;
	const counts = table.counts as number[][];
	shown.rows.forEach((row, r) =>
		(row.cells as Shown[]).slice(0, C + 1).forEach((s, c) => {
			if (s.symbol === 'c') return;
			const rows = r === R ? range(R) : [r];
			const columns = c === C ? range(C) : [c];
			const n = sum(rows.flatMap((i) => columns.map((j) => counts[i][j])));
			const key = cellKeySum(rows.flatMap((i) => columns.map((j) => keys[i][j])));
			expect(s, `${r},${c}`).toEqual(showCount(n, false, policy, key));
		})
	);
}

describe('under a deployment\'s policy: every count perturbed by its own cell key', () => {
	const data = pageData(BASE_SPEC, random(5));
	const view = presentAudits(data, POLICY, OPTIONS);

	it('grades and actions: each cell by its own key, each total by its cells\' keys added; the same suppression as without the method', () => {
		expectKeyed(view.gradesByMonth!.table, data.gradesByMonth!, POLICY);
		expectKeyed(view.gradesByTheme!.table, data.gradesByTheme!, POLICY);
		expectKeyed(view.actions.table, data.actions, POLICY);
		const exact = presentAudits(pageData(BASE_SPEC), RULES, OPTIONS);
		const symbols = (v: AuditsView) => JSON.stringify([v.gradesByMonth?.table, v.gradesByTheme?.table, v.findings.counts, v.actions.table], (k, x) => (k === 'value' ? undefined : x));
		expect(symbols(view)).toEqual(symbols(exact));
	});

	it('findings: good or outstanding, below good and all, each by its own key (below good\'s: all\'s less good\'s)', () => {
		const G = data.findings.goodOrBetter;
		const F = data.findings.findings;
		const keyOf = (t: CountTable, r: number, c: number) => (t.keys as number[][])[r][c];
		for (const row of view.findings.counts.rows) {
			const [who, what] = row.header.split(': ');
			const r = view.findings.grid.rows.indexOf(who);
			const c = view.findings.grid.columns.indexOf(what);
			if (r < 0 || c < 0) continue;
			const [g, b, n, share] = row.cells as Shown[];
			const [gn, nn] = [G.counts[r][c] as number, F.counts[r][c] as number];
			const [gk, nk] = [keyOf(G, r, c), keyOf(F, r, c)];
			if (isShownValue(g)) expect(g).toEqual(showCount(gn, false, POLICY, gk));
			if (isShownValue(n)) expect(n).toEqual(showCount(nn, false, POLICY, nk));
			if (isShownValue(b)) expect(b).toEqual(showCount(nn - gn, false, POLICY, (((nk - gk) % 256) + 256) % 256));
			if (isShownValue(share)) {
				const [pg, pn] = [gn === 0 ? 0 : perturbed(gn, gk, 5), perturbed(nn, nk, 5)];
				expect(share.value).toBeCloseTo((100 * Math.min(pg, pn)) / pn);
			}
		}
	});

	it('no count from 1 to the threshold, nothing suppressed worked out (even through the perturbation), no percentage over 100', () => {
		expectSafe(view, data, POLICY);
	});
});

describe('random pages', () => {
	for (const threshold of [3, 5, 10]) {
		for (const method of [false, true]) {
			it(`threshold ${threshold}${method ? ', the cell key method (random keys)' : ''}: no small count shown or worked out, the headlines the metrics' own`, () => {
				const policy: DisclosurePolicy = { ...policyFrom({ threshold }), cellKey: method };
				const rand = random(100 + threshold);
				let shares = 0;
				for (let i = 0; i < 120; i++) {
					const data = pageData(randomSpec(rand, i % 10 === 9), method ? rand : undefined);
					const view = presentAudits(data, policy, OPTIONS);
					expectSafe(view, data, policy);
					expect(view.headlines.goodOrBetter.figure).toEqual(suppressMetric('audits_good_or_better_pct', data.figures.audits_good_or_better_pct, policy));
					expect(view.headlines.actionsOnTime.figure).toEqual(suppressMetric('audit_actions_on_time_pct', data.figures.audit_actions_on_time_pct, policy));
					shares += view.findings.grid.cells.flat().filter((s) => s.value !== null).length;
				}
				// Not everything suppressed: shares were shown.
				expect(shares).toBeGreaterThan(100);
			});
		}
	}

	it('(the search finds what a share of 18 of 20 gives away)', () => {
		const data = pageData(BASE_SPEC);
		const view = structuredClone(presentAudits(data, RULES, OPTIONS));
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

	it('every count is small here: c, zeros 0, shares c; the headline says why it is c', async () => {
		const data = await auditsPage(t.warehouse, { from: '2024-04-01', to: '2024-06-30' });
		const view = presentAudits(data, POLICY, OPTIONS);
		expect(smallNumbers(view, notCount(view), POLICY.threshold)).toEqual([]);
		expect(view.audits).toEqual({ value: null, symbol: 'c' });
		expect(view.headlines.goodOrBetter.figure.value.symbol).toBe('c');
		expect(view.headlines.goodOrBetter.note).toBe('c: fewer than 6 audits in the period, not shown to protect confidentiality');
		expect(view.findings.grid.cells.flat().every((s) => s.symbol === 'c' || s.symbol === 'z')).toBe(true);
		expect(view.gradesByMonth?.table.rows[2].cells.slice(0, 5)).toEqual([0, 0, 0, 0, 0].map(() => ({ value: 0, symbol: null })));
		expect(JSON.parse(JSON.stringify(view))).toStrictEqual(view);
	});

	it('under an agency filter: overall grades not applicable', async () => {
		const data = await auditsPage(t.warehouse, { from: '2024-04-01', to: '2024-06-30', agency: 'POL' });
		const view = presentAudits(data, POLICY, OPTIONS);
		expect(view.gradesApplicable).toBe(false);
		expect(view.headlines.goodOrBetter.figure.value.symbol).toBe('z');
		expect(view.findings.grid.columns).toEqual(['Police']);
	});
});

describe('presentAudits, from a warehouse with enough audits to show: the page and the JSON API agree', () => {
	// 40 audits in April to June 2024: 30 good or outstanding, 2 inadequate (a grade total of 1 to 5).
	const grades = [...Array(40).keys()].map((i) => (i < 12 ? 'outstanding' : i < 30 ? 'good' : i < 38 ? 'requires_improvement' : 'inadequate'));
	const DATA = extract({
		audits: grades.map((grade, i) => audit(`au${i}`, [K1, K2, K3][i % 3], `2024-0${4 + (i % 3)}-${String(1 + (i % 27)).padStart(2, '0')}`, grade)),
		audit_actions: [...Array(30).keys()].map((i) => action(`ac${i}`, `au${i}`, ['POL', 'HLT', 'CSC'][i % 3], '2024-05-31', i < 22 ? '2024-05-30' : i < 27 ? '2024-06-10' : null))
	});
	let t: TestWarehouse;
	beforeAll(async () => {
		t = await createTestWarehouse(DATA);
	});
	afterAll(async () => t.dispose());

	it('each headline is what the API answers for the metric (perturbed by its own key), the tables protected against it', async () => {
		const q = { from: '2024-04-01', to: '2024-06-30' };
		const whole = await computeMetrics(t.warehouse, q);
		if (whole.by !== null) throw new Error('expected the whole');
		const data = await auditsPage(t.warehouse, q);
		for (const policy of [POLICY, policyFrom({ profile: 'publication' })]) {
			const api = suppressMetricSet(whole.metrics, policy);
			const view = presentAudits(data, policy, OPTIONS);
			expect(view.headlines.goodOrBetter.figure).toEqual(api.audits_good_or_better_pct);
			expect(view.headlines.actionsOnTime.figure).toEqual(api.audit_actions_on_time_pct);
			expect(view.headlines.goodOrBetter.figure.numerator.symbol).toBeNull();
			// The same rows give the same shown number: the audits in the period, in the table and the headline.
			expect(view.audits).toEqual(api.audits_good_or_better_pct.denominator);
			expect(view.actions.table.rows.at(-1)?.cells[3]).toEqual(api.audit_actions_on_time_pct.denominator);
			// The inadequate total (2) is c, and protected from the headline beside it.
			expect(view.gradesByMonth?.table.rows[3].cells[3]).toEqual({ value: null, symbol: 'c' });
			// (Publication rounding writes a count of 6 or 7 as 5: the search is of the dashboard's figures.)
			if (policy.profile === 'dashboard') expectSafe(view, data, policy);
		}
	});
});

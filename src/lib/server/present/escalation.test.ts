/**
 * The escalation page as presented: no count from 1 to the threshold anywhere, tables as
 * `suppressTable` protects them, headline counts held to the tables that show them, and
 * nothing suppressed recoverable from what is shown (a search that follows every "these add
 * up to that" the page implies, as someone with the page in front of them could).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escalationPage, OUTCOMES, RESOLUTION_BINS, type EscalationData } from '../dashboard/escalation.ts';
import { policyFrom, suppressTable } from '../disclosure/index.ts';
import type { CountTable, DisclosurePolicy, Shown } from '../disclosure/types.ts';
import type { MetricValue } from '../metrics/compute.ts';
import { escalation, extract, K1, K2, K3, K6, referral } from '../metrics/test-fixtures.ts';
import { createTestWarehouse, type TestWarehouse } from '../metrics/test-helpers.ts';
import type { TableData } from '../../components/charts/types.ts';
import { hiddenTable, knownPart, presentEscalation, protectClosed, type EscalationView } from './escalation.ts';

const POLICY = policyFrom({});
const OPTIONS = { benchmarks: [], agencies: [{ code: 'POL', name: 'Police' }] };

// ------------------------------------------------------------------ helpers

/** Paths of numbers from 1 to the threshold in `value`, except where `skip` says the path is no count. */
export function smallNumbers(value: unknown, skip: (path: string) => boolean, threshold: number, path = ''): string[] {
	if (skip(path)) return [];
	if (typeof value === 'number') return value >= 1 && value <= threshold ? [`${path} = ${value}`] : [];
	if (Array.isArray(value)) return value.flatMap((v, i) => smallNumbers(v, skip, threshold, `${path}[${i}]`));
	if (value !== null && typeof value === 'object') {
		return Object.entries(value).flatMap(([k, v]) => smallNumbers(v, skip, threshold, path ? `${path}.${k}` : k));
	}
	return [];
}

/** Where the escalation view holds figures that are not counts (rates, shares, days, settings). */
const NOT_COUNTS =
	/^(threshold|period)|benchmarks|decimals|\.x0$|\.x1$|histogram\.threshold|^trend\.(per100|agreed)|^headlines\.(per100|stage3|medianDays|agreed)\.figure\.value|^outcomes\.\w+\.table\.rows\[\d+\]\.cells\[5\]/;
const notCount = (path: string) => NOT_COUNTS.test(path);

/**
 * Someone with the page: figures known (shown), and lines (members adding up to a total).
 * Whenever every figure of a line but one is known, the last one is worked out; repeated
 * until nothing more can be. Returns the figures worked out that were not shown.
 */
export function workedOut(known: Map<string, number>, lines: readonly { members: string[]; total: string }[]): Map<string, number> {
	const out = new Map<string, number>();
	for (let changed = true; changed; ) {
		changed = false;
		for (const line of lines) {
			const all = [...line.members, line.total];
			const unknown = all.filter((id) => !known.has(id));
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

/** The lines of a table with row and column totals, its figures named `${name}:r,c`, `${name}:r,T`, `${name}:T,c`, `${name}:T,T`. */
export function tableLines(name: string, rows: number, columns: number): { members: string[]; total: string }[] {
	const id = (r: number | 'T', c: number | 'T') => `${name}:${r},${c}`;
	const range = (n: number) => [...Array(n).keys()];
	return [
		...range(rows).map((r) => ({ members: range(columns).map((c) => id(r, c)), total: id(r, 'T') })),
		...range(columns).map((c) => ({ members: range(rows).map((r) => id(r, c)), total: id('T', c) })),
		{ members: range(rows).map((r) => id(r, 'T')), total: id('T', 'T') },
		{ members: range(columns).map((c) => id('T', c)), total: id('T', 'T') }
	];
}

/** The shown counts of a data table with a totals column and row (as `countTableData` writes them), by the names above. */
export function knownOf(name: string, table: TableData, rows: number, columns: number, into: Map<string, number>): void {
	table.rows.forEach((row, r) =>
		row.cells.slice(0, columns + 1).forEach((cell, c) => {
			const shown = cell as Shown;
			if (shown.value !== null && shown.symbol === null) into.set(`${name}:${r === rows ? 'T' : r},${c === columns ? 'T' : c}`, shown.value);
		})
	);
}

/** The true counts of a table, by the same names. */
export function truthOf(name: string, t: CountTable, into: Map<string, number>): void {
	const rowT = t.counts.map((row) => row.reduce<number>((a, n) => a + (n ?? 0), 0));
	const colT = t.columns.map((_, c) => t.counts.reduce<number>((a, row) => a + (row[c] ?? 0), 0));
	t.counts.forEach((row, r) => row.forEach((n, c) => into.set(`${name}:${r},${c}`, n ?? 0)));
	rowT.forEach((n, r) => into.set(`${name}:${r},T`, n));
	colT.forEach((n, c) => into.set(`${name}:T,${c}`, n));
	into.set(`${name}:T,T`, rowT.reduce((a, n) => a + n, 0));
}

const m = (v: Partial<MetricValue>): MetricValue => ({ value: null, numerator: null, denominator: null, status: 'ok', n: null, population: null, ...v });
const ratio = (numerator: number, denominator: number, scale = 100): MetricValue =>
	denominator === 0 ? m({ numerator, denominator, status: 'z' }) : m({ value: (scale * numerator) / denominator, numerator, denominator });
const median = (value: number, n: number): MetricValue => (n === 0 ? m({ status: 'z', n: 0 }) : m({ value, n }));

interface Spec {
	/** Category (6) × stage (4). */
	stage: number[][];
	/** Raised by × raised with; must add up to the same total as `stage`. */
	between: number[][];
	closed: number[];
	referrals: number;
	open: number;
	/**
	 * The closed escalations' outcomes (`OUTCOMES`), by category (6 × 4) and by agency pair;
	 * each must add up to `closed`, with the same outcome totals. Default: all agreed, about
	 * thresholds, raised by POL with CSC.
	 */
	outcomes?: { category: number[][]; pairs: { by: string; with: string; counts: number[] }[] };
}

const CATEGORIES = ['threshold', 'plan_progress', 'roles_responsibilities', 'information_sharing', 'communication', 'other'];
const AGENCIES = ['CSC', 'HLT', 'POL', 'SCH'];

/** Page data as `escalationPage` gives it, from counts (figures and a two-month trend consistent with them). */
function pageData(spec: Spec): EscalationData {
	const sum = (ns: number[]) => ns.reduce((a, n) => a + n, 0);
	const raised = sum(spec.stage.flat());
	const stage3 = sum(spec.stage.map((row) => row[2] + row[3]));
	const closed = sum(spec.closed);
	const half = (n: number) => Math.floor(n / 2);
	const [r1, s1, f1] = [half(raised), Math.min(half(stage3), half(raised)), half(spec.referrals)];
	const month = (esc: number, st3: number, refs: number, open: number) => ({
		escalations_per_100_referrals: ratio(esc, refs),
		escalations_stage3_pct: ratio(st3, esc),
		escalation_resolution_median_days: median(12, 0),
		escalations_open_at_end: m({ value: open }),
		escalations_agreed_pct: ratio(0, 0)
	});
	const outcomes = spec.outcomes ?? {
		category: CATEGORIES.map((_, i) => (i === 0 ? [closed, 0, 0, 0] : [0, 0, 0, 0])),
		pairs: closed === 0 ? [] : [{ by: 'POL', with: 'CSC', counts: [closed, 0, 0, 0] }]
	};
	const agreed = sum(outcomes.category.map((row) => row[0] + row[1]));
	const table = (rows: string[], columns: string[], counts: number[][]): CountTable => ({ rows, columns, counts, rowTotals: true, columnTotals: true });
	return {
		period: { from: '2024-04-01', to: '2024-05-31' },
		filters: { area: null, agency: null, sector: null },
		figures: {
			escalations_per_100_referrals: ratio(raised, spec.referrals),
			escalations_stage3_pct: ratio(stage3, raised),
			escalation_resolution_median_days: median(19.5, closed),
			escalations_open_at_end: m({ value: spec.open }),
			escalations_agreed_pct: ratio(agreed, closed)
		},
		// Closed escalations: a third of them (and of the agreed) in April.
		trend: [
			{ month: '2024-04', metrics: { ...month(r1, s1, f1, spec.open + 3), escalations_agreed_pct: ratio(Math.floor(agreed / 3), Math.floor(closed / 3)) } },
			{ month: '2024-05', metrics: { ...month(raised - r1, stage3 - s1, spec.referrals - f1, spec.open), escalations_agreed_pct: ratio(agreed - Math.floor(agreed / 3), closed - Math.floor(closed / 3)) } }
		],
		stageByCategory: table(CATEGORIES, ['1', '2', '3', '4'], spec.stage),
		between: table(AGENCIES, AGENCIES, spec.between),
		resolutionDays: {
			rows: ['0–7', '8–14', '15–21', '22–28', '29–56', '57–90', '91+'],
			columns: ['escalations'],
			counts: spec.closed.map((n) => [n]),
			rowTotals: false,
			columnTotals: true
		},
		outcomeByCategory: table(CATEGORIES, [...OUTCOMES], outcomes.category),
		outcomeByPair: {
			table: table(
				outcomes.pairs.map((p) => `${p.by} → ${p.with}`),
				[...OUTCOMES],
				outcomes.pairs.map((p) => p.counts)
			),
			pairs: outcomes.pairs.map((p) => ({ by: p.by, with: p.with }))
		}
	};
}

/** Deterministic pseudo-random numbers (mulberry32). */
function random(seed: number): () => number {
	let a = seed;
	return () => {
		a = (a + 0x6d2b79f5) | 0;
		let t = Math.imul(a ^ (a >>> 15), 1 | a);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** Counts that are often small or zero, sometimes large. */
function count(rand: () => number): number {
	const u = rand();
	return u < 0.3 ? 0 : u < 0.65 ? 1 + Math.floor(rand() * 5) : 6 + Math.floor(rand() * 30);
}

function randomSpec(rand: () => number): Spec {
	const stage = CATEGORIES.map(() => [0, 1, 2, 3].map(() => count(rand)));
	const raised = stage.flat().reduce((a, n) => a + n, 0);
	// The same escalations between agencies: each put in a random raised-by × raised-with cell (never its own agency).
	const between = AGENCIES.map(() => AGENCIES.map(() => 0));
	const cells = AGENCIES.flatMap((_, r) => AGENCIES.flatMap((_, c) => (r === c ? [] : [[r, c]])));
	const favourite = cells.filter(() => rand() < 0.5);
	const pool = favourite.length > 0 ? favourite : cells;
	for (let i = 0; i < raised; i++) {
		const [r, c] = pool[Math.floor(rand() * pool.length)];
		between[r][c]++;
	}
	const closed = [0, 1, 2, 3, 4, 5, 6].map(() => count(rand));
	const spec: Spec = { stage, between, closed, referrals: count(rand) * 3, open: count(rand) };
	// The escalations closed: each given a category (of a few), an outcome (agreed most often) and an agency pair.
	const category = CATEGORIES.map(() => [0, 0, 0, 0]);
	const pairs = new Map<string, { by: string; with: string; counts: number[] }>();
	const categories = [0, 1, 3].filter(() => rand() < 0.7);
	const pairPool = pool.filter(() => rand() < 0.6);
	for (let i = 0; i < closed.reduce((a, n) => a + n, 0); i++) {
		const c = (categories.length > 0 ? categories : [5])[Math.floor(rand() * Math.max(1, categories.length))];
		const u = rand();
		const o = u < 0.55 ? 0 : u < 0.7 ? 1 : u < 0.85 ? 2 : 3;
		const [r, w] = (pairPool.length > 0 ? pairPool : pool)[Math.floor(rand() * (pairPool.length > 0 ? pairPool : pool).length)];
		category[c][o]++;
		const key = `${AGENCIES[r]}|${AGENCIES[w]}`;
		const pair = pairs.get(key) ?? { by: AGENCIES[r], with: AGENCIES[w], counts: [0, 0, 0, 0] };
		pair.counts[o]++;
		pairs.set(key, pair);
	}
	spec.outcomes = { category, pairs: [...pairs.keys()].sort().map((k) => pairs.get(k)!) };
	return spec;
}

/**
 * What the page shows of the tables and the headlines, and the lines between them: escalations
 * raised (stage, between, two headlines); escalations closed (outcomes by category and by pair,
 * the time to close's bins and total, the share agreed in the headline and in each row).
 */
function attack(view: EscalationView, data: EscalationData): { truth: Map<string, number>; revealed: Map<string, number> } {
	const known = new Map<string, number>();
	const pairs = data.outcomeByPair.pairs.length;
	knownOf('stage', view.stageByCategory.table, 6, 4, known);
	knownOf('between', view.between.table, AGENCIES.length, AGENCIES.length, known);
	knownOf('outc', view.outcomes.byCategory.table, 6, 4, known);
	knownOf('outp', view.outcomes.byPair.table, pairs, 4, known);
	const shownCount = (s: Shown, id: string) => {
		if (s.value !== null && s.symbol === null) known.set(id, s.value);
	};
	shownCount(view.headlines.per100.figure.numerator, 'raised');
	shownCount(view.headlines.stage3.figure.numerator, 'stage34');
	shownCount(view.headlines.stage3.figure.denominator, 'raised');
	shownCount(view.headlines.agreed.figure.numerator, 'agreed');
	shownCount(view.headlines.agreed.figure.denominator, 'closed');
	shownCount(view.headlines.medianDays.closed, 'closed');
	shownCount(view.resolution.closed, 'closed');
	view.resolution.table.rows.slice(0, RESOLUTION_BINS.length).forEach((row, i) => shownCount(row.cells[0] as Shown, `bin:${i}`));
	// A row's share agreed shown beside its shown total gives its agreed and plan changed.
	const shares = (name: string, table: TableData, rows: number) =>
		table.rows.forEach((row, r) => {
			const [total, share] = [row.cells[4] as Shown, row.cells[5] as Shown];
			if (share.value !== null && share.symbol === null && total.value !== null && total.symbol === null) {
				known.set(`${name}:agreed:${r === rows ? 'T' : r}`, Math.round((share.value * total.value) / 100));
			}
		});
	shares('outc', view.outcomes.byCategory.table, 6);
	shares('outp', view.outcomes.byPair.table, pairs);
	const truth = new Map<string, number>();
	truthOf('stage', data.stageByCategory, truth);
	truthOf('between', data.between, truth);
	truthOf('outc', data.outcomeByCategory, truth);
	truthOf('outp', data.outcomeByPair.table, truth);
	truth.set('raised', truth.get('stage:T,T') as number);
	truth.set('stage34', (truth.get('stage:T,2') as number) + (truth.get('stage:T,3') as number));
	truth.set('closed', truth.get('outc:T,T') as number);
	truth.set('agreed', (truth.get('outc:T,0') as number) + (truth.get('outc:T,1') as number));
	data.resolutionDays.counts.forEach((row, i) => truth.set(`bin:${i}`, row[0] ?? 0));
	const agreedOf = (name: string, rows: number) =>
		[...Array(rows).keys(), 'T' as const].map((r) => ({ members: [`${name}:${r},0`, `${name}:${r},1`], total: `${name}:agreed:${r}` }));
	for (const [name, rows] of [['outc', 6], ['outp', pairs]] as const) {
		for (const line of agreedOf(name, rows)) truth.set(line.total, (truth.get(line.members[0]) as number) + (truth.get(line.members[1]) as number));
	}
	for (const [id, v] of known) expect(v, id).toBe(truth.get(id));
	const lines = [
		...tableLines('stage', 6, 4),
		...tableLines('between', AGENCIES.length, AGENCIES.length),
		{ members: ['stage:T,2', 'stage:T,3'], total: 'stage34' },
		{ members: ['raised'], total: 'stage:T,T' },
		{ members: ['between:T,T'], total: 'stage:T,T' },
		...tableLines('outc', 6, 4),
		...tableLines('outp', pairs, 4),
		// The same figures in both outcome tables and the time to close.
		...[0, 1, 2, 3, 'T'].map((c) => ({ members: [`outp:T,${c}`], total: `outc:T,${c}` })),
		{ members: ['closed'], total: 'outc:T,T' },
		{ members: RESOLUTION_BINS.map((_, i) => `bin:${i}`), total: 'closed' },
		{ members: ['outc:T,0', 'outc:T,1'], total: 'agreed' },
		...agreedOf('outc', 6),
		...agreedOf('outp', pairs)
	];
	return { truth, revealed: workedOut(known, lines) };
}

// ------------------------------------------------------------------ tests

describe('presentEscalation, from hand-made page data', () => {
	const spec: Spec = {
		stage: [
			[10, 8, 0, 4], // threshold: stage 4 is small
			[7, 0, 12, 0],
			[0, 0, 0, 0],
			[9, 6, 0, 10],
			[3, 0, 0, 0], // communication, stage 1: small
			[0, 0, 0, 0]
		],
		between: [
			[0, 20, 15, 0],
			[8, 0, 0, 0],
			[12, 0, 0, 7],
			[0, 4, 0, 3]
		],
		closed: [6, 0, 9, 2, 12, 0, 0],
		referrals: 140,
		open: 3
	};
	const data = pageData(spec);
	const view = presentEscalation(data, POLICY, OPTIONS);

	it('shows no count from 1 to the threshold anywhere', () => {
		expect(smallNumbers(view, notCount, POLICY.threshold)).toEqual([]);
	});

	it('shows the tables and their totals exactly as suppressTable protects them', () => {
		const stages = suppressTable(data.stageByCategory, POLICY);
		expect(view.stageByCategory.grid.cells).toEqual(stages.cells);
		const table = view.stageByCategory.table;
		expect(table.columns.map((c) => c.label)).toEqual(['Stage 1', 'Stage 2', 'Stage 3', 'Stage 4', 'All stages']);
		expect(table.rows.map((r) => r.header)).toEqual(['Threshold', 'Plan progress', 'Roles and responsibilities', 'Information sharing', 'Communication', 'Other', 'All categories']);
		expect(table.rows.slice(0, 6).map((r) => r.cells.at(-1))).toEqual(stages.rowTotals);
		expect(table.rows[6].cells).toEqual([...(stages.columnTotals ?? []), stages.total]);
		expect(view.raised).toEqual({ value: 69, symbol: null });
		// Stage 4's total (14) is shown; the small cells have a partner suppressed in each line.
		expect(stages.cells[0][3].symbol).toBe('c');
		expect(stages.cells[4][0].symbol).toBe('c');
	});

	it('holds the headline counts to the table: escalations raised is its total', () => {
		expect(view.headlines.per100.figure.numerator).toEqual({ value: 69, symbol: null });
		expect(view.headlines.per100.figure.value.value).toBeCloseTo((100 * 69) / 140);
		expect(view.headlines.stage3.figure.denominator).toEqual({ value: 69, symbol: null });
	});

	it('the median days to close beside the number closed as the table shows it; open at the end suppressed when small', () => {
		expect(view.headlines.medianDays.closed).toEqual({ value: 29, symbol: null });
		expect(view.headlines.medianDays.figure.value).toEqual({ value: 19.5, symbol: null });
		expect(view.resolution.closed).toEqual(view.headlines.medianDays.closed);
		expect(view.headlines.openAtEnd.figure.value).toEqual({ value: null, symbol: 'c' });
		expect(view.trend.openAtEnd.series[0].points.at(-1)).toMatchObject({ value: null, symbol: 'c' });
		expect(view.resolution.histogram.bins.map((b) => b.value)).toEqual([6, 0, 9, null, 12, 0, 0].map((v, i) => (i === 0 || i === 3 ? null : v)));
	});

	it('a median below the threshold of escalations closed is c; the marker is at the median', () => {
		expect(view.resolution.histogram.threshold).toEqual({ label: 'Median 19.5 days', value: 20 });
		const few = presentEscalation(pageData({ ...spec, closed: [2, 1, 0, 0, 0, 0, 0] }), POLICY, OPTIONS);
		expect(few.headlines.medianDays.figure.value.symbol).toBe('c');
		expect(few.resolution.closed.symbol).toBe('c');
		expect(few.resolution.histogram.threshold).toBeNull();
	});

	it('names agencies and labels the table of who raised escalations with whom', () => {
		expect(view.between.grid.rows).toEqual(['CSC', 'HLT', 'Police', 'SCH']);
		expect(view.between.table.columns.map((c) => c.label)).toEqual(['With CSC', 'With HLT', 'With Police', 'With SCH', 'Raised by the agency']);
	});
});

describe('the outcomes of the escalations closed', () => {
	const C: Shown = { value: null, symbol: 'c' };
	const n = (value: number): Shown => ({ value, symbol: null });
	const Z: Shown = { value: null, symbol: 'z' };
	const base: Omit<Spec, 'closed' | 'outcomes'> = {
		stage: [[40, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]],
		between: [[0, 40, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]],
		referrals: 200,
		open: 12
	};

	it('all shown: counts, totals, the share agreed of each row and the headline', () => {
		const spec: Spec = {
			...base,
			closed: [30, 29, 0, 0, 0, 0, 0],
			outcomes: {
				category: [[20, 10, 8, 0], [12, 0, 0, 9], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]],
				pairs: [
					{ by: 'HLT', with: 'CSC', counts: [12, 0, 8, 9] },
					{ by: 'POL', with: 'CSC', counts: [20, 10, 0, 0] }
				]
			}
		};
		const view = presentEscalation(pageData(spec), POLICY, OPTIONS);
		const t = view.outcomes.byCategory.table;
		expect(t.columns.map((c) => c.label)).toEqual(['Agreed', 'Plan changed', 'Withdrawn', 'Unresolved', 'All closed', '% agreed']);
		expect(t.rows.map((r) => r.header)).toEqual(['Threshold', 'Plan progress', 'Roles and responsibilities', 'Information sharing', 'Communication', 'Other', 'All categories']);
		expect(t.rows[0].cells.slice(0, 5)).toEqual([n(20), n(10), n(8), n(0), n(38)]);
		expect((t.rows[0].cells[5] as Shown).value).toBeCloseTo((100 * 30) / 38);
		expect((t.rows[1].cells[5] as Shown).value).toBeCloseTo((100 * 12) / 21);
		expect(t.rows[2].cells[5]).toEqual(Z); // none closed
		expect(t.rows[6].cells.slice(0, 5)).toEqual([n(32), n(10), n(8), n(9), n(59)]);
		expect((t.rows[6].cells[5] as Shown).value).toBeCloseTo((100 * 42) / 59);
		const p = view.outcomes.byPair.table;
		expect(p.rows.map((r) => r.header)).toEqual(['HLT → CSC', 'Police → CSC', 'All agency pairs']);
		expect(view.outcomes.byPair.grid.rows).toEqual(['HLT → CSC', 'POL → CSC']);
		expect(p.rows[2].cells.slice(0, 5)).toEqual(t.rows[6].cells.slice(0, 5));
		expect(view.headlines.agreed.figure).toEqual({ value: n((100 * 42) / 59), numerator: n(42), denominator: n(59) });
		expect(view.resolution.closed).toEqual(n(59));
	});

	// Closed: 29 (bins 6, 9, 2 and 12). By category: threshold 10 agreed, 3 plan changed, 2 unresolved; plan progress
	// 6 agreed, 1 withdrawn; information sharing 7 withdrawn. By pair: POL → CSC 10 and 3; HLT → CSC 6 and 8 withdrawn;
	// SCH → HLT 2 unresolved. Outcome totals 16, 3, 8, 2.
	const spec: Spec = {
		...base,
		closed: [6, 0, 9, 2, 12, 0, 0],
		outcomes: {
			category: [[10, 3, 0, 2], [6, 0, 1, 0], [0, 0, 0, 0], [0, 0, 7, 0], [0, 0, 0, 0], [0, 0, 0, 0]],
			pairs: [
				{ by: 'HLT', with: 'CSC', counts: [6, 0, 8, 0] },
				{ by: 'POL', with: 'CSC', counts: [10, 3, 0, 0] },
				{ by: 'SCH', with: 'HLT', counts: [0, 0, 0, 2] }
			]
		}
	};
	const data = pageData(spec);
	const view = presentEscalation(data, POLICY, OPTIONS);
	const cells = (t: TableData) => t.rows.map((r) => r.cells.slice(0, 5));

	it('the three tables share their totals, suppressed together', () => {
		// By pair, HLT → CSC's 6 agreed is c (to protect POL → CSC's), then its 8 withdrawn; alone in the pairs' withdrawn
		// column, the withdrawn total 8 must then be c, and is, in the table by category too (which on its own would
		// have shown it, and given the 8 and then the 6 away).
		expect(cells(view.outcomes.byPair.table)).toEqual([
			[C, n(0), C, n(0), n(14)],
			[C, C, n(0), n(0), C],
			[n(0), n(0), n(0), C, C],
			[n(16), C, C, C, n(29)]
		]);
		expect(cells(view.outcomes.byCategory.table)).toEqual([
			[C, C, n(0), C, n(15)],
			[C, n(0), C, n(0), C],
			[n(0), n(0), n(0), n(0), n(0)],
			[n(0), n(0), C, n(0), C],
			[n(0), n(0), n(0), n(0), n(0)],
			[n(0), n(0), n(0), n(0), n(0)],
			[n(16), C, C, C, n(29)]
		]);
		const alone = suppressTable(data.outcomeByCategory, POLICY);
		expect(alone.columnTotals![2]).toEqual(n(8));
		// The time to close: 2 is c, and 6 with it; the total the same 29.
		expect(view.resolution.table.rows.map((r) => r.cells[0])).toEqual([C, n(0), n(9), C, n(12), n(0), n(0), n(29)]);
		expect(view.headlines.medianDays.closed).toEqual(n(29));
	});

	it('the headline share agreed is held to the outcome totals: 19 agreed would give the 3 plan changed away', () => {
		expect(data.figures.escalations_agreed_pct).toMatchObject({ numerator: 19, denominator: 29 });
		expect(view.headlines.agreed.figure).toEqual({ value: C, numerator: C, denominator: n(29) });
		// Every share agreed of a row whose agreed and plan changed the table does not give is c; none closed, z.
		expect(view.outcomes.byCategory.table.rows.map((r) => r.cells[5])).toEqual([C, C, Z, C, Z, Z, C]);
		expect(view.outcomes.byPair.table.rows.map((r) => r.cells[5])).toEqual([C, C, C, C]);
	});

	it('nothing suppressed can be worked out, and the search finds what the tables alone would give away', () => {
		const { truth, revealed } = attack(view, data);
		for (const [id, v] of revealed) expect(v, id).toBe(truth.get(id));
		expect([...revealed].filter(([, v]) => v >= 1 && v <= POLICY.threshold)).toEqual([]);
		const leaky = structuredClone(view);
		leaky.outcomes.byCategory.table.rows[6].cells[2] = n(8);
		expect(attack(leaky, data).revealed.get('outp:0,0')).toBe(6);
		const headline = structuredClone(view);
		headline.headlines.agreed.figure.numerator = n(19);
		expect(attack(headline, data).revealed.get('outc:T,1')).toBe(3);
	});

	it('protectClosed: tables that do not add up to one total are all hidden (a fail-safe)', () => {
		const table = (counts: number[][]): CountTable => ({ rows: counts.map((_, i) => `r${i}`), columns: [...OUTCOMES], counts, rowTotals: true, columnTotals: true });
		const bins: CountTable = { rows: ['a', 'b'], columns: ['escalations'], counts: [[10], [10]], rowTotals: false, columnTotals: true };
		expect(protectClosed(bins, table([[10, 0, 0, 10]]), table([[10, 0, 0, 0], [0, 0, 0, 10]]), POLICY).byPair.total).toEqual(n(20));
		for (const pairs of [table([[10, 0, 10, 0]]), table([[20, 0, 0, 0]]), table([[10, 0, 0, 9]])]) {
			const hidden = protectClosed(bins, table([[10, 0, 0, 10]]), pairs, POLICY);
			expect(hidden.resolution.cells).toEqual([[C], [C]]);
			expect(hidden.resolution.columnTotals).toEqual([C]);
			expect(hidden.byCategory.cells).toEqual([[C, n(0), n(0), C]]);
			expect(hidden.byPair.total).toEqual(C);
		}
	});
});

describe('the share reaching stage 3 is held to the stage totals', () => {
	// Stage 3's total is 4 (c) and stage 4's 10: a headline of 14 would give the 4 away.
	const spec: Spec = {
		stage: [
			[8, 20, 4, 10],
			[0, 10, 0, 0],
			[0, 0, 0, 0],
			[0, 0, 0, 0],
			[0, 0, 0, 0],
			[0, 0, 0, 0]
		],
		between: [
			[0, 52, 0, 0],
			[0, 0, 0, 0],
			[0, 0, 0, 0],
			[0, 0, 0, 0]
		],
		closed: [0, 0, 0, 0, 0, 0, 0],
		referrals: 300,
		open: 0
	};
	const data = pageData(spec);
	const view = presentEscalation(data, POLICY, OPTIONS);

	it('the stage 3 total is suppressed in the table, and the margin protects it', () => {
		const totals = view.stageByCategory.table.rows[6].cells;
		expect(totals[2]).toEqual({ value: null, symbol: 'c' });
		expect(totals[3]).toEqual({ value: 10, symbol: null });
		expect(totals.filter((c) => (c as Shown).symbol === 'c').length).toBeGreaterThanOrEqual(2);
	});

	it('so the headline count and share are c, while a plain suppressMetric would have shown 14', () => {
		expect(data.figures.escalations_stage3_pct.numerator).toBe(14);
		expect(view.headlines.stage3.figure.numerator).toEqual({ value: null, symbol: 'c' });
		expect(view.headlines.stage3.figure.value).toEqual({ value: null, symbol: 'c' });
		// The denominator is the table's total, shown there.
		expect(view.headlines.stage3.figure.denominator).toEqual({ value: 52, symbol: null });
	});

	it('nothing suppressed can be worked out', () => {
		const { truth, revealed } = attack(view, data);
		for (const [id, v] of revealed) expect(v, id).toBe(truth.get(id));
		expect([...revealed].filter(([, v]) => v >= 1 && v <= POLICY.threshold)).toEqual([]);
	});

	it('(the search would find what a headline of 14 gives away)', () => {
		const leaky = structuredClone(view);
		leaky.headlines.stage3.figure.numerator = { value: 14, symbol: null };
		expect(attack(leaky, data).revealed.get('stage:T,2')).toBe(4);
	});

	it('stage 3 or higher is shown when the table gives it: the total less stages 1 and 2', () => {
		const other = pageData({ ...spec, stage: [[10, 8, 4, 3], [7, 9, 0, 0], ...spec.stage.slice(2)], between: [[0, 41, 0, 0], ...spec.between.slice(1)] });
		expect(other.figures.escalations_stage3_pct.numerator).toBe(7);
		const v = presentEscalation(other, POLICY, OPTIONS);
		// Stages 3 and 4 are both c in the table, but 41 − 17 − 17 = 7 is known from it.
		expect(v.stageByCategory.table.rows[6].cells.slice(0, 4)).toEqual([
			{ value: 17, symbol: null },
			{ value: 17, symbol: null },
			{ value: null, symbol: 'c' },
			{ value: null, symbol: 'c' }
		]);
		expect(v.headlines.stage3.figure.numerator).toEqual({ value: 7, symbol: null });
	});
});

describe('under the publication profile', () => {
	it('every count shown is a multiple of 5, every share a whole number', () => {
		const policy = policyFrom({ profile: 'publication' });
		const view = presentEscalation(pageData(randomSpec(random(42))), policy, OPTIONS);
		// Every count shown (every number but rates, shares, medians and settings): a multiple of 5.
		const counts = smallNumbers(view, notCount, Number.MAX_SAFE_INTEGER);
		expect(counts.length).toBeGreaterThan(0);
		expect(counts.filter((c) => Number(c.split(' = ')[1]) % 5 !== 0)).toEqual([]);
	});
});

describe('random pages', () => {
	for (const threshold of [3, 5, 10]) {
		it(`threshold ${threshold}: no small count shown or worked out, and every total as suppressTable has it`, () => {
			const policy: DisclosurePolicy = policyFrom({ threshold });
			const rand = random(threshold);
			let held = 0;
			let heldAgreed = 0;
			for (let i = 0; i < 150; i++) {
				const data = pageData(randomSpec(rand));
				const view = presentEscalation(data, policy, OPTIONS);
				expect(smallNumbers(view, notCount, threshold)).toEqual([]);
				const { truth, revealed } = attack(view, data);
				for (const [id, v] of revealed) {
					expect(v, id).toBe(truth.get(id));
					expect(v >= 1 && v <= threshold, `${id} = ${v} worked out`).toBe(false);
				}
				// Escalations raised is shown in the headline exactly when the table shows its total.
				expect(view.headlines.per100.figure.numerator).toEqual(view.stageByCategory.table.rows[6].cells[4]);
				if ((data.figures.escalations_stage3_pct.numerator as number) > threshold && view.headlines.stage3.figure.numerator.symbol === 'c') held++;
				// The escalations closed: one total and the same outcome totals in every table that shows them.
				const totalsRow = (t: TableData) => t.rows[t.rows.length - 1].cells.slice(0, 5);
				expect(totalsRow(view.outcomes.byPair.table)).toEqual(totalsRow(view.outcomes.byCategory.table));
				expect(view.resolution.closed).toEqual(totalsRow(view.outcomes.byCategory.table)[4]);
				expect(view.headlines.agreed.figure.denominator).toEqual(view.resolution.closed);
				if ((data.figures.escalations_agreed_pct.numerator as number) > threshold && view.headlines.agreed.figure.numerator.symbol === 'c') heldAgreed++;
			}
			// The hold on stage 3 or higher, and on the share agreed, was needed in some of these pages.
			expect(held).toBeGreaterThan(0);
			expect(heldAgreed).toBeGreaterThan(0);
		});
	}
});

describe('helpers', () => {
	it('knownPart: the subset shown, or the total and the rest shown', () => {
		const shown = (v: number | null): Shown => (v === null ? { value: null, symbol: 'c' } : { value: v, symbol: null });
		expect(knownPart([10, 8, 4, 3], [10, 8, null, null].map(shown), [2, 3], { count: 25, shown: shown(25) })).toBe(7);
		expect(knownPart([10, 8, 4, 3], [10, null, 4, null].map(shown), [2, 3], { count: 25, shown: shown(25) })).toBeNull();
		expect(knownPart([10, 8, 6, 9], [10, null, 6, 9].map(shown), [2, 3])).toBe(15);
	});

	it('hiddenTable: every non-zero figure suppressed, zeros shown', () => {
		const t = hiddenTable({ rows: ['a', 'b'], columns: ['x', 'y'], counts: [[0, 40], [0, 0]], rowTotals: true, columnTotals: true });
		expect(t.cells).toEqual([
			[{ value: 0, symbol: null }, { value: null, symbol: 'c' }],
			[{ value: 0, symbol: null }, { value: 0, symbol: null }]
		]);
		expect(t.total).toEqual({ value: null, symbol: 'c' });
	});
});

describe('presentEscalation, from a warehouse (the page data\'s own extract)', () => {
	const DATA = extract({
		referrals: [
			referral({ referral_id: 'r1', child_id: K1, received_at: '2024-04-03 09:00:00' }),
			referral({ referral_id: 'r2', child_id: K2, received_at: '2024-04-04 09:00:00' })
		],
		escalations: [
			escalation({ escalation_id: 'e1', child_id: K1, raised_by_agency_code: 'POL', raised_with_agency_code: 'CSC', raised_on: '2024-04-05', highest_stage: 3, resolved_on: '2024-04-15' }),
			escalation({ escalation_id: 'e2', child_id: K2, raised_by_agency_code: 'SCH', raised_with_agency_code: 'CSC', raised_on: '2024-04-20', highest_stage: 1, category: 'communication' }),
			escalation({ escalation_id: 'e3', child_id: K6, raised_by_agency_code: 'CSC', raised_with_agency_code: 'POL', raised_on: '2024-04-01', highest_stage: 2, resolved_on: '2024-04-30' }),
			escalation({ escalation_id: 'e7', child_id: K3, raised_by_agency_code: 'POL', raised_with_agency_code: 'SCH', raised_on: '2024-04-10', highest_stage: 4, resolved_on: '2024-04-10', category: 'information_sharing' })
		]
	});
	let t: TestWarehouse;
	beforeAll(async () => {
		t = await createTestWarehouse(DATA);
	});
	afterAll(async () => t.dispose());

	it('every count is small here: all c, zeros 0, the median c, derived figures c', async () => {
		const data = await escalationPage(t.warehouse, { from: '2024-04-01', to: '2024-04-30' });
		const view = presentEscalation(data, POLICY, OPTIONS);
		expect(smallNumbers(view, notCount, POLICY.threshold)).toEqual([]);
		expect(view.raised).toEqual({ value: null, symbol: 'c' });
		expect(view.headlines.per100.figure.value).toEqual({ value: null, symbol: 'c' });
		expect(view.headlines.stage3.figure.value).toEqual({ value: null, symbol: 'c' });
		expect(view.headlines.medianDays.figure.value).toEqual({ value: null, symbol: 'c' });
		expect(view.trend.per100.series[0].points).toEqual([{ label: '2024-04', value: null, symbol: 'c' }]);
		expect(view.stageByCategory.grid.cells[2]).toEqual([0, 0, 0, 0].map(() => ({ value: 0, symbol: null })));
		expect(JSON.parse(JSON.stringify(view))).toEqual(view);
	});
});

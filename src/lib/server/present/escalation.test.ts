/**
 * The escalation page as presented: no count from 1 to the threshold anywhere, tables
 * protected together with the headlines beside them, each headline the metric's own figure
 * (as the JSON API gives it), and nothing suppressed recoverable from what is shown (a search
 * that follows every "these add up to that" the page implies, as someone with the page in
 * front of them could) beyond what the headlines give on their own.
 *
 * Rules 1 to 6 over hand-made counts under a policy without the cell key method (exact
 * counts, so the search can use the figures shown); under a deployment's policy (rule 7) every
 * count shown is perturbed by its own cell key (a total's: its cells' keys added), and the
 * search is made as if the perturbation could be seen through (the true counts of every figure
 * shown), so the suppression alone still protects.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escalationPage, OUTCOMES, RESOLUTION_BINS, type EscalationData } from '../dashboard/escalation.ts';
import { cellKeySum, perturbed, policyFrom, showCount, suppressMetric, suppressTable } from '../disclosure/index.ts';
import type { CountTable, DisclosurePolicy, Shown, ShownTable } from '../disclosure/types.ts';
import type { MetricValue } from '../metrics/compute.ts';
import { escalation, extract, K1, K2, K3, K6, referral } from '../metrics/test-fixtures.ts';
import { createTestWarehouse, type TestWarehouse } from '../metrics/test-helpers.ts';
import type { TableData } from '../../components/charts/types.ts';
import { presentEscalation, protectClosed, type EscalationView } from './escalation.ts';
import { headlineLines, hiddenTable, knownPart, Together } from './tables.ts';

/** Rules 1 to 6 alone: exact counts (for the tests over hand-made counts). */
const RULES: DisclosurePolicy = { ...policyFrom({}), cellKey: false };
/** A deployment's policy: the cell key method on. */
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

/** A random cell key. */
const anyKey = (rand: () => number) => Math.floor(rand() * 256);

/** Random cell keys for counts (a zero's: 0, as `countTable` has it). */
function randomKeys(counts: readonly (readonly number[])[], rand: () => number): number[][] {
	return counts.map((row) => row.map((n) => (n === 0 ? 0 : anyKey(rand))));
}

/**
 * Cell keys for counts of the same rows as a figure keyed `target` (their keys must add up
 * to it, modulo 256): random, the last non-zero count's making up the rest.
 */
function keysAddingTo(counts: readonly number[], target: number, rand: () => number): number[] {
	const keys = counts.map((n) => (n === 0 ? 0 : anyKey(rand)));
	const last = counts.findLastIndex((n) => n !== 0);
	if (last >= 0) keys[last] = (((target - cellKeySum(keys.filter((_, i) => i !== last))) % 256) + 256) % 256;
	return keys;
}

const columnOf = <T>(rows: readonly (readonly T[])[], c: number): T[] => rows.map((row) => row[c]);
const transpose = <T>(columns: readonly (readonly T[])[], rows: number): T[][] => [...Array(rows).keys()].map((r) => columns.map((col) => col[r]));

/**
 * Page data as `escalationPage` gives it, from counts (figures and a two-month trend consistent
 * with them). With `rand`, every count carries a cell key, as the warehouse gives them: the
 * figures shared by several tables and headlines keyed alike (the same rows), every other at
 * random.
 */
function pageData(spec: Spec, rand?: () => number): EscalationData {
	const sum = (ns: number[]) => ns.reduce((a, n) => a + n, 0);
	const raised = sum(spec.stage.flat());
	const stage3 = sum(spec.stage.map((row) => row[2] + row[3]));
	const closed = sum(spec.closed);
	const half = (n: number) => Math.floor(n / 2);
	const [r1, s1, f1] = [half(raised), Math.min(half(stage3), half(raised)), half(spec.referrals)];
	// A month's keys: at random (a month's rows are not another figure's).
	const keyed = (v: MetricValue): MetricValue => (rand ? { ...v, keys: { numerator: anyKey(rand), denominator: anyKey(rand), value: anyKey(rand) } } : v);
	const month = (esc: number, st3: number, refs: number, open: number) => ({
		escalations_per_100_referrals: keyed(ratio(esc, refs)),
		escalations_stage3_pct: keyed(ratio(st3, esc)),
		escalation_resolution_median_days: median(12, 0),
		escalations_open_at_end: keyed(m({ value: open })),
		escalations_agreed_pct: keyed(ratio(0, 0))
	});
	const outcomes = spec.outcomes ?? {
		category: CATEGORIES.map((_, i) => (i === 0 ? [closed, 0, 0, 0] : [0, 0, 0, 0])),
		pairs: closed === 0 ? [] : [{ by: 'POL', with: 'CSC', counts: [closed, 0, 0, 0] }]
	};
	const agreed = sum(outcomes.category.map((row) => row[0] + row[1]));
	const table = (rows: string[], columns: string[], counts: number[][], keys?: number[][]): CountTable => ({ rows, columns, counts, ...(keys ? { keys } : {}), rowTotals: true, columnTotals: true });
	// Keys: the stage table's and the outcomes by category's at random, the others adding up to theirs.
	const k = rand
		? (() => {
				const stage = randomKeys(spec.stage, rand);
				const raisedKey = cellKeySum(stage.flat());
				const flat = keysAddingTo(spec.between.flat(), raisedKey, rand);
				const between = spec.between.map((row, r) => row.map((_, c) => flat[r * row.length + c]));
				const category = randomKeys(outcomes.category, rand);
				const outcomeKeys = OUTCOMES.map((_, c) => cellKeySum(columnOf(category, c)));
				const pairCounts = outcomes.pairs.map((p) => p.counts);
				const pairs = transpose(OUTCOMES.map((_, c) => keysAddingTo(columnOf(pairCounts, c), outcomeKeys[c], rand)), pairCounts.length);
				const closedKey = cellKeySum(outcomeKeys);
				return {
					stage,
					between,
					category,
					pairs,
					bins: keysAddingTo(spec.closed, closedKey, rand),
					raised: raisedKey,
					stage3: cellKeySum(stage.flatMap((row) => [row[2], row[3]])),
					agreed: cellKeySum([outcomeKeys[0], outcomeKeys[1]]),
					closed: closedKey,
					referrals: anyKey(rand),
					open: anyKey(rand)
				};
			})()
		: null;
	const withKeys = (v: MetricValue, keys: { numerator?: number; denominator?: number; value?: number }): MetricValue =>
		k ? { ...v, keys: { numerator: keys.numerator ?? null, denominator: keys.denominator ?? null, value: keys.value ?? null } } : v;
	return {
		period: { from: '2024-04-01', to: '2024-05-31' },
		filters: { area: null, agency: null, sector: null },
		figures: {
			escalations_per_100_referrals: withKeys(ratio(raised, spec.referrals), { numerator: k?.raised, denominator: k?.referrals }),
			escalations_stage3_pct: withKeys(ratio(stage3, raised), { numerator: k?.stage3, denominator: k?.raised }),
			escalation_resolution_median_days: median(19.5, closed),
			escalations_open_at_end: withKeys(m({ value: spec.open }), { value: k?.open }),
			escalations_agreed_pct: withKeys(ratio(agreed, closed), { numerator: k?.agreed, denominator: k?.closed })
		},
		// Closed escalations: a third of them (and of the agreed) in April.
		trend: [
			{ month: '2024-04', metrics: { ...month(r1, s1, f1, spec.open + 3), escalations_agreed_pct: keyed(ratio(Math.floor(agreed / 3), Math.floor(closed / 3))) } },
			{ month: '2024-05', metrics: { ...month(raised - r1, stage3 - s1, spec.referrals - f1, spec.open), escalations_agreed_pct: keyed(ratio(agreed - Math.floor(agreed / 3), closed - Math.floor(closed / 3))) } }
		],
		stageByCategory: table(CATEGORIES, ['1', '2', '3', '4'], spec.stage, k?.stage),
		between: table(AGENCIES, AGENCIES, spec.between, k?.between),
		resolutionDays: {
			rows: ['0–7', '8–14', '15–21', '22–28', '29–56', '57–90', '91+'],
			columns: ['escalations'],
			counts: spec.closed.map((n) => [n]),
			...(k ? { keys: k.bins.map((key) => [key]) } : {}),
			rowTotals: false,
			columnTotals: true
		},
		outcomeByCategory: table(CATEGORIES, [...OUTCOMES], outcomes.category, k?.category),
		outcomeByPair: {
			table: table(
				outcomes.pairs.map((p) => `${p.by} → ${p.with}`),
				[...OUTCOMES],
				outcomes.pairs.map((p) => p.counts),
				k?.pairs
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
 * raised (stage, between, two headlines: their number, and those reaching stage 3 or higher,
 * with stages 1 and 2 making up the rest); escalations closed (outcomes by category and by pair,
 * the time to close's bins and total, the share agreed in the headline, with the other outcomes
 * making up the rest, and in each row).
 *
 * Without the cell key method every figure shown must be its true count; with it, the figures
 * shown are taken at their true counts all the same (as if the perturbation could be seen
 * through), so that the suppression alone is tested. `inherent`: what the headlines (shown as
 * the JSON API shows them, whatever the tables) and the zeros give on their own, which no
 * suppression of the tables can hide.
 */
function attack(view: EscalationView, data: EscalationData, policy: DisclosurePolicy = RULES): { truth: Map<string, number>; revealed: Map<string, number>; inherent: Map<string, number> } {
	const pairs = data.outcomeByPair.pairs.length;
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

	const exact = policy.cellKey !== true && policy.profile !== 'publication';
	const known = new Map<string, number>();
	const see = (id: string, s: Shown | undefined, value = s?.value) => {
		if (!s || s.value === null || s.symbol !== null) return;
		if (exact) expect(value, `${id} shown`).toBe(truth.get(id));
		known.set(id, truth.get(id) as number);
	};
	const seeTable = (name: string, table: TableData, rows: number, columns: number) =>
		table.rows.forEach((row, r) => row.cells.slice(0, columns + 1).forEach((cell, c) => see(`${name}:${r === rows ? 'T' : r},${c === columns ? 'T' : c}`, cell as Shown)));
	seeTable('stage', view.stageByCategory.table, 6, 4);
	seeTable('between', view.between.table, AGENCIES.length, AGENCIES.length);
	seeTable('outc', view.outcomes.byCategory.table, 6, 4);
	seeTable('outp', view.outcomes.byPair.table, pairs, 4);
	const headlines: [string, Shown][] = [
		['raised', view.headlines.per100.figure.numerator],
		['stage34', view.headlines.stage3.figure.numerator],
		['raised', view.headlines.stage3.figure.denominator],
		['agreed', view.headlines.agreed.figure.numerator],
		['closed', view.headlines.agreed.figure.denominator]
	];
	for (const [id, s] of headlines) see(id, s);
	see('closed', view.headlines.medianDays.closed);
	see('closed', view.resolution.closed);
	view.resolution.table.rows.slice(0, RESOLUTION_BINS.length).forEach((row, i) => see(`bin:${i}`, row.cells[0] as Shown));
	// A row's share agreed shown beside its shown total gives its agreed and plan changed.
	const shares = (name: string, table: TableData, rows: number) =>
		table.rows.forEach((row, r) => {
			const [total, share] = [row.cells[4] as Shown, row.cells[5] as Shown];
			if (share.value !== null && share.symbol === null && total.value !== null && total.symbol === null) {
				see(`${name}:agreed:${r === rows ? 'T' : r}`, share, Math.round((share.value * total.value) / 100));
			}
		});
	shares('outc', view.outcomes.byCategory.table, 6);
	shares('outp', view.outcomes.byPair.table, pairs);
	const lines = [
		...tableLines('stage', 6, 4),
		...tableLines('between', AGENCIES.length, AGENCIES.length),
		{ members: ['stage:T,2', 'stage:T,3'], total: 'stage34' },
		{ members: ['stage:T,0', 'stage:T,1', 'stage34'], total: 'stage:T,T' },
		{ members: ['raised'], total: 'stage:T,T' },
		{ members: ['between:T,T'], total: 'stage:T,T' },
		...tableLines('outc', 6, 4),
		...tableLines('outp', pairs, 4),
		// The same figures in both outcome tables and the time to close.
		...[0, 1, 2, 3, 'T'].map((c) => ({ members: [`outp:T,${c}`], total: `outc:T,${c}` })),
		{ members: ['closed'], total: 'outc:T,T' },
		{ members: RESOLUTION_BINS.map((_, i) => `bin:${i}`), total: 'closed' },
		{ members: ['outc:T,0', 'outc:T,1'], total: 'agreed' },
		{ members: ['agreed', 'outc:T,2', 'outc:T,3'], total: 'outc:T,T' },
		...agreedOf('outc', 6),
		...agreedOf('outp', pairs)
	];
	// What the headlines shown and the zeros give on their own.
	const free = new Map<string, number>();
	for (const [id, v] of truth) if (v === 0 && !id.includes(':agreed:')) free.set(id, 0);
	for (const [id, s] of headlines) if (isShownValue(s)) free.set(id, truth.get(id) as number);
	const inherent = workedOut(free, lines);
	return { truth, revealed: workedOut(known, lines), inherent };
}

const isShownValue = (s: unknown): s is Shown => typeof s === 'object' && s !== null && (s as Shown).symbol === null && (s as Shown).value !== null;

/**
 * No count from 1 to the threshold shown, none worked out from what is shown but what the
 * headlines give on their own, and no percentage over 100.
 */
function expectSafe(view: EscalationView, data: EscalationData, policy: DisclosurePolicy): void {
	expect(smallNumbers(view, notCount, policy.threshold)).toEqual([]);
	const { truth, revealed, inherent } = attack(view, data, policy);
	for (const [id, v] of revealed) {
		expect(v, id).toBe(truth.get(id));
		if (v >= 1 && v <= policy.threshold) expect(inherent.has(id), `${id} = ${v} worked out`).toBe(true);
	}
	expect(percentages(view).filter((p) => p > 100)).toEqual([]);
}

/** Every percentage the view shows (headlines, trends, share columns). */
function percentages(view: EscalationView): number[] {
	const values = (shown: readonly (Shown | { value: number | null })[]) => shown.flatMap((s) => (s.value === null ? [] : [s.value]));
	const column = (t: TableData) => t.rows.map((row) => row.cells[5] as Shown);
	return [
		...values([view.headlines.stage3.figure.value, view.headlines.agreed.figure.value]),
		...values(view.trend.agreed.series[0].points),
		...values(column(view.outcomes.byCategory.table)),
		...values(column(view.outcomes.byPair.table))
	];
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
	const view = presentEscalation(data, RULES, OPTIONS);

	it('shows no count from 1 to the threshold anywhere, and nothing suppressed can be worked out', () => {
		expectSafe(view, data, RULES);
	});

	it('shows the tables and their totals exactly as suppressTable protects them (no headline needs more here)', () => {
		const stages = suppressTable(data.stageByCategory, RULES);
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

	it('the headlines are the metrics\' own figures; escalations raised is the table\'s total too', () => {
		expect(view.headlines.per100.figure.numerator).toEqual({ value: 69, symbol: null });
		expect(view.headlines.per100.figure.value.value).toBeCloseTo((100 * 69) / 140);
		expect(view.headlines.stage3.figure.denominator).toEqual({ value: 69, symbol: null });
		for (const key of ['escalations_per_100_referrals', 'escalations_stage3_pct', 'escalations_agreed_pct', 'escalations_open_at_end'] as const) {
			const headline = Object.values(view.headlines).find((h) => h.info.key === key);
			expect(headline?.figure, key).toEqual(suppressMetric(key, data.figures[key], RULES));
		}
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
		const few = presentEscalation(pageData({ ...spec, closed: [2, 1, 0, 0, 0, 0, 0] }), RULES, OPTIONS);
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
		const view = presentEscalation(pageData(spec), RULES, OPTIONS);
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
	const view = presentEscalation(data, RULES, OPTIONS);
	const cells = (t: TableData) => t.rows.map((r) => r.cells.slice(0, 5));
	const rows = (t: ShownTable) => [...t.cells.map((row, r) => [...row, t.rowTotals![r]]), [...t.columnTotals!, t.total!]];

	it('the three tables share their totals, suppressed together', () => {
		// Without a headline beside them: by pair, HLT → CSC's 6 agreed is c (to protect POL → CSC's), then its 8
		// withdrawn; alone in the pairs' withdrawn column, the withdrawn total 8 must then be c, and is, in the table by
		// category too (which on its own would have shown it, and given the 8 and then the 6 away).
		const alone = protectClosed(data.resolutionDays, data.outcomeByCategory, data.outcomeByPair.table, RULES);
		expect(rows(alone.byPair)).toEqual([
			[C, n(0), C, n(0), n(14)],
			[C, C, n(0), n(0), C],
			[n(0), n(0), n(0), C, C],
			[n(16), C, C, C, n(29)]
		]);
		expect(rows(alone.byCategory)).toEqual([
			[C, C, n(0), C, n(15)],
			[C, n(0), C, n(0), C],
			[n(0), n(0), n(0), n(0), n(0)],
			[n(0), n(0), C, n(0), C],
			[n(0), n(0), n(0), n(0), n(0)],
			[n(0), n(0), n(0), n(0), n(0)],
			[n(16), C, C, C, n(29)]
		]);
		expect(suppressTable(data.outcomeByCategory, RULES).columnTotals![2]).toEqual(n(8));
		// The time to close: 2 is c, and 6 with it; the total the same 29.
		expect(alone.resolution.cells.map((row) => row[0])).toEqual([C, n(0), n(9), C, n(12), n(0), n(0)]);
		// On the page the same tables, both ways alike.
		expect(cells(view.outcomes.byPair.table).at(-1)).toEqual(cells(view.outcomes.byCategory.table).at(-1));
		expect(view.headlines.medianDays.closed).toEqual(n(29));
		expect(view.resolution.table.rows.at(-1)?.cells[0]).toEqual(n(29));
	});

	it('the headline share agreed is the metric\'s own, 19 of 29; the outcome totals are protected against it', () => {
		expect(data.figures.escalations_agreed_pct).toMatchObject({ numerator: 19, denominator: 29 });
		expect(view.headlines.agreed.figure).toEqual(suppressMetric('escalations_agreed_pct', data.figures.escalations_agreed_pct, RULES));
		expect(view.headlines.agreed.figure).toEqual({ value: n((100 * 19) / 29), numerator: n(19), denominator: n(29) });
		// 19 agreed or plan changed would give the 3 plan changed away beside 16 agreed: the 16 is c too; and, of 29,
		// the 2 unresolved beside 8 withdrawn: the 8 is c too.
		expect(cells(view.outcomes.byCategory.table).at(-1)).toEqual([C, C, C, C, n(29)]);
		// The totals row's share agreed is the headline's; a row's is c where its agreed and plan changed are not
		// given by the table; none closed, z.
		expect(view.outcomes.byCategory.table.rows.map((r) => r.cells[5])).toEqual([C, C, Z, C, Z, Z, view.headlines.agreed.figure.value]);
		expect(view.outcomes.byPair.table.rows.at(-1)?.cells[5]).toEqual(view.headlines.agreed.figure.value);
	});

	it('nothing suppressed can be worked out, and the search finds what the tables alone would give away', () => {
		expectSafe(view, data, RULES);
		const leaky = structuredClone(view);
		leaky.outcomes.byCategory.table.rows[6].cells[0] = n(16);
		expect(attack(leaky, data).revealed.get('outc:T,1')).toBe(3);
		const alone = structuredClone(view);
		const shown = protectClosed(data.resolutionDays, data.outcomeByCategory, data.outcomeByPair.table, RULES);
		alone.outcomes.byCategory.table.rows[6].cells = [...shown.byCategory.columnTotals!, shown.byCategory.total!, alone.outcomes.byCategory.table.rows[6].cells[5]];
		expect(attack(alone, data).revealed.get('outc:T,1')).toBe(3);
	});

	it('protectClosed: tables that do not add up to one total, or to the headline, are all hidden (a fail-safe)', () => {
		const table = (counts: number[][]): CountTable => ({ rows: counts.map((_, i) => `r${i}`), columns: [...OUTCOMES], counts, rowTotals: true, columnTotals: true });
		const bins: CountTable = { rows: ['a', 'b'], columns: ['escalations'], counts: [[10], [10]], rowTotals: false, columnTotals: true };
		expect(protectClosed(bins, table([[10, 0, 0, 10]]), table([[10, 0, 0, 0], [0, 0, 0, 10]]), RULES).byPair.total).toEqual(n(20));
		const expectHidden = (hidden: ReturnType<typeof protectClosed>) => {
			expect(hidden.resolution.cells).toEqual([[C], [C]]);
			expect(hidden.resolution.columnTotals).toEqual([C]);
			expect(hidden.byCategory.cells).toEqual([[C, n(0), n(0), C]]);
			expect(hidden.byPair.total).toEqual(C);
		};
		for (const pairs of [table([[10, 0, 10, 0]]), table([[20, 0, 0, 0]]), table([[10, 0, 0, 9]])]) expectHidden(protectClosed(bins, table([[10, 0, 0, 10]]), pairs, RULES));
		const headline = (numerator: number, denominator: number) => ({ numerator: { count: numerator, shown: n(numerator) }, denominator: { count: denominator, shown: n(denominator) } });
		expect(protectClosed(bins, table([[10, 0, 0, 10]]), table([[10, 0, 0, 10]]), RULES, headline(10, 20)).byPair.total).toEqual(n(20));
		for (const [num, den] of [[11, 20], [10, 21]]) expectHidden(protectClosed(bins, table([[10, 0, 0, 10]]), table([[10, 0, 0, 10]]), RULES, headline(num, den)));
	});
});

describe('the share reaching stage 3: the metric\'s own figure, the stage totals protected against it', () => {
	// Stage 3's total is 4 (c) and stage 4's 10: beside a headline of 14, the 10 would give the 4 away.
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
	const view = presentEscalation(data, RULES, OPTIONS);

	it('the headline is 14, as suppressMetric (the JSON API) shows it', () => {
		expect(data.figures.escalations_stage3_pct.numerator).toBe(14);
		expect(view.headlines.stage3.figure).toEqual(suppressMetric('escalations_stage3_pct', data.figures.escalations_stage3_pct, RULES));
		expect(view.headlines.stage3.figure.numerator).toEqual({ value: 14, symbol: null });
		expect(view.headlines.stage3.figure.denominator).toEqual({ value: 52, symbol: null });
	});

	it('the stage 3 total is c in the table, and so is stage 4\'s (the headline would give it away), the margin protecting both', () => {
		const totals = view.stageByCategory.table.rows[6].cells;
		expect(totals[2]).toEqual({ value: null, symbol: 'c' });
		expect(totals[3]).toEqual({ value: null, symbol: 'c' });
		expect(totals[4]).toEqual({ value: 52, symbol: null });
		// Alone, the table would have shown stage 4's.
		expect(suppressTable(data.stageByCategory, RULES).columnTotals?.[3]).toEqual({ value: 10, symbol: null });
	});

	it('nothing suppressed can be worked out', () => {
		expectSafe(view, data, RULES);
	});

	it('(the search would find what stage 4\'s total beside the headline gives away)', () => {
		const leaky = structuredClone(view);
		leaky.stageByCategory.table.rows[6].cells[3] = { value: 10, symbol: null };
		expect(attack(leaky, data).revealed.get('stage:T,2')).toBe(4);
	});

	it('stage 3 or higher given by the table too: nothing more suppressed', () => {
		const other = pageData({ ...spec, stage: [[10, 8, 4, 3], [7, 9, 0, 0], ...spec.stage.slice(2)], between: [[0, 41, 0, 0], ...spec.between.slice(1)] });
		expect(other.figures.escalations_stage3_pct.numerator).toBe(7);
		const v = presentEscalation(other, RULES, OPTIONS);
		// Stages 3 and 4 are both c in the table, but 41 − 17 − 17 = 7 is known from it.
		expect(v.stageByCategory.table.rows[6].cells.slice(0, 4)).toEqual([
			{ value: 17, symbol: null },
			{ value: 17, symbol: null },
			{ value: null, symbol: 'c' },
			{ value: null, symbol: 'c' }
		]);
		expect(v.headlines.stage3.figure.numerator).toEqual({ value: 7, symbol: null });
		expectSafe(v, other, RULES);
	});
});

describe('under the publication profile', () => {
	it('every count shown is a multiple of 5, every share a whole number', () => {
		for (const policy of [{ ...policyFrom({ profile: 'publication' }), cellKey: false }, policyFrom({ profile: 'publication' })]) {
			const rand = random(42);
			const view = presentEscalation(pageData(randomSpec(rand), rand), policy, OPTIONS);
			// Every count shown (every number but rates, shares, medians and settings): a multiple of 5.
			const counts = smallNumbers(view, notCount, Number.MAX_SAFE_INTEGER);
			expect(counts.length).toBeGreaterThan(0);
			expect(counts.filter((c) => Number(c.split(' = ')[1]) % 5 !== 0)).toEqual([]);
			expect(percentages(view).filter((p) => !Number.isInteger(p))).toEqual([]);
		}
	});
});

/** Every count of a table as shown: `c`, or perturbed by its own key (a total's: its cells' keys added), as `showCount` shows it. */
function expectKeyed(shown: ShownTable | TableData, table: CountTable, policy: DisclosurePolicy): void {
	const keys = table.keys as number[][];
	const R = table.rows.length;
	const C = table.columns.length;
	const counts = table.counts.map((row) => row.map((n) => n ?? 0));
	const figure = (r: number | 'T', c: number | 'T') => {
		const rows = r === 'T' ? [...Array(R).keys()] : [r];
		const columns = c === 'T' ? [...Array(C).keys()] : [c];
		const n = rows.reduce((a, i) => a + columns.reduce((b, j) => b + counts[i][j], 0), 0);
		return { n, key: cellKeySum(rows.flatMap((i) => columns.map((j) => keys[i][j]))) };
	};
	const check = (s: Shown | undefined, r: number | 'T', c: number | 'T') => {
		if (s === undefined || s.symbol === 'c') return;
		const { n, key } = figure(r, c);
		expect(s, `${r},${c}`).toEqual(showCount(n, false, policy, key));
		if (n > policy.threshold && policy.profile !== 'publication') expect(s.value).toBe(perturbed(n, key, policy.threshold));
	};
	const rowsOf = 'cells' in shown ? [...shown.cells.map((row, r) => [...row, shown.rowTotals?.[r]]), [...(shown.columnTotals ?? []), shown.total]] : shown.rows.map((row) => row.cells as Shown[]);
	rowsOf.forEach((row, r) => row.slice(0, C + 1).forEach((s, c) => check(s as Shown | undefined, r === R ? 'T' : r, c === C ? 'T' : c)));
}

describe('under a deployment\'s policy: every count perturbed by its own cell key', () => {
	const spec: Spec = {
		stage: [
			[10, 8, 0, 4],
			[7, 0, 12, 0],
			[0, 0, 0, 0],
			[9, 6, 0, 10],
			[3, 0, 0, 0],
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
		open: 30,
		outcomes: {
			category: [[10, 3, 0, 2], [6, 0, 1, 0], [0, 0, 0, 0], [0, 0, 7, 0], [0, 0, 0, 0], [0, 0, 0, 0]],
			pairs: [
				{ by: 'HLT', with: 'CSC', counts: [6, 0, 8, 0] },
				{ by: 'POL', with: 'CSC', counts: [10, 3, 0, 0] },
				{ by: 'SCH', with: 'HLT', counts: [0, 0, 0, 2] }
			]
		}
	};
	const data = pageData(spec, random(11));
	const view = presentEscalation(data, POLICY, OPTIONS);

	it('the tables: each cell by its own key, each total by its cells\' keys added; the same suppression as without the method', () => {
		expectKeyed(view.stageByCategory.table, data.stageByCategory, POLICY);
		expectKeyed(view.between.table, data.between, POLICY);
		expectKeyed(view.outcomes.byCategory.table, data.outcomeByCategory, POLICY);
		expectKeyed(view.outcomes.byPair.table, data.outcomeByPair.table, POLICY);
		expectKeyed(view.resolution.table, data.resolutionDays, POLICY);
		const exact = presentEscalation(pageData(spec), RULES, OPTIONS);
		const symbols = (v: EscalationView) => JSON.stringify([v.stageByCategory, v.between, v.outcomes, v.resolution.table], (k, x) => (k === 'value' ? undefined : x));
		expect(symbols(view)).toEqual(symbols(exact));
	});

	it('the headlines are the metrics\' own figures, as the JSON API gives them (perturbed by their own keys)', () => {
		for (const key of ['escalations_per_100_referrals', 'escalations_stage3_pct', 'escalations_agreed_pct', 'escalations_open_at_end'] as const) {
			const headline = Object.values(view.headlines).find((h) => h.info.key === key);
			expect(headline?.figure, key).toEqual(suppressMetric(key, data.figures[key], POLICY));
		}
		const raised = data.figures.escalations_per_100_referrals;
		expect(view.headlines.per100.figure.numerator).toEqual({ value: perturbed(69, raised.keys!.numerator!, 5), symbol: null });
		// The same rows, the same key, the same shown number: the tables' total and the headlines.
		expect(view.raised).toEqual(view.headlines.per100.figure.numerator);
		expect(view.headlines.stage3.figure.denominator).toEqual(view.raised);
		expect(view.resolution.closed).toEqual(view.headlines.agreed.figure.denominator);
	});

	it('no count from 1 to the threshold, nothing suppressed worked out (even through the perturbation), no percentage over 100', () => {
		expectSafe(view, data, POLICY);
	});

	it('a share agreed: of the perturbed counts (its count keyed by its cells\' keys, capped at its total), never over 100', () => {
		// Every escalation closed agreed or with the plan changed in one row, so its share is 100% whatever the keys.
		const all: Spec = {
			...spec,
			closed: [30, 29, 0, 0, 0, 0, 0],
			outcomes: {
				category: [[20, 10, 8, 0], [12, 9, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]],
				pairs: [
					{ by: 'HLT', with: 'CSC', counts: [12, 9, 8, 0] },
					{ by: 'POL', with: 'CSC', counts: [20, 10, 0, 0] }
				]
			}
		};
		for (let seed = 0; seed < 20; seed++) {
			const d = pageData(all, random(seed));
			const v = presentEscalation(d, POLICY, OPTIONS);
			const t = d.outcomeByCategory;
			const p = (n: number, key: number) => perturbed(n, key, POLICY.threshold);
			t.counts.slice(0, 2).forEach((row, r) => {
				const keys = t.keys![r];
				const [agreed, total] = [(row[0] ?? 0) + (row[1] ?? 0), row.reduce<number>((a, n) => a + (n ?? 0), 0)];
				const [agreedKey, totalKey] = [cellKeySum([keys[0], keys[1]]), cellKeySum(keys)];
				const share = v.outcomes.byCategory.table.rows[r].cells[5] as Shown;
				expect(share.value).toBeCloseTo((100 * Math.min(p(agreed, agreedKey), p(total, totalKey))) / p(total, totalKey));
				expect(share.value as number).toBeLessThanOrEqual(100);
			});
			expect(v.outcomes.byCategory.table.rows[1].cells[5]).toEqual({ value: 100, symbol: null });
			expect(v.outcomes.byCategory.table.rows[6].cells[5]).toEqual(v.headlines.agreed.figure.value);
			expectSafe(v, d, POLICY);
		}
	});
});

describe('random pages', () => {
	for (const threshold of [3, 5, 10]) {
		for (const method of [false, true]) {
			it(`threshold ${threshold}${method ? ', the cell key method (random keys)' : ''}: no small count shown or worked out, the headlines the metrics' own`, () => {
				const policy: DisclosurePolicy = { ...policyFrom({ threshold }), cellKey: method };
				const rand = random(threshold);
				let protectedFromHeadline = 0;
				for (let i = 0; i < 150; i++) {
					const data = pageData(randomSpec(rand), method ? rand : undefined);
					const view = presentEscalation(data, policy, OPTIONS);
					expectSafe(view, data, policy);
					// Escalations raised is shown in the headline exactly as the table shows its total.
					expect(view.headlines.per100.figure.numerator).toEqual(view.stageByCategory.table.rows[6].cells[4]);
					for (const key of ['escalations_stage3_pct', 'escalations_agreed_pct'] as const) {
						const headline = key === 'escalations_stage3_pct' ? view.headlines.stage3 : view.headlines.agreed;
						expect(headline.figure).toEqual(suppressMetric(key, data.figures[key], policy));
					}
					// The escalations closed: one total and the same outcome totals in every table that shows them.
					const totalsRow = (t: TableData) => t.rows[t.rows.length - 1].cells.slice(0, 5);
					expect(totalsRow(view.outcomes.byPair.table)).toEqual(totalsRow(view.outcomes.byCategory.table));
					expect(view.resolution.closed).toEqual(totalsRow(view.outcomes.byCategory.table)[4]);
					expect(view.headlines.agreed.figure.denominator).toEqual(view.resolution.closed);
					// Where the headline is shown and a stage 3 or 4 total is not, the table was protected against it.
					const stageTotals = view.stageByCategory.table.rows[6].cells as Shown[];
					if (isShownValue(view.headlines.stage3.figure.numerator) && !(isShownValue(stageTotals[2]) && isShownValue(stageTotals[3]))) protectedFromHeadline++;
				}
				expect(protectedFromHeadline).toBeGreaterThan(0);
			});
		}
	}
});

describe('helpers', () => {
	it('knownPart: the subset shown, or the total and the rest shown', () => {
		const shown = (v: number | null): Shown => (v === null ? { value: null, symbol: 'c' } : { value: v, symbol: null });
		expect(knownPart([10, 8, 4, 3], [10, 8, null, null].map(shown), [2, 3], { count: 25, shown: shown(25) })).toBe(7);
		expect(knownPart([10, 8, 4, 3], [10, null, 4, null].map(shown), [2, 3], { count: 25, shown: shown(25) })).toBeNull();
		expect(knownPart([10, 8, 6, 9], [10, null, 6, 9].map(shown), [2, 3])).toBe(15);
	});

	it('Together: a headline shown is never chosen, nor a figure it gives; a table figure is', () => {
		const shown = (n: number): Shown => ({ value: n, symbol: null });
		const C: Shown = { value: null, symbol: 'c' };
		// Cells 4 and 30 beside a headline of 34, their sum: the 30 is suppressed, never the headline.
		const a = new Together();
		const [x, y] = [a.add(4, 1), a.add(30, 2)];
		const [h] = headlineLines(a, [{ members: [x, y], headline: { count: 34, shown: shown(34) } }]);
		expect(a.protect(RULES).suppressed).toEqual([true, true, false]);
		expect(h).toBe(2);
		// 3 (c), 10 and 20 of 33; a headline of 10 gives the 10: the 20 is suppressed, though larger.
		const b = new Together();
		const cells = [3, 10, 20].map((n) => b.add(n, 0));
		const total = b.add(33, 0);
		b.line(cells, total);
		headlineLines(b, [{ members: [cells[1]], headline: { count: 10, shown: shown(10) } }]);
		const { suppressed, show } = b.protect(RULES);
		expect(suppressed).toEqual([true, false, true, false, false]);
		expect(cells.map(show)).toEqual([C, shown(10), C]);
		// A headline that is c (its count small) is protected like any suppressed figure: 4 of 4 + 0 + 30.
		const c = new Together();
		const parts = [4, 0, 30].map((n) => c.add(n, 0));
		headlineLines(c, [{ members: parts.slice(0, 2), headline: { count: 4, shown: C } }]);
		const all = c.add(34, 0);
		c.line(parts, all);
		expect(c.protect(RULES).suppressed).toEqual([true, false, true, true, false]);
		// Under the cell key method each figure by its own key.
		const k = new Together();
		const keyed = k.table({ rows: ['a'], columns: ['x', 'y'], counts: [[40, 9]], keys: [[200, 100]], rowTotals: true, columnTotals: true });
		const perturbing = k.protect(POLICY).show;
		expect(perturbing(keyed.cells[0][0])).toEqual(shown(perturbed(40, 200, 5)));
		expect(perturbing(keyed.total!)).toEqual(shown(perturbed(49, 44, 5)));
		expect(() => new Together().protect(POLICY)).not.toThrow();
		const unkeyed = new Together();
		const i = unkeyed.add(40);
		expect(() => unkeyed.protect(POLICY).show(i)).toThrow(/cell key/);
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

/**
 * The local need page as shown: no count from 1 to 5 anywhere, the tables and the headline
 * protected together, ranks and shares from shown figures only, and the overlap of agencies
 * withheld with the figure when the two would give a suppressed count away. Over hand-made
 * counts with `DEFAULT_POLICY` (exact figures); with cell keys (`withKeys`) under a
 * deployment's policy (`policyFrom({})`: the cell key method), every count shown perturbed by
 * its own key, totals by their cells' keys added, and no percentage over 100.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENCY_COUNTS, CONVERSION_COLUMNS, NEED_DIMENSIONS, needPage, type NeedData, type NeedDimension } from '../dashboard/need.ts';
import type { Benchmark } from '../dashboard/settings.ts';
import { cellKeySum, DEFAULT_POLICY, deriveShares, perturbation, perturbed, policyFrom, suppressTable } from '../disclosure/index.ts';
import type { CountTable, DisclosurePolicy, Shown } from '../disclosure/types.ts';
import { count, determinedExactly, rate, ratio } from '../disclosure/test-support.ts';
import type { MetricValue } from '../metrics/compute.ts';
import { FIXED_GROUPS } from '../metrics/dimensions.ts';
import { contact, extract, K1, K2, K3, K4, K5, referral } from '../metrics/test-fixtures.ts';
import { createTestWarehouse, type TestWarehouse } from '../metrics/test-helpers.ts';
import { groupLabel, presentNeed, type NeedView, type ShownConversionRow } from './need.ts';

const POLICY = DEFAULT_POLICY;
/** A deployment's policy: the cell key method on. */
const KEYED = policyFrom({});
const C: Shown = { value: null, symbol: 'c' };

/** Every shown count of the view (shares, rates and percentages aside), with where it is. */
function shownCounts(view: unknown): { path: string; shown: Shown }[] {
	const out: { path: string; shown: Shown }[] = [];
	const derived = new Set(['shares', 'value', 'trend', 'percent']);
	const walk = (v: unknown, path: string[]) => {
		if (v === null || typeof v !== 'object') return;
		if (path.some((p) => derived.has(p))) return;
		const keys = Object.keys(v);
		if (keys.length === 2 && keys.includes('value') && keys.includes('symbol')) {
			out.push({ path: path.join('.'), shown: v as Shown });
			return;
		}
		for (const [k, child] of Object.entries(v)) walk(child, [...path, k]);
	};
	walk(JSON.parse(JSON.stringify(view)), []);
	return out;
}

function expectNoSmallCount(view: NeedView): void {
	const small = shownCounts(view).filter(({ shown }) => shown.value !== null && shown.value >= 1 && shown.value <= POLICY.threshold);
	expect(small).toEqual([]);
}

/** Every shown percentage of the view: the breakdowns' shares, the conversions, and the two headline percentages. */
function shownPercentages(view: NeedView): { path: string; value: number }[] {
	const out: { path: string; value: number }[] = [];
	const add = (path: string, s: Shown) => s.value !== null && out.push({ path, value: s.value });
	for (const b of view.breakdowns) for (const g of b.groups) g.shares.forEach((s, j) => add(`${b.dimension}.${g.code}.${j}`, s));
	for (const t of [view.conversion.bySector, view.conversion.byAgency]) for (const r of [...t.rows, t.total]) add(`conversion.${t.by}.${r.code}`, r.percent);
	add('multiAgency.figure', view.multiAgency.figure.value);
	add('conversion.figure', view.conversion.figure.value);
	return out;
}

function expectNoPercentageOver100(view: NeedView): void {
	const all = shownPercentages(view);
	expect(all.filter((p) => !(p.value >= 0 && p.value <= 100))).toEqual([]);
}

// ---------------------------------------------------------------- hand-made page data

type Pair = [contacts: number, referrals: number];
const sum = (ns: readonly number[]) => ns.reduce((a, b) => a + b, 0);
const SCOPE = { period: { from: '2024-04-01', to: '2024-06-30' }, filters: { area: null, agency: null, sector: null } };

/** A breakdown table: the groups given, 0 elsewhere; the rest of the whole in the last group (`unknown` or `other`). */
function table(dimension: Exclude<NeedDimension, 'concern'>, given: Record<string, Pair>, whole: Pair): CountTable {
	const rows = [...FIXED_GROUPS[dimension]!];
	const counts = rows.map((r) => [...(given[r] ?? [0, 0])]);
	const rest: Pair = [whole[0] - counts.reduce((s, c) => s + c[0], 0), whole[1] - counts.reduce((s, c) => s + c[1], 0)];
	counts[rows.length - 1][0] += rest[0];
	counts[rows.length - 1][1] += rest[1];
	return { rows, columns: ['contacts', 'referrals'], counts, rowTotals: false, columnTotals: true };
}

/** Contacts by outcome: referral, early help, information and advice, no further action, undecided. */
type Outcomes = [number, number, number, number, number];

interface Given {
	/** code → [contacts, referrals, population] */
	areas: Record<string, [number, number, number]>;
	/** Contacts and referrals of children with no area. */
	noArea?: Pair;
	sector?: Record<string, Pair>;
	concern?: Record<string, number>;
	/** Agencies sharing children, and the children by number of agencies (1, 2, 3, 4+), which must agree. */
	overlap?: { agencies: string[]; counts: number[][]; byCount: [number, number, number, number] };
	/** Contacts by outcome of some sectors (adding up to their contacts); a sector not given: all no further action. */
	outcomes?: Record<string, Outcomes>;
	/** Contacts by outcome by agency (within their sector's). */
	agencies?: Record<string, Outcomes>;
	/** The agencies' sectors (default police). */
	agencySectors?: Record<string, string>;
}

function needData(g: Given): NeedData {
	const areas = Object.entries(g.areas);
	const noArea = g.noArea ?? [0, 0];
	const whole: Pair = [areas.reduce((s, [, a]) => s + a[0], noArea[0]), areas.reduce((s, [, a]) => s + a[1], noArea[1])];
	const population = areas.reduce((s, [, a]) => s + a[2], 0);
	const concerns = FIXED_GROUPS.concern!;
	const overlap = g.overlap ?? { agencies: [], counts: [], byCount: [0, 0, 0, 0] };
	const [one, two, three, four] = overlap.byCount;
	const sectorTable = table('sector', g.sector ?? {}, whole);
	const outcomes = sectorTable.rows.map((code, r) => {
		const contacts = sectorTable.counts[r][0] as number;
		const given = g.outcomes?.[code];
		if (given && sum(given) !== contacts) throw new Error(`${code}'s outcomes add up to ${sum(given)}, not its ${contacts} contacts`);
		return given ?? [0, 0, 0, contacts, 0];
	});
	const column = (c: number) => sum(outcomes.map((o) => o[c]));
	const agencyOutcomes = Object.entries(g.agencies ?? {});
	return {
		...SCOPE,
		totals: { contacts: rate(whole[0], population), referrals: rate(whole[1], population) },
		areas: areas.map(([area, [c, r, pop]], i) => ({ area, name: `Area ${area}`, contacts: rate(c, pop), referrals: rate(r, pop), rank: i + 1 })),
		breakdowns: {
			concern: { rows: [...concerns], columns: ['referrals'], counts: concerns.map((c) => [g.concern?.[c] ?? 0]), rowTotals: false, columnTotals: false },
			sector: sectorTable,
			age_band: table('age_band', {}, whole),
			sex: table('sex', {}, whole),
			ethnicity_group: table('ethnicity_group', {}, whole)
		},
		// One month holding everything.
		trend: [{ month: '2024-04', metrics: { contacts_per_10k: rate(whole[0], population), referrals_per_10k: rate(whole[1], population) } }],
		multiAgency: {
			figure: ratio(two + three + four, one + two + three + four),
			threePlus: count(three + four),
			byCount: AGENCY_COUNTS.map((agencies, i) => ({ agencies, children: overlap.byCount[i] })),
			overlap: { rows: overlap.agencies, columns: overlap.agencies, counts: overlap.counts, rowTotals: false, columnTotals: false }
		},
		conversion: {
			figure: ratio(column(0), column(0) + column(1) + column(2) + column(3)),
			bySector: { rows: sectorTable.rows, columns: [...CONVERSION_COLUMNS], counts: outcomes, rowTotals: false, columnTotals: true },
			byAgency: {
				rows: agencyOutcomes.map(([code]) => code),
				columns: [...CONVERSION_COLUMNS],
				counts: agencyOutcomes.map(([, o]) => o),
				rowTotals: false,
				columnTotals: false
			},
			agencySectors: Object.fromEntries(agencyOutcomes.map(([code]) => [code, g.agencySectors?.[code] ?? 'police']))
		}
	};
}

const breakdown = (view: NeedView, d: NeedDimension) => view.breakdowns.find((b) => b.dimension === d)!;

/** Cell keys 0–255 from a seed (mulberry32): random, and the same for the same seed. */
function keyStream(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = Math.imul(a ^ (a >>> 15), a | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) % 256;
	};
}

/**
 * The page data with cell keys, as the warehouse gives them: a random key for each count of
 * rows (0 for no rows), and every count made of others keyed by their keys added (a table's
 * column with its headline, a sector's outcomes with its contacts, the figures with the
 * children by number of agencies): the largest cell of each takes what makes the sum.
 */
function withKeys(data: NeedData, seed: number): NeedData {
	const next = keyStream(seed);
	const random = (n: number | null) => (n ? next() : 0);
	/** Keys for counts that add up to a count whose key is `total`. */
	const spread = (counts: readonly (number | null)[], total: number): number[] => {
		const keys = counts.map(random);
		const largest = counts.reduce<number>((best, n, i) => ((n ?? 0) > (counts[best] ?? 0) ? i : best), 0);
		if (!counts[largest]) {
			if (total !== 0) throw new Error('a key for no rows');
			return keys;
		}
		keys[largest] = (((total - cellKeySum(keys.filter((_, i) => i !== largest))) % 256) + 256) % 256;
		return keys;
	};
	const column = (t: CountTable, c: number) => t.counts.map((r) => r[c]);
	const transpose = (columns: number[][], rows: number) => [...Array(rows).keys()].map((r) => columns.map((col) => col[r]));
	const numeratorKey = (m: MetricValue, key: number): MetricValue => ({ ...m, keys: { numerator: key, denominator: null, value: null } });
	const b = data.breakdowns;
	const keyed = (t: CountTable, keys: number[][]): CountTable => ({ ...t, keys });

	const sector = keyed(b.sector, b.sector.counts.map((r) => r.map(random)));
	const whole = sector.columns.map((_, c) => cellKeySum(sector.keys!.map((r) => r[c])));
	const adding = (t: CountTable) => keyed(t, transpose(t.columns.map((_, c) => spread(column(t, c), whole[c])), t.rows.length));
	const S = data.conversion.bySector;
	const outcomeKeys = S.rows.map((code, r) => spread(S.counts[r], sector.keys![sector.rows.indexOf(code)][0]!));
	const M = data.multiAgency;
	const groupKeys = M.byCount.map((g) => random(g.children));
	const overlapKeys = M.overlap.counts.map((r) => r.map(() => 0));
	M.overlap.counts.forEach((r, i) => r.forEach((n, j) => j >= i && (overlapKeys[i][j] = overlapKeys[j][i] = random(n))));
	const keyOfColumn = (c: number) => cellKeySum(outcomeKeys.map((k) => k[c]));
	return {
		...data,
		totals: { contacts: numeratorKey(data.totals.contacts, whole[0]), referrals: numeratorKey(data.totals.referrals, whole[1]) },
		areas: data.areas.map((a) => ({
			...a,
			contacts: numeratorKey(a.contacts, random(a.contacts.numerator)),
			referrals: numeratorKey(a.referrals, random(a.referrals.numerator))
		})),
		breakdowns: {
			concern: keyed(b.concern, b.concern.counts.map((r) => r.map(random))),
			sector,
			age_band: adding(b.age_band),
			sex: adding(b.sex),
			ethnicity_group: adding(b.ethnicity_group)
		},
		// The one month holds everything.
		trend: data.trend.map((m) => ({
			...m,
			metrics: { contacts_per_10k: numeratorKey(m.metrics.contacts_per_10k, whole[0]), referrals_per_10k: numeratorKey(m.metrics.referrals_per_10k, whole[1]) }
		})),
		multiAgency: {
			...M,
			figure: { ...M.figure, keys: { numerator: cellKeySum(groupKeys.slice(1)), denominator: cellKeySum(groupKeys), value: null } },
			threePlus: { ...M.threePlus, keys: { numerator: null, denominator: null, value: cellKeySum(groupKeys.slice(2)) } },
			byCount: M.byCount.map((g, i) => ({ ...g, key: groupKeys[i] })),
			overlap: keyed(M.overlap, overlapKeys)
		},
		conversion: {
			...data.conversion,
			figure: { ...data.conversion.figure, keys: { numerator: keyOfColumn(0), denominator: cellKeySum([0, 1, 2, 3].map(keyOfColumn)), value: null } },
			bySector: keyed(S, outcomeKeys),
			byAgency: keyed(data.conversion.byAgency, data.conversion.byAgency.counts.map((r) => r.map(random)))
		}
	};
}

describe('presentNeed over hand-made page data', () => {
	it('ranks and orders areas by their SHOWN rates, suppressed ones last', () => {
		// Unsuppressed, A3 (3,000 per 10,000) and A4 (800) would rank first; A3 is suppressed, and
		// A4 with it (the smallest other area, as children with no area are a hidden rest).
		const data = needData({
			areas: { A1: [100, 40, 2000], A2: [60, 30, 1000], A3: [4, 3, 10], A4: [8, 8, 100] },
			noArea: [20, 10]
		});
		const view = presentNeed(data, POLICY);
		expect(view.areas.map((a) => [a.area, a.referralsRank, a.contactsRank])).toEqual([
			['A2', 1, 1],
			['A1', 2, 2],
			['A3', null, null],
			['A4', null, null]
		]);
		expect(view.areas[2].referrals.value).toEqual(C);
		expect(view.areas[3].referrals).toMatchObject({ value: C, numerator: C, denominator: { value: 100, symbol: null } });
		expect(view.areas[3].population).toBe(100); // an estimate, never suppressed
		expect(view.totals.referrals.numerator).toEqual({ value: 91, symbol: null });
		expectNoSmallCount(view);
	});

	it('a total hidden by the areas is hidden under every table too, and protected there', () => {
		// Contacts: 3 in A1, 50 with no area. The area line suppresses the whole (53); shown
		// under the sector table, it would give A1's 3 back. The table alone would show it.
		const data = needData({ areas: { A1: [3, 0, 1000], A2: [0, 0, 1000] }, noArea: [50, 0], sector: { police: [30, 0], health: [23, 0] } });
		expect(suppressTable(data.breakdowns.sector, POLICY).columnTotals![0]).toEqual({ value: 53, symbol: null });

		const view = presentNeed(data, POLICY);
		expect(view.totals.contacts.numerator).toEqual(C);
		expect(view.totals.contacts.value).toEqual(C);
		for (const d of NEED_DIMENSIONS.filter((d) => d !== 'concern')) {
			const b = breakdown(view, d);
			expect(b.totals![0]).toEqual(C);
			// A suppressed total is protected from its cells: at least one of them is c too.
			expect(b.groups.some((g) => g.counts[0].symbol === 'c'), d).toBe(true);
			expect(b.groups.every((g) => g.shares[0].symbol === 'c')).toBe(true);
		}
		const sector = breakdown(view, 'sector');
		expect(sector.groups.find((g) => g.code === 'health')!.counts[0]).toEqual(C);
		expect(sector.groups.find((g) => g.code === 'police')!.counts[0]).toEqual({ value: 30, symbol: null });
		expectNoSmallCount(view);
	});

	it('table totals are the headline counts; shares as deriveShares gives them where their counts are shown', () => {
		// Referrals by sector: 40, 2 and 20: the 2 is c, and so the 20 (the smallest other).
		const data = needData({ areas: { A1: [120, 62, 2000] }, sector: { police: [100, 40], health: [20, 2], education: [0, 20] } });
		const view = presentNeed(data, POLICY);
		const sector = breakdown(view, 'sector');
		expect(sector.totals).toEqual([view.totals.contacts.numerator, view.totals.referrals.numerator]);
		expect(sector.totals).toEqual([
			{ value: 120, symbol: null },
			{ value: 62, symbol: null }
		]);
		const byCode = Object.fromEntries(sector.groups.map((g) => [g.code, g]));
		expect(byCode.health.counts[1]).toEqual(C);
		expect(byCode.education.counts[1]).toEqual(C);
		expect(byCode.police.counts[1]).toEqual({ value: 40, symbol: null });
		const shares = deriveShares(data.breakdowns.sector, 'column', POLICY);
		const police = data.breakdowns.sector.rows.indexOf('police');
		expect(byCode.police.shares).toEqual(shares[police]);
		expect(byCode.police.shares[1].value).toBeCloseTo((100 * 40) / 62);
		expect(byCode.health.shares[1]).toEqual(C);
		expect(byCode.education.shares[1]).toEqual(C);
		expect(byCode.education.shares[0]).toEqual({ value: 0, symbol: null });
		expect(byCode.police.label).toBe('Police');
		expectNoSmallCount(view);
	});

	it('concerns: counts on their own, shares of all referrals as shown', () => {
		const data = needData({ areas: { A1: [120, 62, 2000] }, concern: { neglect: 30, domestic_abuse: 3, going_missing: 12 } });
		const view = presentNeed(data, POLICY);
		const concern = breakdown(view, 'concern');
		expect(concern.totals).toBeNull();
		const byCode = Object.fromEntries(concern.groups.map((g) => [g.code, g]));
		expect(byCode.neglect.counts[0]).toEqual({ value: 30, symbol: null });
		expect(byCode.neglect.shares[0].value).toBeCloseTo((100 * 30) / 62);
		expect(byCode.domestic_abuse.counts[0]).toEqual(C);
		expect(byCode.domestic_abuse.shares[0]).toEqual(C);
		// No total, so nothing to protect the 3 against: the 12 stays.
		expect(byCode.going_missing.counts[0]).toEqual({ value: 12, symbol: null });
		expect(byCode.physical_abuse.shares[0]).toEqual({ value: 0, symbol: null });

		// With the referrals suppressed, no share is shown.
		const few = presentNeed(needData({ areas: { A1: [20, 4, 2000] }, concern: { neglect: 4 } }), POLICY);
		expect(breakdown(few, 'concern').groups.every((g) => g.shares[0].symbol === 'c')).toBe(true);
		expectNoSmallCount(view);
		expectNoSmallCount(few);
	});

	describe('children known to several agencies', () => {
		const base = { areas: { A1: [120, 62, 2000] as [number, number, number] } };

		it('two agencies sharing 1 to 5 children: the figure would give the pair away, so it is withheld', () => {
			// Known to any = 20 + 15 − 3 = 32: from the figure's 32 the pair's 3 follows. 29 known to one, 3 to two.
			const view = presentNeed(needData({ ...base, overlap: { agencies: ['HLT', 'POL'], counts: [[20, 3], [3, 15]], byCount: [29, 3, 0, 0] } }), POLICY);
			expect(view.multiAgency.withheld).toBe(true);
			expect(view.multiAgency.figure).toEqual({ value: C, numerator: C, denominator: C });
			expect(view.multiAgency.cells).toEqual([
				[{ value: 20, symbol: null }, C],
				[C, { value: 15, symbol: null }]
			]);
			// Known to one agency = 20 + 15 − 2 × 3: shown, it would give the 3 back too.
			expect(view.multiAgency.byCount.map((g) => g.children)).toEqual([C, C, { value: 0, symbol: null }, { value: 0, symbol: null }]);
			expect(view.multiAgency.threePlus.value).toEqual({ value: 0, symbol: null });
			expectNoSmallCount(view);
		});

		it('a chain of agencies (no three sharing pairwise) is exact too: withheld', () => {
			const counts = [
				[20, 3, 0],
				[3, 15, 9],
				[0, 9, 30]
			];
			// 12 children known to two agencies (3 + 9), 65 − 2 × 12 = 41 to one.
			const view = presentNeed(needData({ ...base, overlap: { agencies: ['A', 'B', 'C'], counts, byCount: [41, 12, 0, 0] } }), POLICY);
			expect(view.multiAgency.withheld).toBe(true);
			expect(view.multiAgency.figure.value).toEqual(C);
			expectNoSmallCount(view);
		});

		it('three agencies sharing pairwise no longer make the sums inexact: the 3-plus count shown, they are exact', () => {
			// 2 children known to A, B and C; 14 to two (AB 1, AC 6, BC 7); 31 to one. The pairs add up to
			// 14 + 3 × 2 = 20 and the diagonal to 31 + 2 × 14 + 3 × 2 = 65, so with the 3-plus count the
			// old page's reasoning ("a triangle: only bounds") fails: AB's 3 = 20 − 8 − 9.
			const counts = [
				[20, 3, 8],
				[3, 15, 9],
				[8, 9, 30]
			];
			const view = presentNeed(needData({ ...base, overlap: { agencies: ['A', 'B', 'C'], counts, byCount: [31, 14, 2, 0] } }), POLICY);
			expect(view.multiAgency.cells[0][1]).toEqual(C);
			// The groups first, then the headline counts give way: here the figure is withheld.
			expect(view.multiAgency.byCount.slice(0, 3).map((g) => g.children)).toEqual([C, C, C]);
			expect(view.multiAgency.figure.numerator).toEqual(C);
			expect(view.multiAgency.withheld).toBe(true);
			expect(view.multiAgency.figure.denominator).toEqual({ value: 47, symbol: null });
			expectNoSmallCount(view);
		});

		it('two or more c on the diagonal and among the pairs: the sums tell nothing, the figure is shown', () => {
			// Children: ABC 1, ABD 1, AB 18, AC 1, BD 1, A 19, B 9, C 2, D 1. Diagonal 40, 30, 4, 3; pairs AB 20,
			// AC 2, AD 1, BC 1, BD 2, CD 0. By number of agencies: 31, 20, 2, 0.
			const counts = [
				[40, 20, 2, 1],
				[20, 30, 1, 2],
				[2, 1, 4, 0],
				[1, 2, 0, 3]
			];
			const view = presentNeed(needData({ ...base, overlap: { agencies: ['A', 'B', 'C', 'D'], counts, byCount: [31, 20, 2, 0] } }), POLICY);
			expect(view.multiAgency.withheld).toBe(false);
			expect(view.multiAgency.figure.numerator).toEqual({ value: 22, symbol: null });
			expect(view.multiAgency.figure.denominator).toEqual({ value: 53, symbol: null });
			expect(view.multiAgency.figure.value.value).toBeCloseTo((100 * 22) / 53);
			// 3 (2) is c; 2 + 3-plus = 22 then needs a second: 2's 20.
			expect(view.multiAgency.threePlus.value).toEqual(C);
			expect(view.multiAgency.byCount.map((g) => g.children)).toEqual([{ value: 31, symbol: null }, C, C, { value: 0, symbol: null }]);
			// The matrix keeps its primary suppression only.
			expect(view.multiAgency.cells.flat().filter((c) => c.symbol === 'c')).toHaveLength(10);
		});

		it('nothing suppressed in the overlap: the figure is shown', () => {
			const view = presentNeed(needData({ ...base, overlap: { agencies: ['HLT', 'POL'], counts: [[20, 7], [7, 15]], byCount: [21, 7, 0, 0] } }), POLICY);
			expect(view.multiAgency.withheld).toBe(false);
			expect(view.multiAgency.figure.denominator).toEqual({ value: 28, symbol: null });
			expect(view.multiAgency.byCount.map((g) => g.children.value)).toEqual([21, 7, 0, 0]);
		});

		it('one c on the diagonal, the pairs all shown: the cheapest of the chart and the figure give way, not the matrix', () => {
			// Children: AB 10, BC 8; A 12, B 15, C 3, D 4 of their own. Diagonal 22, 33, 11, 4 (c).
			const counts = [
				[22, 10, 0, 0],
				[10, 33, 8, 0],
				[0, 8, 11, 0],
				[0, 0, 0, 4]
			];
			// Known to one: 12 + 15 + 3 + 4 = 34; to two: 18. No three agencies share children: the pairs
			// give the numerator (18) whatever is shown, and Σ diagonal = denominator + numerator gives the 4
			// unless the denominator is hidden; then the group of 1 (= denominator − numerator) too.
			const view = presentNeed(needData({ ...base, overlap: { agencies: ['A', 'B', 'C', 'D'], counts, byCount: [34, 18, 0, 0] } }), POLICY);
			expect(view.multiAgency.cells[3][3]).toEqual(C);
			expect(view.multiAgency.cells.flat().filter((c) => c.symbol === 'c')).toHaveLength(1);
			expect(view.multiAgency.byCount.map((g) => g.children)).toEqual([C, { value: 18, symbol: null }, { value: 0, symbol: null }, { value: 0, symbol: null }]);
			expect(view.multiAgency.figure).toEqual({ value: C, numerator: { value: 18, symbol: null }, denominator: C });
			expect(view.multiAgency.withheld).toBe(true);
			expectNoSmallCount(view);
		});
	});

	it('benchmarks of the page\'s metrics, beside their figures', () => {
		const b = (metric: Benchmark['metric'], label: string, comparable: boolean): Benchmark => ({
			benchmark_id: `${metric}-${label}`,
			metric,
			label,
			period_start: '2023-04-01',
			period_end: '2024-03-31',
			value: 500,
			source: 'DfE',
			comparable
		});
		const view = presentNeed(needData({ areas: { A1: [120, 62, 2000] } }), POLICY, [
			b('referrals_per_10k', 'England', false),
			b('assessment_45wd_pct', 'England', true)
		]);
		expect(view.benchmarks.referrals).toEqual([{ label: 'England', value: 500, source: 'DfE', period: { from: '2023-04-01', to: '2024-03-31' }, comparable: false }]);
		expect(view.benchmarks.contacts).toEqual([]);

		// Under an agency filter, one agency's rate does not compare with a benchmark of all.
		const comparable = b('referrals_per_10k', 'England', true);
		expect(presentNeed(needData({ areas: { A1: [120, 62, 2000] } }), POLICY, [comparable]).benchmarks.referrals[0].comparable).toBe(true);
		const filtered = needData({ areas: { A1: [120, 62, 2000] } });
		filtered.filters = { ...filtered.filters, agency: 'POL' };
		expect(presentNeed(filtered, POLICY, [comparable]).benchmarks.referrals[0].comparable).toBe(false);
	});

	it('publication profile: counts to the nearest 5, shares whole', () => {
		const data = needData({ areas: { A1: [121, 62, 2000] }, sector: { police: [100, 40], health: [21, 22] }, concern: { neglect: 31 } });
		const view = presentNeed(data, { threshold: 5, profile: 'publication' });
		const sector = breakdown(view, 'sector');
		expect(sector.totals).toEqual([
			{ value: 120, symbol: null },
			{ value: 60, symbol: null }
		]);
		for (const g of sector.groups) for (const s of g.shares) if (s.value !== null) expect(Number.isInteger(s.value)).toBe(true);
		// Concern shares come from the counts before rounding: 31 of 62.
		expect(breakdown(view, 'concern').groups[0].shares[0]).toEqual({ value: 50, symbol: null });
	});

	it('property: every line whose total is shown holds no lone c, every hidden total has a c beside it, and no count from 1 to 5 shows', () => {
		const count = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 6, max: 60 }));
		const pair = fc.tuple(count, count);
		const sectors = FIXED_GROUPS.sector!.slice(0, 4);
		fc.assert(
			fc.property(
				fc.array(pair, { minLength: 1, maxLength: 4 }),
				pair,
				fc.array(pair, { minLength: 4, maxLength: 4 }),
				// With cell keys from this seed under a deployment's policy; null (half the runs): exact, DEFAULT_POLICY.
				fc.option(fc.nat(), { nil: null, freq: 2 }),
				(areaCounts, noArea, sectorCounts, seed) => {
					const areas = Object.fromEntries(areaCounts.map(([c, r], i) => [`A${i + 1}`, [c, r, 1000] as [number, number, number]]));
					const whole: Pair = [sum(areaCounts.map((a) => a[0])) + noArea[0], sum(areaCounts.map((a) => a[1])) + noArea[1]];
					// The sectors take what they can of the whole; the last group the rest.
					const sector: Record<string, Pair> = {};
					const left: Pair = [...whole];
					sectorCounts.forEach(([c, r], i) => {
						sector[sectors[i]] = [Math.min(c, left[0]), Math.min(r, left[1])];
						left[0] -= sector[sectors[i]][0];
						left[1] -= sector[sectors[i]][1];
					});
					const data = needData({ areas, noArea, sector });
					const view = seed === null ? presentNeed(data, POLICY) : presentNeed(withKeys(data, seed), KEYED);
					expectNoSmallCount(view);
					expectNoPercentageOver100(view);
					(['contacts', 'referrals'] as const).forEach((side, j) => {
						const total = view.totals[side].numerator;
						for (const b of view.breakdowns.filter((b) => b.totals)) {
							expect(b.totals![j]).toEqual(total);
							const cs = b.groups.filter((g) => g.counts[j].symbol === 'c').length;
							if (total.symbol === null) expect(cs).not.toBe(1);
							else expect(cs).toBeGreaterThan(0);
						}
						// The areas with the children of no area (c when small, else taken as known).
						const restSmall = noArea[j] >= 1 && noArea[j] <= POLICY.threshold;
						const cs = view.areas.filter((a) => a[side].numerator.symbol === 'c').length + (restSmall ? 1 : 0);
						if (total.symbol === null) expect(cs).not.toBe(1);
					});
				}
			),
			{ numRuns: 300 }
		);
	});

	it('group labels in words', () => {
		expect(['children_social_care', 'under_1', '1_4', '18_plus', 'unknown', 'domestic_abuse'].map(groupLabel)).toEqual([
			'Children’s social care',
			'Under 1',
			'1 to 4',
			'18 and over',
			'Not known',
			'Domestic abuse'
		]);
	});
});

// ---------------------------------------------------------------- contacts by outcome

const SHOWN = (value: number): Shown => ({ value, symbol: null });
/** Whether a line of shown figures has exactly one `c` (one figure given away by the others). */
const loneC = (figures: readonly Shown[]) => figures.filter((f) => f.symbol === 'c').length === 1;

describe('contacts by outcome', () => {
	const base = { areas: { A1: [97, 40, 2000] as [number, number, number] } };

	it('the headline is the tables\' totals; a group\'s conversion is c when its referrals or decided contacts are', () => {
		// Police: 3 referrals (c) of 33 decided: its row takes its 30 no further action; the referral column
		// takes education's 20; the no further action column education's 30. Youth justice: undecided only.
		const data = needData({
			areas: { A1: [145, 40, 2000] },
			sector: { police: [33, 10], health: [50, 10], education: [50, 10], youth_justice: [12, 10] },
			outcomes: { police: [3, 0, 0, 30, 0], health: [0, 10, 0, 40, 0], education: [20, 0, 0, 30, 0], youth_justice: [0, 0, 0, 0, 12] }
		});
		const view = presentNeed(data, POLICY);
		const { bySector, figure } = view.conversion;
		const row = (code: string) => bySector.rows.find((r) => r.code === code)!;
		expect(bySector.total.outcomes).toEqual([SHOWN(23), SHOWN(10), SHOWN(0), SHOWN(100), SHOWN(12)]);
		expect(bySector.total.decided).toEqual(SHOWN(133));
		expect(figure).toMatchObject({ numerator: SHOWN(23), denominator: SHOWN(133) });
		expect(figure.value.value).toBeCloseTo((100 * 23) / 133);
		expect(bySector.total.percent.value).toBeCloseTo((100 * 23) / 133);
		expect(row('police')).toMatchObject({ outcomes: [C, SHOWN(0), SHOWN(0), C, SHOWN(0)], decided: SHOWN(33), percent: C });
		expect(row('education')).toMatchObject({ outcomes: [C, SHOWN(0), SHOWN(0), C, SHOWN(0)], decided: SHOWN(50), percent: C });
		expect(row('health')).toMatchObject({ outcomes: [SHOWN(0), SHOWN(10), SHOWN(0), SHOWN(40), SHOWN(0)], decided: SHOWN(50), percent: SHOWN(0) });
		// No decided contact: no percentage.
		expect(row('youth_justice')).toMatchObject({ outcomes: [SHOWN(0), SHOWN(0), SHOWN(0), SHOWN(0), SHOWN(12)], decided: SHOWN(0) });
		expect(row('youth_justice').percent).toEqual({ value: null, symbol: 'z' });
		// The contact counts are as the joint call left them.
		expect(breakdown(view, 'sector').groups.filter((g) => g.counts[0].symbol === 'c')).toEqual([]);
		expectNoSmallCount(view);
	});

	it('decided + undecided = the sector\'s contacts shown beside: a contact count is suppressed further when the outcomes need it', () => {
		// As above: police's decided 33 is c and it has no undecided contact, so its 33 contacts in the table of
		// contacts and referrals by sector would give it back. The joint call suppressed health's 4 and youth
		// justice's 10 there (the smallest), not police's: now police's is c too, wherever it shows.
		const data = needData({
			...base,
			sector: { police: [33, 10], health: [4, 10], education: [50, 10], youth_justice: [10, 10] },
			outcomes: { police: [3, 0, 0, 30, 0], health: [0, 0, 0, 4, 0], education: [20, 0, 0, 30, 0], youth_justice: [0, 0, 0, 0, 10] }
		});
		const sector = breakdown(presentNeed(data, POLICY), 'sector');
		const contacts = (code: string) => sector.groups.find((g) => g.code === code)!;
		expect(contacts('police').counts[0]).toEqual(C);
		expect(contacts('police').shares[0]).toEqual(C);
		expect(contacts('health').counts[0]).toEqual(C);
		expect(contacts('youth_justice').counts[0]).toEqual(C);
		expect(contacts('education').counts[0]).toEqual(SHOWN(50));
		expect(sector.totals![0]).toEqual(SHOWN(97));
		// And youth justice's 10 contacts, all undecided, are the only undecided ones: with its 10 suppressed
		// there, the undecided total goes, so the decided total (97 − 10) and, with it, the referral total:
		// the headline is c.
		const view = presentNeed(data, POLICY);
		expect(view.conversion.bySector.total).toMatchObject({ decided: C, outcomes: [C, SHOWN(0), SHOWN(0), SHOWN(64), C] });
		expect(view.conversion.figure).toEqual({ value: C, numerator: C, denominator: C });
		expect(view.conversion.withheld).toBe(true);

		// Without the outcomes' need (police has an undecided contact to take it), police's contacts stay.
		const other = needData({
			...base,
			sector: { police: [33, 10], health: [4, 10], education: [50, 10], youth_justice: [10, 10] },
			outcomes: { police: [3, 0, 0, 22, 8], health: [0, 0, 0, 4, 0], education: [20, 0, 0, 30, 0], youth_justice: [0, 0, 0, 0, 10] }
		});
		const stays = breakdown(presentNeed(other, POLICY), 'sector');
		expect(stays.groups.find((g) => g.code === 'police')!.counts[0]).toEqual(SHOWN(33));
		expect(presentNeed(other, POLICY).conversion.withheld).toBe(false);
	});

	it('a handful of undecided contacts: the contacts headline less the decided would give them away, so the decided total goes', () => {
		// 150 contacts, 149 decided, 1 undecided (c). Decided + undecided = the 150 shown above: the 149 is c
		// (smaller than the 150), and in the totals row the smallest other, the 30 referrals, with it.
		const data = needData({
			areas: { A1: [150, 40, 2000] },
			sector: { police: [100, 20], health: [50, 20] },
			outcomes: { police: [20, 0, 0, 79, 1], health: [10, 0, 0, 40, 0] }
		});
		const view = presentNeed(data, POLICY);
		expect(view.totals.contacts.numerator).toEqual(SHOWN(150));
		expect(view.conversion.bySector.total).toMatchObject({ outcomes: [C, SHOWN(0), SHOWN(0), SHOWN(119), C], decided: C, percent: C });
		expect(view.conversion.figure).toEqual({ value: C, numerator: C, denominator: C });
		expect(view.conversion.withheld).toBe(true);
		expectNoSmallCount(view);
	});

	it('by agency: a contact from a source code alone is in no agency, a hidden rest', () => {
		// Police 60 contacts: POL's 40, the other 20 (2 referrals, 3 early help, 15 no further action) from source codes alone.
		const data = needData({
			areas: { A1: [60, 20, 2000] },
			sector: { police: [60, 20] },
			outcomes: { police: [14, 6, 0, 40, 0] },
			agencies: { POL: [12, 3, 0, 25, 0] }
		});
		const view = presentNeed(data, POLICY);
		const pol = view.conversion.byAgency.rows[0];
		expect(view.conversion.byAgency.rows.map((r) => r.code)).toEqual(['POL']);
		// POL's 3 early help: c, and its smallest other (12 referrals) too; the conversion then c.
		expect(pol).toMatchObject({ outcomes: [C, C, SHOWN(0), SHOWN(25), SHOWN(0)], decided: SHOWN(40), percent: C });
		// The agency table's total row is every contact's (the sector table's, the headline's).
		expect(view.conversion.byAgency.total).toEqual(view.conversion.bySector.total);
		expectNoSmallCount(view);
	});

	it('a sector whose contacts all come from one agency: its row is that agency\'s, suppressed alike', () => {
		// Education: all SCH's. Its 8 referrals are c in the agency table only if they are in the sector table.
		const data = needData({
			areas: { A1: [130, 20, 2000] },
			sector: { police: [60, 10], education: [70, 10] },
			outcomes: { police: [14, 6, 0, 40, 0], education: [8, 2, 20, 40, 0] },
			agencies: { POL: [12, 3, 0, 25, 0], SCH: [8, 2, 20, 40, 0] },
			agencySectors: { POL: 'police', SCH: 'education' }
		});
		const view = presentNeed(data, POLICY);
		const education = view.conversion.bySector.rows.find((r) => r.code === 'education')!;
		const sch = view.conversion.byAgency.rows.find((r) => r.code === 'SCH')!;
		// The 2 early help is c, and the 8 referrals with it (the smallest other of the row), in both.
		expect(sch.outcomes).toEqual([C, C, SHOWN(20), SHOWN(40), SHOWN(0)]);
		expect({ ...education, code: 'SCH', label: 'SCH' }).toEqual(sch);
		expectNoSmallCount(view);
	});

	it('property: no lone c in any line of the tables, with the contact counts beside them, and the headline their totals', () => {
		const count = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 6, max: 40 }));
		const outcomes = fc.tuple(count, count, count, count, count);
		const sectors = ['police', 'health', 'education', 'voluntary'];
		fc.assert(
			fc.property(
				fc.array(outcomes, { minLength: 4, maxLength: 4 }),
				fc.array(fc.nat(100), { minLength: 4, maxLength: 4 }),
				count,
				// With cell keys from this seed under a deployment's policy; null (half the runs): exact, DEFAULT_POLICY.
				fc.option(fc.nat(), { nil: null, freq: 2 }),
				(bySector, agencyShare, noArea, seed) => {
					const sectorContacts = bySector.map((o) => sum(o));
					const whole = sum(sectorContacts);
					const areaContacts = Math.max(0, whole - Math.min(noArea, whole));
					const agencies: Record<string, Outcomes> = {};
					// Each sector's agency sends a share of its contacts, outcome by outcome; the rest came by source code.
					bySector.forEach((o, i) => (agencies[`AG${i}`] = o.map((n) => Math.floor((n * agencyShare[i]) / 100)) as Outcomes));
					const data = needData({
						areas: { A1: [areaContacts, 0, 1000] },
						noArea: [whole - areaContacts, 0],
						sector: Object.fromEntries(sectors.map((code, i) => [code, [sectorContacts[i], 0] as Pair])),
						outcomes: Object.fromEntries(sectors.map((code, i) => [code, bySector[i]])),
						agencies,
						agencySectors: Object.fromEntries(sectors.map((code, i) => [`AG${i}`, code]))
					});
					const view = seed === null ? presentNeed(data, POLICY) : presentNeed(withKeys(data, seed), KEYED);
					expectNoSmallCount(view);
					expectNoPercentageOver100(view);
					const { bySector: S, byAgency: A, figure } = view.conversion;
					expect([figure.numerator, figure.denominator]).toEqual([S.total.outcomes[0], S.total.decided]);
					expect(A.total).toEqual(S.total);
					const decidedOf = (r: ShownConversionRow) => r.outcomes.slice(0, 4);
					for (const r of [...S.rows, ...A.rows, S.total]) {
						expect(loneC([...decidedOf(r), r.decided]), r.code).toBe(false);
						if (r.outcomes[0].symbol === 'c' || r.decided.symbol === 'c') expect(r.percent).toEqual(C);
					}
					// Decided + undecided = contacts: in each sector (the sector table beside) and in all (the headline).
					const sectorTable = breakdown(view, 'sector');
					for (const r of S.rows) {
						const contacts = sectorTable.groups.find((g) => g.code === r.code)!.counts[0];
						expect(loneC([r.decided, r.outcomes[4], contacts]), r.code).toBe(false);
					}
					expect(loneC([S.total.decided, S.total.outcomes[4], view.totals.contacts.numerator])).toBe(false);
					// Columns: the sector table with its totals; the agency table with them and the hidden rest (c when small).
					for (let c = 0; c <= 5; c++) {
						const of = (r: ShownConversionRow) => (c === 5 ? r.decided : r.outcomes[c]);
						expect(loneC([...S.rows.map(of), of(S.total)]), `sector column ${c}`).toBe(false);
						const totalOf = c === 5 ? (o: Outcomes) => sum(o.slice(0, 4)) : (o: Outcomes) => o[c];
						const rest = sum(bySector.map(totalOf)) - sum(Object.values(agencies).map(totalOf));
						const cs = A.rows.map(of).filter((s) => s.symbol === 'c').length + (rest >= 1 && rest <= POLICY.threshold ? 1 : 0);
						if (of(S.total).symbol === null) expect(cs, `agency column ${c}`).not.toBe(1);
					}
					// Each sector's row is its agency's row and its contacts from source codes alone (c when small).
					S.rows.forEach((r) => {
						const i = sectors.indexOf(r.code);
						if (i < 0) return;
						const agency = A.rows.find((a) => a.code === `AG${i}`)!;
						for (let c = 0; c <= 5; c++) {
							const of = (x: ShownConversionRow) => (c === 5 ? x.decided : x.outcomes[c]);
							const valueOf = (o: Outcomes) => (c === 5 ? sum(o.slice(0, 4)) : o[c]);
							const rest = valueOf(bySector[i]) - valueOf(agencies[`AG${i}`]);
							// As for a breakdown's rest: counted as c when small; where nothing else can be, the engine
							// suppresses it as the second figure, which the page does not show: so only a shown total is checked.
							const cs = (of(agency).symbol === 'c' ? 1 : 0) + (rest >= 1 && rest <= POLICY.threshold ? 1 : 0);
							if (of(r).symbol === null) expect(cs, `${r.code} and its agency, column ${c}`).not.toBe(1);
						}
					});
					// The contact counts the outcomes may have suppressed further are still protected in their own lines.
					for (const b of view.breakdowns.filter((b) => b.totals)) {
						expect(b.totals![0]).toEqual(view.totals.contacts.numerator);
						if (b.totals![0].symbol === null) expect(loneC(b.groups.map((g) => g.counts[0]))).toBe(false);
					}
				}
			),
			{ numRuns: 300 }
		);
	});
});

// ---------------------------------------------------------------- children by number of agencies

describe('children by number of agencies, with the overlap of agencies', () => {
	it('property: from random children, no count from 1 to 5 shows, no lone c in a line, and no c can be worked out; shown: the data\'s', () => {
		fc.assert(
			fc.property(
				fc.integer({ min: 1, max: 5 }).chain((k) =>
					fc.tuple(
						fc.constant(k),
						// Children as sets of agencies (bit masks), some sets many times, most few.
						fc.array(fc.tuple(fc.integer({ min: 1, max: (1 << k) - 1 }), fc.oneof(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 4, max: 25 }))), {
							minLength: 1,
							maxLength: 8
						})
					)
				),
				// With cell keys from this seed under a deployment's policy; null (half the runs): exact, DEFAULT_POLICY.
				fc.option(fc.nat(), { nil: null, freq: 2 }),
				([k, sets], seed) => {
					const agencies = [...Array(k).keys()].map((i) => `AG${i}`);
					const counts = agencies.map(() => agencies.map(() => 0));
					const byCount: [number, number, number, number] = [0, 0, 0, 0];
					for (const [mask, n] of sets) {
						const members = agencies.map((_, i) => i).filter((i) => mask & (1 << i));
						for (const i of members) for (const j of members) counts[i][j] += n;
						byCount[Math.min(members.length, 4) - 1] += n;
					}
					const plain = needData({ areas: { A1: [120, 62, 2000] }, overlap: { agencies, counts, byCount } });
					const data = seed === null ? plain : withKeys(plain, seed);
					const view = presentNeed(data, seed === null ? POLICY : KEYED);
					expectNoSmallCount(view);
					expectNoPercentageOver100(view);
					const m = view.multiAgency;
					const [B1, B2, B3, B4] = m.byCount.map((g) => g.children);
					const [three, num, den] = [m.threePlus.value, m.figure.numerator, m.figure.denominator];
					for (const line of [
						[B1, B2, B3, B4, den],
						[B1, num, den],
						[B1, B2, three, den],
						[B2, B3, B4, num],
						[B2, three, num],
						[B3, B4, three]
					])
						expect(loneC(line)).toBe(false);
					// The exact relations, written out here: the lines, and the matrix's sums with weights.
					const family = [B1, B2, B3, B4, three, num, den];
					const familyValues = [...byCount, byCount[2] + byCount[3], byCount[1] + byCount[2] + byCount[3], sum(byCount)];
					const cellAt: number[][] = agencies.map(() => []);
					const values = [...familyValues];
					const shown = [...family];
					// Their cell keys (the headline counts': their groups' added), under the cell key method.
					const M = data.multiAgency;
					const groupKeys = M.byCount.map((g) => g.key ?? 0);
					const keys = [...groupKeys, cellKeySum(groupKeys.slice(2)), cellKeySum(groupKeys.slice(1)), cellKeySum(groupKeys)];
					for (let i = 0; i < k; i++)
						for (let j = i; j < k; j++) {
							cellAt[i][j] = values.push(counts[i][j]) - 1;
							keys.push(M.overlap.keys?.[i][j] ?? 0);
							shown.push(m.cells[i][j]);
							expect(m.cells[j][i]).toEqual(m.cells[i][j]);
						}
					const terms = (ids: number[], w: number) => ids.map((i) => [i, w] as [number, number]);
					const relations = [
						[...terms([0, 1, 2, 3], 1), [6, -1]],
						[...terms([0, 5], 1), [6, -1]],
						[...terms([0, 1, 4], 1), [6, -1]],
						[...terms([1, 2, 3], 1), [5, -1]],
						[...terms([1, 4], 1), [5, -1]],
						[...terms([2, 3], 1), [4, -1]],
						[...terms(agencies.map((_, i) => cellAt[i][i]), 1), [6, -1], [5, -1], [4, -1], [3, -1]],
						[...terms(agencies.flatMap((_, i) => agencies.map((_, j) => j).filter((j) => j > i).map((j) => cellAt[i][j])), 1), [5, -1], [4, -2], [3, -3]]
					] as [number, number][][];
					expect(determinedExactly(values, relations, shown.map((s) => s.symbol === 'c'))).toEqual([]);
					// What is shown is the data's: perturbed by its own key under the cell key method, the figure's
					// numerator (figure 5) never above its denominator (figure 6).
					const expected = (i: number): number => (seed === null ? values[i] : perturbed(values[i], keys[i], KEYED.threshold));
					shown.forEach((s, i) => s.symbol === null && expect(s.value, `figure ${i}`).toBe(i === 5 ? Math.min(expected(5), expected(6)) : expected(i)));
				}
			),
			{ numRuns: 300 }
		);
	});
});

// ---------------------------------------------------------------- under the cell key method

describe('under a deployment\'s policy: the cell key method', () => {
	// Contacts and referrals 240 and 121 (40 referrals in the last sector, `other`); A, B, C and D
	// share children: ABCD 7, ABC 10, AB 8; A 30, B 20, C 25 alone. By number of agencies 75, 8, 10, 7.
	const given: Given = {
		areas: { A1: [150, 80, 2000], A2: [90, 41, 1000] },
		sector: { police: [100, 40], health: [60, 30], education: [80, 11] },
		concern: { neglect: 60, domestic_abuse: 33, going_missing: 3 },
		outcomes: { police: [30, 20, 10, 32, 8], health: [20, 10, 10, 14, 6], education: [15, 15, 15, 27, 8] },
		agencies: { POL: [20, 10, 0, 22, 8] },
		overlap: {
			agencies: ['A', 'B', 'C', 'D'],
			counts: [
				[55, 25, 17, 7],
				[25, 45, 17, 7],
				[17, 17, 42, 7],
				[7, 7, 7, 7]
			],
			byCount: [75, 8, 10, 7]
		}
	};
	const SEEDS = [...Array(24).keys()];
	/** A count as the cell key method shows it (a key is required). */
	const P = (n: number, key: number | null | undefined) => {
		if (key === null || key === undefined) throw new Error(`a count of ${n} with no key`);
		return perturbed(n, key, KEYED.threshold);
	};
	const shown = (value: number): Shown => ({ value, symbol: null });

	it('a deployment\'s policy perturbs; the tests over hand-made counts above are exact', () => {
		expect(KEYED).toMatchObject({ threshold: 5, profile: 'dashboard', cellKey: true });
		expect(POLICY.cellKey).toBeUndefined();
		// Without its keys, a count is refused rather than shown exact.
		expect(() => presentNeed(needData(given), KEYED)).toThrow(/cell key/);
	});

	it('every count shown is perturbed by its own cell key', () => {
		let moved = 0;
		for (const seed of SEEDS) {
			const data = withKeys(needData(given), seed);
			const view = presentNeed(data, KEYED);
			const pairs: { at: string; shown: Shown; n: number; key: number }[] = [];
			const add = (at: string, s: Shown, n: number | null, key: number | null | undefined) => pairs.push({ at, shown: s, n: n!, key: key! });
			for (const side of ['contacts', 'referrals'] as const) {
				add(`total ${side}`, view.totals[side].numerator, data.totals[side].numerator, data.totals[side].keys?.numerator);
				for (const a of view.areas) {
					const m = data.areas.find((d) => d.area === a.area)![side];
					add(`${a.area} ${side}`, a[side].numerator, m.numerator, m.keys?.numerator);
				}
			}
			for (const b of view.breakdowns) {
				const t = data.breakdowns[b.dimension];
				b.groups.forEach((g, r) => g.counts.forEach((s, j) => add(`${b.dimension} ${g.code} ${j}`, s, t.counts[r][j], t.keys![r][j])));
			}
			for (const [t, shownTable] of [
				[data.conversion.bySector, view.conversion.bySector],
				[data.conversion.byAgency, view.conversion.byAgency]
			] as const) {
				shownTable.rows.forEach((row, r) => {
					row.outcomes.forEach((s, c) => c > 0 && add(`${row.code} ${c}`, s, t.counts[r][c], t.keys![r][c]));
					const decided = { n: sum(t.counts[r].slice(0, 4) as number[]), key: cellKeySum(t.keys![r].slice(0, 4)) };
					add(`${row.code} decided`, row.decided, decided.n, decided.key);
					// The referrals, the conversion's numerator: never above the decided contacts.
					if (row.outcomes[0].symbol === null && row.decided.symbol === null) {
						expect(row.outcomes[0]).toEqual(shown(Math.min(P(t.counts[r][0]!, t.keys![r][0]!), P(decided.n, decided.key))));
					}
				});
			}
			const M = data.multiAgency;
			view.multiAgency.byCount.forEach((g, i) => add(`known to ${g.agencies}`, g.children, M.byCount[i].children, M.byCount[i].key));
			view.multiAgency.cells.forEach((row, i) => row.forEach((s, j) => add(`overlap ${i} ${j}`, s, M.overlap.counts[i][j], M.overlap.keys![i][j])));
			add('3 or more', view.multiAgency.threePlus.value, M.threePlus.value, M.threePlus.keys?.value);
			add('1 or more', view.multiAgency.figure.denominator, M.figure.denominator, M.figure.keys?.denominator);
			add('conversion: decided', view.conversion.figure.denominator, data.conversion.figure.denominator, data.conversion.figure.keys?.denominator);

			const c = (at: string) => pairs.find((p) => p.at === at)!;
			expect(c('concern going_missing 0').shown).toEqual(C);
			for (const p of pairs) if (p.shown.symbol === null) expect(p.shown, `${p.at}, seed ${seed}`).toEqual(shown(P(p.n, p.key)));
			moved += pairs.filter((p) => p.shown.symbol === null && p.shown.value !== p.n).length;
			// The headline's numerator and the tables' total referrals: the same rows, the same number.
			const conversion = data.conversion.figure;
			expect(view.conversion.figure.numerator).toEqual(shown(Math.min(P(conversion.numerator!, conversion.keys!.numerator!), P(conversion.denominator!, conversion.keys!.denominator!))));
			expect(view.conversion.bySector.total.outcomes[0]).toEqual(view.conversion.figure.numerator);
			expect(view.conversion.figure.value.value).toBeCloseTo((100 * view.conversion.figure.numerator.value!) / view.conversion.figure.denominator.value!);
			expectNoSmallCount(view);
			expectNoPercentageOver100(view);
		}
		// Perturbed: most counts of 8 or more move, for some key.
		expect(moved).toBeGreaterThan(SEEDS.length * 10);
	});

	it('a total is perturbed by the sum of its cells\' keys', () => {
		for (const seed of SEEDS) {
			const data = withKeys(needData(given), seed);
			const view = presentNeed(data, KEYED);
			// The tables' totals: the headline, whose key is the sum of each table's column.
			for (const b of view.breakdowns.filter((b) => b.totals)) {
				const t = data.breakdowns[b.dimension];
				b.columns.forEach((side, j) => {
					const key = cellKeySum(t.keys!.map((r) => r[j]));
					expect(b.totals![j], `${b.dimension} ${side}`).toEqual(shown(P(side === 'contacts' ? 240 : 121, key)));
				});
			}
			// Contacts by outcome: every contact's, each column the sum of its sectors' (the referrals: the headline's).
			const S = data.conversion.bySector;
			const total = view.conversion.bySector.total;
			CONVERSION_COLUMNS.forEach((_, c) => {
				const n = sum(S.counts.map((r) => r[c] ?? 0));
				const key = cellKeySum(S.keys!.map((r) => r[c]));
				if (c === 0) expect(P(n, key)).toBeGreaterThanOrEqual(total.outcomes[0].value!);
				else expect(total.outcomes[c], `column ${c}`).toEqual(shown(P(n, key)));
			});
			expect(total.decided).toEqual(shown(P(sum(S.counts.flatMap((r) => r.slice(0, 4) as number[])), cellKeySum(S.keys!.flatMap((r) => r.slice(0, 4))))));
			expect(view.conversion.byAgency.total).toEqual(total);
			// Children with 3 or more agencies, 2 or more and 1 or more: the groups' keys added.
			const g = data.multiAgency.byCount.map((b) => b.key!);
			const m = view.multiAgency;
			expect(m.threePlus.value).toEqual(shown(P(17, cellKeySum(g.slice(2)))));
			expect(m.figure.denominator).toEqual(shown(P(100, cellKeySum(g))));
			expect(m.figure.numerator).toEqual(shown(Math.min(P(25, cellKeySum(g.slice(1))), P(100, cellKeySum(g)))));
		}
	});

	it('no percentage over 100: a part perturbed up over its whole perturbed down is capped at it', () => {
		// Neglect: 40 of the 41 referrals (a referral counts under each of its concerns). Police: 40 referrals of
		// 42 decided contacts, the other 2 (early help, information and advice) c.
		const close: Given = {
			areas: { A1: [150, 41, 2000] },
			sector: { police: [42, 41], health: [108, 0] },
			concern: { neglect: 40 },
			outcomes: { police: [40, 1, 1, 0, 0], health: [0, 0, 0, 108, 0] }
		};
		const found = { concern: false, conversion: false };
		for (const seed of [...Array(200).keys()]) {
			const data = withKeys(needData(close), seed);
			const view = presentNeed(data, KEYED);
			expectNoSmallCount(view);
			expectNoPercentageOver100(view);
			const neglect = data.breakdowns.concern.rows.indexOf('neglect');
			if (P(40, data.breakdowns.concern.keys![neglect][0]) > P(41, data.totals.referrals.keys!.numerator!)) {
				found.concern = true;
				expect(breakdown(view, 'concern').groups[neglect].shares[0]).toEqual(shown(100));
			}
			const police = view.conversion.bySector.rows.find((r) => r.code === 'police')!;
			const keys = data.conversion.bySector.keys![data.conversion.bySector.rows.indexOf('police')];
			if (police.decided.symbol === null && police.outcomes[0].symbol === null && P(40, keys[0]) > P(42, cellKeySum(keys.slice(0, 4)))) {
				found.conversion = true;
				expect(police.outcomes[0]).toEqual(police.decided);
				expect(police.percent).toEqual(shown(100));
			}
			if (found.concern && found.conversion && seed >= 40) break;
		}
		expect(found).toEqual({ concern: true, conversion: true });
	});

	it('publication profile: the perturbed counts rounded to 5, shares and conversions from them unrounded', () => {
		const publication = policyFrom({ profile: 'publication' });
		expect(publication.cellKey).toBe(true);
		for (const seed of SEEDS.slice(0, 8)) {
			const data = withKeys(needData(given), seed);
			const view = presentNeed(data, publication);
			for (const { shown: s } of shownCounts(view)) if (s.value !== null) expect(s.value % 5, JSON.stringify(s)).toBe(0);
			const neglect = data.breakdowns.concern.rows.indexOf('neglect');
			const referrals = P(121, data.totals.referrals.keys!.numerator!);
			expect(breakdown(view, 'concern').groups[neglect].shares[0]).toEqual(shown(Math.round((100 * Math.min(P(60, data.breakdowns.concern.keys![neglect][0]), referrals)) / referrals)));
			expectNoPercentageOver100(view);
		}
	});

	it('perturbation: the table of p for counts above the threshold (a check on the helper the tests use)', () => {
		expect([...Array(256).keys()].map((k) => perturbation(6, k, 5)).every((p) => p === 0)).toBe(true);
		expect(new Set([...Array(256).keys()].map((k) => perturbation(40, k, 5)))).toEqual(new Set([-2, -1, 0, 1, 2]));
	});
});

// ---------------------------------------------------------------- through the warehouse

describe('presentNeed over a small extract', () => {
	let t: TestWarehouse;
	beforeAll(async () => {
		t = await createTestWarehouse(
			extract({
				contacts: [
					contact({ contact_id: 'c1', child_id: K1, received_at: '2024-04-02 09:00:00', source_agency_code: 'POL' }),
					contact({ contact_id: 'c2', child_id: K2, received_at: '2024-05-10 09:00:00', source_code: '3A' }),
					contact({ contact_id: 'c3', child_id: K3, received_at: '2024-06-20 09:00:00', source_agency_code: 'SCH' }),
					contact({ contact_id: 'c4', child_id: K4, received_at: '2024-04-15 09:00:00', source_agency_code: 'POL' })
				],
				referrals: [
					referral({ referral_id: 'r1', child_id: K1, received_at: '2024-04-03 09:00:00', source_agency_code: 'POL', concerns: ['neglect', 'domestic_abuse'] }),
					referral({ referral_id: 'r2', child_id: K3, received_at: '2024-06-21 09:00:00', source_agency_code: 'SCH', concerns: ['neglect'] }),
					referral({ referral_id: 'r3', child_id: K5, received_at: '2024-05-05 09:00:00', source_agency_code: 'HLT' })
				]
			})
		);
	});
	afterAll(async () => t.dispose());

	it('every count is from the warehouse, and none from 1 to 5 is shown', async () => {
		const view = presentNeed(await needPage(t.warehouse, SCOPE.period), POLICY);
		expect(view.totals.contacts).toMatchObject({ value: C, numerator: C, denominator: { value: 3500, symbol: null } });
		expect(view.areas.map((a) => [a.area, a.referralsRank])).toEqual([
			['A1', null],
			['A2', null]
		]);
		for (const b of view.breakdowns) for (const g of b.groups) for (const s of g.shares) expect(s.symbol).not.toBeNull();
		expect(view.trend.referrals.every((p) => p.value === null && p.symbol === 'c')).toBe(true);
		expect(shownCounts(view).length).toBeGreaterThan(50);
		expectNoSmallCount(view);
	});
});

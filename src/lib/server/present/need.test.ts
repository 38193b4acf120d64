/**
 * The local need page as shown: no count from 1 to 5 anywhere, the tables and the headline
 * protected together, ranks and shares from shown figures only, and the overlap of agencies
 * withheld with the figure when the two would give a suppressed count away.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NEED_DIMENSIONS, needPage, type NeedData, type NeedDimension } from '../dashboard/need.ts';
import type { Benchmark } from '../dashboard/settings.ts';
import { DEFAULT_POLICY, deriveShares, suppressTable } from '../disclosure/index.ts';
import type { CountTable, Shown } from '../disclosure/types.ts';
import { NOT_APPLICABLE, rate, ratio } from '../disclosure/test-support.ts';
import { FIXED_GROUPS } from '../metrics/dimensions.ts';
import { contact, extract, K1, K2, K3, K4, K5, referral } from '../metrics/test-fixtures.ts';
import { createTestWarehouse, type TestWarehouse } from '../metrics/test-helpers.ts';
import { groupLabel, presentNeed, type NeedView } from './need.ts';

const POLICY = DEFAULT_POLICY;
const C: Shown = { value: null, symbol: 'c' };

/** Every shown count of the view (shares, rates and percentages aside), with where it is. */
function shownCounts(view: unknown): { path: string; shown: Shown }[] {
	const out: { path: string; shown: Shown }[] = [];
	const derived = new Set(['shares', 'value', 'trend']);
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

interface Given {
	/** code → [contacts, referrals, population] */
	areas: Record<string, [number, number, number]>;
	/** Contacts and referrals of children with no area. */
	noArea?: Pair;
	sector?: Record<string, Pair>;
	concern?: Record<string, number>;
	overlap?: { agencies: string[]; counts: number[][]; figure: [number, number] };
}

function needData(g: Given): NeedData {
	const areas = Object.entries(g.areas);
	const noArea = g.noArea ?? [0, 0];
	const whole: Pair = [areas.reduce((s, [, a]) => s + a[0], noArea[0]), areas.reduce((s, [, a]) => s + a[1], noArea[1])];
	const population = areas.reduce((s, [, a]) => s + a[2], 0);
	const concerns = FIXED_GROUPS.concern!;
	const overlap = g.overlap ?? { agencies: [], counts: [], figure: [0, 0] };
	return {
		...SCOPE,
		totals: { contacts: rate(whole[0], population), referrals: rate(whole[1], population) },
		areas: areas.map(([area, [c, r, pop]], i) => ({ area, name: `Area ${area}`, contacts: rate(c, pop), referrals: rate(r, pop), rank: i + 1 })),
		breakdowns: {
			concern: { rows: [...concerns], columns: ['referrals'], counts: concerns.map((c) => [g.concern?.[c] ?? 0]), rowTotals: false, columnTotals: false },
			sector: table('sector', g.sector ?? {}, whole),
			age_band: table('age_band', {}, whole),
			sex: table('sex', {}, whole),
			ethnicity_group: table('ethnicity_group', {}, whole)
		},
		// One month holding everything.
		trend: [{ month: '2024-04', metrics: { contacts_per_10k: rate(whole[0], population), referrals_per_10k: rate(whole[1], population) } }],
		multiAgency: {
			figure: overlap.figure[1] === 0 ? NOT_APPLICABLE : ratio(...overlap.figure),
			overlap: { rows: overlap.agencies, columns: overlap.agencies, counts: overlap.counts, rowTotals: false, columnTotals: false }
		}
	};
}

const breakdown = (view: NeedView, d: NeedDimension) => view.breakdowns.find((b) => b.dimension === d)!;

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
			// Known to any = 20 + 15 − 3 = 32: from the figure's 32 the pair's 3 follows.
			const view = presentNeed(needData({ ...base, overlap: { agencies: ['HLT', 'POL'], counts: [[20, 3], [3, 15]], figure: [3, 32] } }), POLICY);
			expect(view.multiAgency.withheld).toBe(true);
			expect(view.multiAgency.figure).toEqual({ value: C, numerator: C, denominator: C });
			expect(view.multiAgency.cells).toEqual([
				[{ value: 20, symbol: null }, C],
				[C, { value: 15, symbol: null }]
			]);
			expectNoSmallCount(view);
		});

		it('a chain of agencies (no three sharing pairwise) is exact too: withheld', () => {
			const counts = [
				[20, 3, 0],
				[3, 15, 9],
				[0, 9, 30]
			];
			const view = presentNeed(needData({ ...base, overlap: { agencies: ['A', 'B', 'C'], counts, figure: [12, 53] } }), POLICY);
			expect(view.multiAgency.withheld).toBe(true);
			expect(view.multiAgency.figure.value).toEqual(C);
		});

		it('three agencies sharing pairwise: only bounds follow, so the figure is shown', () => {
			const counts = [
				[20, 3, 8],
				[3, 15, 9],
				[8, 9, 30]
			];
			const view = presentNeed(needData({ ...base, overlap: { agencies: ['A', 'B', 'C'], counts, figure: [17, 48] } }), POLICY);
			expect(view.multiAgency.withheld).toBe(false);
			expect(view.multiAgency.figure.numerator).toEqual({ value: 17, symbol: null });
			expect(view.multiAgency.figure.value.value).toBeCloseTo((100 * 17) / 48);
			expect(view.multiAgency.cells[0][1]).toEqual(C);
		});

		it('nothing suppressed in the overlap: the figure is shown', () => {
			const view = presentNeed(needData({ ...base, overlap: { agencies: ['HLT', 'POL'], counts: [[20, 7], [7, 15]], figure: [7, 28] } }), POLICY);
			expect(view.multiAgency.withheld).toBe(false);
			expect(view.multiAgency.figure.denominator).toEqual({ value: 28, symbol: null });
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
		// Concern shares come from the shown (rounded) counts: 30 of 60.
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
				(areaCounts, noArea, sectorCounts) => {
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
					const view = presentNeed(needData({ areas, noArea, sector }), POLICY);
					expectNoSmallCount(view);
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

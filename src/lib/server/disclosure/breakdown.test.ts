import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MetricSet, MetricValue } from '../metrics/compute.ts';
import { DIMENSIONS, type Dimension } from '../metrics/dimensions.ts';
import { SCOPES } from '../metrics/events.ts';
import { METRIC_KEYS, type MetricKey } from '../metrics/keys.ts';
import { REGISTRY } from '../metrics/registry.ts';
import { addsUp, COUNTED, POSITIONS, scopeOfCounted, suppressBreakdowns, suppressGroups, type Counted, type GroupedResult, type WholeResult } from './breakdown.ts';
import { COUNT_FIELDS, type CountField } from './metric.ts';
import { count, countArb, DASHBOARD, median, metricSet, NOT_APPLICABLE, policyArb, rate, ratio, RUNS } from './test-support.ts';
import type { Shown, ShownMetric } from './types.ts';

const PERIOD = { from: '2024-04-01', to: '2024-06-30' };
const FILTERS = { area: null, agency: null, sector: null };

function breakdown(by: Dimension, groups: Record<string, Partial<Record<MetricKey, MetricValue>>>, whole: Partial<Record<MetricKey, MetricValue>>) {
	const grouped: GroupedResult = { period: PERIOD, filters: FILTERS, by, groups: Object.entries(groups).map(([group, g]) => ({ group, metrics: metricSet(g) })) };
	const all: WholeResult = { period: PERIOD, filters: FILTERS, by: null, metrics: metricSet(whole) };
	return suppressGroups(grouped, all, DASHBOARD);
}

/** A shown figure as the test writes it: its symbol or its value. */
const text = (s: Shown) => s.symbol ?? s.value;
const figures = (m: ShownMetric) => [text(m.value), text(m.numerator), text(m.denominator)];

describe('what counts add up across which breakdowns', () => {
	it('records what every count of every metric counts, among the metric\'s own sources', () => {
		for (const key of METRIC_KEYS) {
			const { kind, sources } = REGISTRY[key];
			expect(Object.keys(COUNTED[key]).sort()).toEqual([...COUNT_FIELDS[kind]].sort());
			for (const counted of Object.values(COUNTED[key])) {
				expect(sources as readonly string[]).toContain(scopeOfCounted(counted));
			}
		}
		expect(COUNTED.multi_agency_children_pct).toEqual({ numerator: 'children', denominator: 'children' });
	});

	it('concern groups never add up', () => {
		for (const counted of [...Object.keys(SCOPES), 'children', ...Object.keys(POSITIONS)] as const) expect(addsUp(counted as never, 'concern')).toBe(false);
	});

	it('agency and sector groups add up for rows of one agency, not for requests and escalations (counted for both agencies)', () => {
		for (const by of ['agency', 'sector'] as const) {
			expect(['contacts', 'referrals', 'meeting_attendance', 'audit_actions'].map((s) => addsUp(s as never, by))).toEqual([true, true, true, true]);
			expect(['info_requests', 'escalations', 'open_escalations', 'overdue_info_requests', 'children'].map((s) => addsUp(s as never, by))).toEqual([false, false, false, false, false]);
			// An overdue action has one owner.
			expect(addsUp('overdue_audit_actions', by)).toBe(true);
		}
	});

	it('children with involved agencies add up by area, sex and ethnicity only; counts at the end by all but month', () => {
		const by = (counted: Counted) => DIMENSIONS.filter((d) => addsUp(counted, d));
		expect(by('children')).toEqual(['area', 'sex', 'ethnicity_group']);
		expect(by('open_escalations')).toEqual(['area', 'age_band', 'sex', 'ethnicity_group']);
		expect(by('overdue_info_requests')).toEqual(['area', 'age_band', 'sex', 'ethnicity_group']);
		expect(by('open_assessments_over_45wd')).toEqual(['area', 'age_band', 'sex', 'ethnicity_group']);
		expect(by('overdue_audit_actions')).toEqual(['area', 'sector', 'agency', 'age_band', 'sex', 'ethnicity_group']);
		expect(DIMENSIONS.filter((d) => addsUp('referrals', d))).toEqual(['month', 'area', 'sector', 'agency', 'age_band', 'sex', 'ethnicity_group']);
	});
});

describe('suppressGroups', () => {
	it('by month: the groups add up to the whole, so secondary suppression applies to each count', () => {
		// Denominators [3, 10, 12 | 25]: 3 → c, then 10. Numerators [1, 6, 6 | 13]: 1 → c, then the first 6.
		const s = breakdown(
			'month',
			{ '2024-04': { re_referrals_12m_pct: ratio(1, 3) }, '2024-05': { re_referrals_12m_pct: ratio(6, 10) }, '2024-06': { re_referrals_12m_pct: ratio(6, 12) } },
			{ re_referrals_12m_pct: ratio(13, 25) }
		);
		expect(s.by).toBe('month');
		expect(s.groups.map((g) => g.group)).toEqual(['2024-04', '2024-05', '2024-06']);
		expect(s.groups.map((g) => figures(g.metrics.re_referrals_12m_pct))).toEqual([
			['c', 'c', 'c'],
			['c', 'c', 'c'],
			[50, 6, 12]
		]);
		expect(figures(s.total.re_referrals_12m_pct)).toEqual([52, 13, 25]);
	});

	it('by area: the rows of no area are a hidden rest, never chosen; the whole is suppressed when nothing else can be', () => {
		// Referrals [3, 20] of 33 (10 of no area): 3 → c, then 20 (the rest cannot hide it).
		const a = breakdown('area', { A1: { referrals_per_10k: rate(3, 1000) }, A2: { referrals_per_10k: rate(20, 2000) } }, { referrals_per_10k: rate(33, 3000) });
		expect(a.groups.map((g) => figures(g.metrics.referrals_per_10k))).toEqual([
			['c', 'c', 1000],
			['c', 'c', 2000]
		]);
		expect(figures(a.total.referrals_per_10k)).toEqual([110, 33, 3000]);
		// [3, 0] of 13: only the whole is left to protect 3.
		const b = breakdown('area', { A1: { referrals_per_10k: rate(3, 1000) }, A2: { referrals_per_10k: rate(0, 2000) } }, { referrals_per_10k: rate(13, 3000) });
		expect(figures(b.total.referrals_per_10k)).toEqual(['c', 'c', 3000]);
		expect(figures(b.groups[1].metrics.referrals_per_10k)).toEqual([0, 0, 2000]);
		// A rest of 4 is itself small: with 3, two suppressed, nothing more.
		const c = breakdown('area', { A1: { referrals_per_10k: rate(3, 1000) }, A2: { referrals_per_10k: rate(20, 2000) } }, { referrals_per_10k: rate(27, 3000) });
		expect(c.groups.map((g) => text(g.metrics.referrals_per_10k.numerator))).toEqual(['c', 20]);
	});

	it('by concern: the groups overlap, so each is suppressed on its own', () => {
		const s = breakdown(
			'concern',
			{ neglect: { referrals_per_10k: rate(3, 1000) }, emotional_abuse: { referrals_per_10k: rate(20, 1000) }, physical_abuse: { referrals_per_10k: rate(10, 1000) } },
			{ referrals_per_10k: rate(25, 1000) }
		);
		expect(s.groups.map((g) => text(g.metrics.referrals_per_10k.numerator))).toEqual(['c', 20, 10]);
		expect(text(s.total.referrals_per_10k.numerator)).toBe(25);
	});

	it('by agency: referrals add up, escalations (counted for both agencies) do not', () => {
		const s = breakdown(
			'agency',
			{ POL: { escalations_per_100_referrals: ratio(3, 4) }, HLT: { escalations_per_100_referrals: ratio(9, 30) }, SCH: { escalations_per_100_referrals: ratio(7, 40) } },
			{ escalations_per_100_referrals: ratio(12, 74) }
		);
		expect(s.groups.map((g) => figures(g.metrics.escalations_per_100_referrals))).toEqual([
			['c', 'c', 'c'],
			['c', 9, 'c'], // its referrals, 30, the smallest other
			[17.5, 7, 40]
		]);
		expect(figures(s.total.escalations_per_100_referrals)).toEqual([(100 * 12) / 74, 12, 74]);
	});

	it('open escalations and children: secondary suppression by area, not by month', () => {
		const byArea = breakdown(
			'area',
			{ A1: { escalations_open_at_end: count(2), multi_agency_children_pct: ratio(8, 9) }, A2: { escalations_open_at_end: count(9), multi_agency_children_pct: ratio(20, 40) } },
			{ escalations_open_at_end: count(11), multi_agency_children_pct: ratio(28, 49) }
		);
		expect(byArea.groups.map((g) => text(g.metrics.escalations_open_at_end.value))).toEqual(['c', 'c']);
		expect(byArea.groups.map((g) => figures(g.metrics.multi_agency_children_pct))).toEqual([
			[(100 * 8) / 9, 8, 9],
			[50, 20, 40]
		]);
		const byMonth = breakdown(
			'month',
			{ '2024-04': { escalations_open_at_end: count(2), multi_agency_children_pct: ratio(3, 9) }, '2024-05': { escalations_open_at_end: count(9), multi_agency_children_pct: ratio(20, 40) } },
			{ escalations_open_at_end: count(9), multi_agency_children_pct: ratio(22, 45) }
		);
		expect(byMonth.groups.map((g) => text(g.metrics.escalations_open_at_end.value))).toEqual(['c', 9]);
		expect(byMonth.groups.map((g) => figures(g.metrics.multi_agency_children_pct))).toEqual([
			['c', 'c', 9],
			[50, 20, 40]
		]);
	});

	it('medians: over 1 to the threshold values c, nothing adds up', () => {
		const s = breakdown('month', { '2024-04': { assessment_median_wd: median(20, 4) }, '2024-05': { assessment_median_wd: median(30, 50) } }, { assessment_median_wd: median(29, 54) });
		expect(s.groups.map((g) => text(g.metrics.assessment_median_wd.value))).toEqual(['c', 30]);
		expect(text(s.total.assessment_median_wd.value)).toBe(29);
	});

	it('metrics not applicable to the breakdown: groups z, the whole as it is', () => {
		const s = breakdown('agency', { POL: {}, HLT: {} }, { assessment_45wd_pct: ratio(30, 40) });
		expect(s.groups.map((g) => figures(g.metrics.assessment_45wd_pct))).toEqual([
			['z', 'z', 'z'],
			['z', 'z', 'z']
		]);
		expect(figures(s.total.assessment_45wd_pct)).toEqual([75, 30, 40]);
	});

	it('refuses a whole of another period or filters, and groups adding up to more than the whole', () => {
		const grouped: GroupedResult = { period: PERIOD, filters: FILTERS, by: 'area', groups: [{ group: 'A1', metrics: metricSet({ referrals_per_10k: rate(8, 100) }) }] };
		const whole: WholeResult = { period: PERIOD, filters: FILTERS, by: null, metrics: metricSet({ referrals_per_10k: rate(7, 100) }) };
		expect(() => suppressGroups(grouped, { ...whole, filters: { ...FILTERS, area: 'A1' } }, DASHBOARD)).toThrow(/same period and filters/);
		expect(() => suppressGroups(grouped, whole, DASHBOARD)).toThrow(/referrals_per_10k's numerator by area: the groups \(8\) add up to more than the whole \(7\)/);
	});
});

describe('suppressBreakdowns', () => {
	const grouped = (by: Dimension, counts: number[]): GroupedResult => ({
		period: PERIOD,
		filters: FILTERS,
		by,
		groups: counts.map((n, i) => ({ group: `${by}${i}`, metrics: metricSet({ referrals_per_10k: rate(n, 1000) }) }))
	});
	const whole = (n: number): WholeResult => ({ period: PERIOD, filters: FILTERS, by: null, metrics: metricSet({ referrals_per_10k: rate(n, 1000) }) });
	const numerators = (b: { groups: { metrics: { referrals_per_10k: ShownMetric } }[] }) => b.groups.map((g) => text(g.metrics.referrals_per_10k.numerator));

	it('breakdowns of one whole on one page are protected together', () => {
		// By area [3, 0] of 30 (27 of no area): only the whole can protect 3. By month [10, 20]
		// of 30: with the whole suppressed, 10 (the smallest) goes too.
		const [byArea, byMonth] = suppressBreakdowns([grouped('area', [3, 0]), grouped('month', [10, 20])], whole(30), DASHBOARD);
		expect(numerators(byArea)).toEqual(['c', 0]);
		expect(numerators(byMonth)).toEqual(['c', 20]);
		expect(text(byArea.total.referrals_per_10k.numerator)).toBe('c');
		expect(byMonth.total).toBe(byArea.total);
		// Alone, the month breakdown would have shown everything.
		expect(numerators(suppressGroups(grouped('month', [10, 20]), whole(30), DASHBOARD))).toEqual([10, 20]);
	});

	it('a breakdown that does not add up takes no part', () => {
		const [byConcern, byMonth] = suppressBreakdowns([grouped('concern', [3, 29]), grouped('month', [10, 20])], whole(30), DASHBOARD);
		expect(numerators(byConcern)).toEqual(['c', 29]);
		expect(numerators(byMonth)).toEqual([10, 20]);
	});
});

/** A random breakdown: every metric, with counts whose groups add up to at most the whole. */
const breakdownArb = fc
	.record({ by: fc.constantFrom(...DIMENSIONS), size: fc.integer({ min: 1, max: 8 }) })
	.chain(({ by, size }) => {
		const pair = fc.tuple(countArb, countArb).map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as const);
		const perMetric = fc.record({ groups: fc.array(pair, { minLength: size, maxLength: size }), rest: pair, x: fc.boolean() });
		return fc.record({
			by: fc.constant(by),
			metrics: fc.tuple(...METRIC_KEYS.map(() => perMetric))
		});
	})
	.map(({ by, metrics }) => {
		const rests = {} as Record<MetricKey, readonly [number, number]>;
		// As compute.ts makes them; a group with nothing to count is now and then x (no source rows).
		const value = (key: MetricKey, [num, den]: readonly [number, number], unavailable: boolean): MetricValue => {
			const kind = REGISTRY[key].kind;
			if (unavailable && num === 0) {
				const x: MetricValue = { ...NOT_APPLICABLE, status: 'x' };
				if (kind === 'ratio') return { ...x, numerator: 0, denominator: den };
				if (kind === 'per_10k') return { ...x, numerator: 0, population: 1000 };
				return kind === 'median' ? { ...x, n: 0 } : x;
			}
			if (kind === 'ratio') return ratio(num, den);
			if (kind === 'per_10k') return rate(num, 1000);
			if (kind === 'median') return num === 0 ? { ...median(0, 0), value: null, status: 'z' } : median(den, num);
			return count(num);
		};
		const groupSets: MetricSet[] = metrics[0].groups.map(() => ({}) as MetricSet);
		const whole = {} as MetricSet;
		METRIC_KEYS.forEach((key, k) => {
			const { groups, rest, x } = metrics[k];
			rests[key] = rest;
			const applicable = REGISTRY[key].dimensions.includes(by);
			groups.forEach((g, i) => (groupSets[i][key] = applicable ? value(key, g, x) : NOT_APPLICABLE));
			const sum = (j: 0 | 1) => groups.reduce((a, g) => a + g[j], rest[j]);
			whole[key] = value(key, [sum(0), sum(1)], false);
		});
		const grouped: GroupedResult = { period: PERIOD, filters: FILTERS, by, groups: groupSets.map((metrics, i) => ({ group: `g${i}`, metrics })) };
		const all: WholeResult = { period: PERIOD, filters: FILTERS, by: null, metrics: whole };
		return { grouped, whole: all, rests };
	});

describe('suppressGroups over random breakdowns', () => {
	const shownCount = (m: ShownMetric, field: CountField) => (field === 'value' ? m.value : m[field]);
	const restOf = (rest: readonly [number, number], field: CountField) => (field === 'denominator' ? rest[1] : rest[0]);

	it('protects every count that adds up; suppresses the others alone; values follow their counts', () => {
		fc.assert(
			fc.property(breakdownArb, policyArb, ({ grouped, whole, rests }, policy) => {
				const s = suppressGroups(grouped, whole, policy);
				const small = (n: number | null) => n !== null && n >= 1 && n <= policy.threshold;
				for (const key of METRIC_KEYS) {
					const kind = REGISTRY[key].kind;
					const all = [...grouped.groups.map((g, i) => [g.metrics[key], s.groups[i].metrics[key]] as const), [whole.metrics[key], s.total[key]] as const];
					for (const field of COUNT_FIELDS[kind]) {
						// No count from 1 to the threshold is ever shown.
						for (const [m, shown] of all) if (small(m[field])) expect(shownCount(shown, field).symbol).toBe('c');
						const applicable = REGISTRY[key].dimensions.includes(grouped.by);
						if (applicable && addsUp(COUNTED[key][field]!, grouped.by)) {
							// The groups, the hidden rest and the whole: never exactly one c (the rest counts when small).
							const suppressed = all.filter(([, shown]) => shownCount(shown, field).symbol === 'c').length + (small(restOf(rests[key], field)) ? 1 : 0);
							expect(suppressed, `${key}'s ${field}`).not.toBe(1);
						} else {
							for (const [m, shown] of all) if (m[field] !== null) expect(shownCount(shown, field).symbol === 'c').toBe(small(m[field]));
						}
					}
					for (const [m, shown] of all) {
						const isC = (x: Shown) => x.symbol === 'c';
						if (m.status !== 'ok') expect(shown.value.symbol).toBe(m.status);
						else if (kind === 'ratio') expect(isC(shown.value)).toBe(isC(shown.numerator) || isC(shown.denominator));
						else if (kind === 'per_10k') expect(isC(shown.value)).toBe(isC(shown.numerator));
						else if (kind === 'median') expect(isC(shown.value)).toBe(small(m.n));
						// A count metric's value is its count: checked with the counts above.
					}
				}
			}),
			RUNS
		);
	});
});

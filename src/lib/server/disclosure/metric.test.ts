import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MetricValue } from '../metrics/compute.ts';
import { METRIC_KEYS, type MetricKey } from '../metrics/keys.ts';
import { REGISTRY } from '../metrics/registry.ts';
import { COUNT_FIELDS, suppressMetric, suppressMetricSet } from './metric.ts';
import { count, countArb, DASHBOARD, median, metricSet, NOT_APPLICABLE, policyArb, PUBLICATION, rate, ratio, RUNS } from './test-support.ts';
import type { Shown, ShownMetric } from './types.ts';

const c: Shown = { value: null, symbol: 'c' };
const z: Shown = { value: null, symbol: 'z' };
const x: Shown = { value: null, symbol: 'x' };
const v = (value: number): Shown => ({ value, symbol: null });

describe('suppressMetric: ratios', () => {
	it('shows a ratio whose counts are both above the threshold', () => {
		expect(suppressMetric('re_referrals_12m_pct', ratio(6, 48), DASHBOARD)).toEqual({ value: v(12.5), numerator: v(6), denominator: v(48) });
	});

	it('is c when its numerator is suppressed, and so is the numerator', () => {
		expect(suppressMetric('re_referrals_12m_pct', ratio(3, 48), DASHBOARD)).toEqual({ value: c, numerator: c, denominator: v(48) });
	});

	it('is c when its denominator is suppressed, a numerator of 0 still shown', () => {
		expect(suppressMetric('assessment_45wd_pct', ratio(0, 4), DASHBOARD)).toEqual({ value: c, numerator: v(0), denominator: c });
	});

	it('per 100 can exceed 100 and follows the same rule', () => {
		expect(suppressMetric('escalations_per_100_referrals', ratio(9, 3), DASHBOARD)).toEqual({ value: c, numerator: v(9), denominator: c });
		expect(suppressMetric('escalations_per_100_referrals', ratio(9, 6), PUBLICATION)).toEqual({ value: v(150), numerator: v(10), denominator: v(5) });
	});

	it('publication: a whole-number percentage from the unrounded counts', () => {
		// 7 / 13 = 53.8…%, shown 54 (not 5 / 15 = 33%).
		expect(suppressMetric('re_referrals_12m_pct', ratio(7, 13), PUBLICATION)).toEqual({ value: v(54), numerator: v(5), denominator: v(15) });
	});

	it('z (denominator 0) and x show their symbols, with the counts that were reported', () => {
		expect(suppressMetric('icpc_15wd_pct', ratio(0, 0), DASHBOARD)).toEqual({ value: z, numerator: v(0), denominator: v(0) });
		const unavailable: MetricValue = { value: null, numerator: 0, denominator: 7, status: 'x', n: null, population: null };
		expect(suppressMetric('escalations_per_100_referrals', unavailable, DASHBOARD)).toEqual({ value: x, numerator: v(0), denominator: v(7) });
		expect(suppressMetric('escalations_per_100_referrals', { ...unavailable, denominator: 3 }, DASHBOARD)).toEqual({ value: x, numerator: v(0), denominator: c });
		expect(suppressMetric('assessment_45wd_pct', NOT_APPLICABLE, DASHBOARD)).toEqual({ value: z, numerator: z, denominator: z });
	});
});

describe('suppressMetric: rates per 10,000', () => {
	it('is c when its numerator is suppressed; the population is shown as it is', () => {
		expect(suppressMetric('contacts_per_10k', rate(4, 3500), DASHBOARD)).toEqual({ value: c, numerator: c, denominator: v(3500) });
		expect(suppressMetric('contacts_per_10k', rate(4, 3500), PUBLICATION)).toEqual({ value: c, numerator: c, denominator: v(3500) });
	});

	it('publication: the count to the nearest 5, the rate to one decimal place, the population unrounded', () => {
		// 8 / 3,501 × 10,000 = 22.850…
		expect(suppressMetric('referrals_per_10k', rate(8, 3501), PUBLICATION)).toEqual({ value: v(22.9), numerator: v(10), denominator: v(3501) });
		expect(suppressMetric('referrals_per_10k', rate(8, 3501), DASHBOARD)).toEqual({ value: v(80000 / 3501), numerator: v(8), denominator: v(3501) });
	});

	it('z with its reported counts (a population of 0)', () => {
		const zero: MetricValue = { value: null, numerator: 0, denominator: null, status: 'z', n: null, population: 0 };
		expect(suppressMetric('referrals_per_10k', zero, DASHBOARD)).toEqual({ value: z, numerator: v(0), denominator: v(0) });
	});
});

describe('suppressMetric: medians and counts', () => {
	it('a median over 1 to the threshold values is c; over more it is shown, never rounded', () => {
		expect(suppressMetric('assessment_median_wd', median(27, 5), DASHBOARD)).toEqual({ value: c, numerator: z, denominator: z });
		expect(suppressMetric('assessment_median_wd', median(27.5, 6), PUBLICATION)).toEqual({ value: v(27.5), numerator: z, denominator: z });
		expect(suppressMetric('info_request_median_hours', median(3.25, 40), PUBLICATION).value).toEqual(v(3.25));
	});

	it('a median of no values is z (compute.ts), of no data x', () => {
		const none: MetricValue = { value: null, numerator: null, denominator: null, status: 'z', n: 0, population: null };
		expect(suppressMetric('info_request_median_hours', none, DASHBOARD).value).toEqual(z);
		expect(suppressMetric('info_request_median_hours', { ...none, status: 'x' }, DASHBOARD)).toEqual({ value: x, numerator: z, denominator: z });
	});

	it('escalations_open_at_end is suppressed like a count', () => {
		expect(suppressMetric('escalations_open_at_end', count(3), DASHBOARD)).toEqual({ value: c, numerator: z, denominator: z });
		expect(suppressMetric('escalations_open_at_end', count(0), DASHBOARD).value).toEqual(v(0));
		expect(suppressMetric('escalations_open_at_end', count(12), PUBLICATION).value).toEqual(v(10));
	});

	it('refuses a value that breaks the metric layer\'s contract', () => {
		expect(() => suppressMetric('assessment_median_wd', { ...median(27, 6), n: null }, DASHBOARD)).toThrow(/median of null values/);
		expect(() => suppressMetric('re_referrals_12m_pct', { ...ratio(3, 9), denominator: null }, DASHBOARD)).toThrow(/ok but has no denominator/);
		expect(() => suppressMetric('re_referrals_12m_pct', { ...ratio(3, 9), numerator: -1 }, DASHBOARD)).toThrow(/≥ 0/);
		expect(() => suppressMetric('re_referrals_12m_pct', { ...ratio(3, 9), value: null }, DASHBOARD)).toThrow(/ok but has no value/);
	});
});

describe('suppressMetricSet', () => {
	it('suppresses every metric of a set', () => {
		const shown = suppressMetricSet(metricSet({ referrals_per_10k: rate(3, 1000) }), DASHBOARD);
		expect(Object.keys(shown)).toEqual([...METRIC_KEYS]);
		expect(shown.referrals_per_10k.value).toEqual(c);
		expect(shown.cp_ended_2y_plus_pct.value).toEqual(z);
	});
});

/** A metric value of the key's kind, as compute.ts makes them (statuses included). */
function metricValueArb(key: MetricKey): fc.Arbitrary<MetricValue> {
	const kind = REGISTRY[key].kind;
	const status = fc.constantFrom('ok' as const, 'ok' as const, 'ok' as const, 'z' as const, 'x' as const);
	const none = { numerator: null, denominator: null, n: null, population: null };
	return fc.record({ status, a: countArb, b: countArb, value: fc.double({ min: 0, max: 500, noNaN: true }) }).map(({ status, a, b, value }): MetricValue => {
		if (status === 'z' && a % 2 === 0) return NOT_APPLICABLE;
		switch (kind) {
			case 'ratio': {
				const [num, den] = key === 'escalations_per_100_referrals' ? [a, b] : [Math.min(a, b), Math.max(a, b)];
				const ok = status === 'ok' && den > 0;
				return { ...none, value: ok ? (100 * num) / den : null, numerator: num, denominator: den, status: ok ? 'ok' : status === 'ok' ? 'z' : status };
			}
			case 'per_10k': {
				const population = 1000 + b * 100;
				return { ...none, value: status === 'ok' ? (10_000 * a) / population : null, numerator: a, population, status };
			}
			case 'median': {
				const ok = status === 'ok' && a > 0;
				return { ...none, value: ok ? value : null, n: a, status: ok ? 'ok' : status === 'ok' ? 'z' : status };
			}
			case 'count':
				return { ...none, value: status === 'ok' ? a : null, status };
		}
	});
}

const keyed = fc.constantFrom(...METRIC_KEYS).chain((key) => metricValueArb(key).map((m) => ({ key, m })));

describe('suppressMetric over random metric values', () => {
	const isC = (s: Shown) => s.symbol === 'c';
	const small = (n: number | null, t: number) => n !== null && n >= 1 && n <= t;

	it('derived values follow their counts; no count from 1 to the threshold is shown', () => {
		fc.assert(
			fc.property(keyed, policyArb, ({ key, m }, policy) => {
				const s: ShownMetric = suppressMetric(key, m, policy);
				const t = policy.threshold;
				const kind = REGISTRY[key].kind;
				// Every count field: c exactly when small; a shown count is never from 1 to the threshold.
				for (const field of COUNT_FIELDS[kind]) {
					const shown = field === 'value' ? s.value : s[field];
					if (m[field] !== null && (m.status === 'ok' || field !== 'value')) expect(isC(shown)).toBe(small(m[field], t));
				}
				if (m.status !== 'ok') expect(s.value).toEqual({ value: null, symbol: m.status });
				else if (kind === 'ratio') expect(isC(s.value)).toBe(isC(s.numerator) || isC(s.denominator));
				else if (kind === 'per_10k') {
					expect(s.denominator).toEqual(v(m.population as number));
					expect(isC(s.value)).toBe(isC(s.numerator));
				} else if (kind === 'median') expect(isC(s.value)).toBe(small(m.n, t));
				else expect(isC(s.value)).toBe(small(m.value, t));
			}),
			RUNS
		);
	});

	it('publication suppresses the same figures and rounds only the shown ones', () => {
		fc.assert(
			fc.property(keyed, fc.integer({ min: 3, max: 8 }), ({ key, m }, threshold) => {
				const d = suppressMetric(key, m, { threshold, profile: 'dashboard' });
				const p = suppressMetric(key, m, { threshold, profile: 'publication' });
				for (const field of ['value', 'numerator', 'denominator'] as const) expect(p[field].symbol).toBe(d[field].symbol);
				const counts = COUNT_FIELDS[REGISTRY[key].kind];
				for (const field of counts) {
					const dv = d[field].value;
					expect(p[field].value).toBe(dv === null ? null : Math.round(dv / 5) * 5);
				}
				const unit = REGISTRY[key].unit;
				if (d.value.value !== null && (unit === 'percent' || unit === 'per_100')) expect(p.value.value).toBe(Math.round(d.value.value));
			}),
			RUNS
		);
	});
});

describe('a metric not applicable, with nothing counted', () => {
	it("shows z in every part, whatever the metric and the policy (a page's other metrics of a whole set)", () => {
		fc.assert(
			fc.property(fc.constantFrom(...METRIC_KEYS), policyArb, fc.option(fc.integer({ min: 0, max: 255 }), { nil: undefined }), (key, policy, k) => {
				const m: MetricValue = { ...NOT_APPLICABLE, ...(k === undefined ? {} : { keys: { numerator: k, denominator: k, value: k } }) };
				const z = { value: null, symbol: 'z' };
				expect(suppressMetric(key, m, policy)).toEqual({ value: z, numerator: z, denominator: z });
			}),
			RUNS
		);
	});
});

/**
 * The metric page as shown: the headline, its breakdowns and the months of the series in the
 * period protected together; months before the period on their own; priorities protected
 * from the months of their own periods; the SPC from shown months only; `by` checked.
 * Hand-written page data (referral decisions within a working day: a ratio that adds up by
 * month, area, sector and agency), then the real page data of a small extract.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricPage, type MetricPageData } from '../dashboard/metric.ts';
import { metricInfo } from '../dashboard/metrics.ts';
import type { PriorityFigure } from '../dashboard/scorecard.ts';
import type { PriorityRow } from '../dashboard/settings.ts';
import { DEFAULT_POLICY } from '../disclosure/index.ts';
import type { ShownMetric } from '../disclosure/types.ts';
import type { MetricValue } from '../metrics/compute.ts';
import { monthsOf } from '../metrics/dimensions.ts';
import { extract, K1, K2, K3, referral } from '../metrics/test-fixtures.ts';
import { createTestWarehouse, type TestWarehouse } from '../metrics/test-helpers.ts';
import { BreakdownError, defaultBreakdowns, groupLabel, parseBreakdowns, presentMetric, signalStretches, type MetricPageView } from './metric.ts';

const policy = DEFAULT_POLICY;
const KEY = 'referral_decision_1wd_pct';
const info = metricInfo(KEY);

const ratio = (numerator: number, denominator: number): MetricValue => ({
	value: denominator === 0 ? null : (numerator / denominator) * 100,
	numerator,
	denominator,
	status: denominator === 0 ? 'z' : 'ok',
	n: null,
	population: null
});

/** Every count shown anywhere in the output: numerators, denominators and other counts, with their paths. */
function shownCounts(value: unknown, path = '$'): [string, number][] {
	const out: [string, number][] = [];
	const visit = (v: unknown, p: string, counting: boolean) => {
		if (Array.isArray(v)) v.forEach((x, i) => visit(x, `${p}[${i}]`, counting));
		else if (v !== null && typeof v === 'object') {
			for (const [k, x] of Object.entries(v)) visit(x, `${p}.${k}`, counting || ['numerator', 'denominator', 'rows', 'loaded', 'replaced', 'quarantined'].includes(k));
		} else if (typeof v === 'number' && counting) out.push([p, v]);
	};
	visit(value, path, false);
	return out;
}

function expectNoSmallCounts(view: unknown): void {
	expect(shownCounts(view).filter(([, n]) => n >= 1 && n <= policy.threshold)).toEqual([]);
}

/** The months of the 24-month window to 30 June 2024: 2022-07 … 2024-06. */
const WINDOW = { from: '2022-07-01', to: '2024-06-30' };
const PERIOD = { from: '2024-04-01', to: '2024-06-30' };

/** Months before the period: 20 a month, 15 on time, but for those given. */
function series(special: Record<string, [number, number]>) {
	return monthsOf(WINDOW.from, WINDOW.to).map((month) => ({ month, value: ratio(...(special[month] ?? [15, 20])) }));
}

const priority = (id: string, starts_on: string, ends_on: string, target = 80, retired_on: string | null = null): PriorityRow => ({
	priority_id: id,
	title: `Priority ${id}`,
	metric: KEY,
	target,
	direction: 'higher_is_better',
	starts_on,
	ends_on,
	owner_agency_code: null,
	retired_on
});

const figureOf = (p: PriorityRow, from: string, to: string, value: MetricValue): PriorityFigure => ({
	priority: p,
	period: { from, to },
	figure: value,
	status: 'met'
});

function pageData(overrides: Partial<MetricPageData> = {}): MetricPageData {
	return {
		period: PERIOD,
		filters: { area: null, agency: null, sector: null },
		metric: info,
		// April 40 of 50, May 3 of 30, June 47 of 60.
		figure: ratio(90, 140),
		series: {
			window: WINDOW,
			points: series({ '2024-04': [40, 50], '2024-05': [3, 30], '2024-06': [47, 60], '2024-01': [40, 50], '2024-02': [2, 10], '2024-03': [45, 50] })
		},
		breakdowns: [
			{
				by: 'area',
				groups: [
					{ group: 'A1', label: 'North', value: ratio(60, 80) },
					{ group: 'A2', label: 'South', value: ratio(30, 60) }
				]
			},
			{
				by: 'sector',
				groups: [
					{ group: 'police', label: 'police', value: ratio(50, 70) },
					{ group: 'children_social_care', label: 'children_social_care', value: ratio(40, 70) }
				]
			}
		],
		benchmarks: [
			{ benchmark_id: 'B1', metric: KEY, label: 'England 2024-25', period_start: '2024-04-01', period_end: '2025-03-31', value: 85, source: 'DfE', comparable: true }
		],
		priorities: [],
		...overrides
	};
}

const month = (view: MetricPageView, m: string) => view.series.months.find((x) => x.month === m)!;
const c = { value: null, symbol: 'c' };

describe('the headline with the months of the period and the breakdowns', () => {
	const view = presentMetric(pageData(), policy);

	it('a small month in the period has another month suppressed with it, since the months add up to the headline', () => {
		expect(month(view, '2024-05').figure.numerator).toEqual(c);
		// The smallest other non-zero month of the line: April's 40 (June has 47).
		expect(month(view, '2024-04').figure.numerator).toEqual(c);
		expect(month(view, '2024-04').figure.value).toEqual(c);
		expect(month(view, '2024-06').figure.numerator).toEqual({ value: 47, symbol: null });
		expect(view.figure).toEqual({ value: { value: (90 / 140) * 100, symbol: null }, numerator: { value: 90, symbol: null }, denominator: { value: 140, symbol: null } });
	});

	it('a small month before the period stands alone: nothing shown adds it up', () => {
		expect(month(view, '2024-02').figure.value).toEqual(c);
		expect(month(view, '2024-01').figure.numerator).toEqual({ value: 40, symbol: null });
		expect(month(view, '2024-03').figure.numerator).toEqual({ value: 45, symbol: null });
		expect(month(view, '2024-04').inPeriod).toBe(true);
		expect(month(view, '2024-03').inPeriod).toBe(false);
	});

	it('the SPC is over the shown months only, the suppressed ones gaps', () => {
		const shown = view.series.spc.points.filter((p) => p.value !== null);
		expect(view.series.shownMonths).toBe(21);
		expect(shown).toHaveLength(21);
		for (const m of ['2024-02', '2024-04', '2024-05']) {
			const p = view.series.spc.points.find((x) => x.label === m)!;
			expect(p).toMatchObject({ value: null, symbol: 'c', specialCause: false, shown: false });
		}
		const mean = shown.reduce((a, p) => a + (p.value as number), 0) / shown.length;
		expect(view.series.spc.mean).toBeCloseTo(mean, 9);
	});

	it('breakdowns with readable labels, benchmarks beside, and the choice of breakdowns', () => {
		expect(view.breakdowns.map((b) => [b.by, b.label, b.groups.map((g) => g.label)])).toEqual([
			['area', 'Area', ['North', 'South']],
			['sector', 'Sector', ['Police', "Children's social care"]]
		]);
		expect(view.breakdowns[0].groups[0].figure.numerator).toEqual({ value: 60, symbol: null });
		expect(view.benchmarks).toEqual([{ label: 'England 2024-25', value: 85, source: 'DfE', period: { from: '2024-04-01', to: '2025-03-31' }, comparable: true, onChart: true }]);
		expect(view.breakdownChoice).toEqual({ available: ['area', 'sector', 'agency', 'concern', 'age_band', 'sex', 'ethnicity_group'], shown: ['area', 'sector'], defaults: ['area', 'sector', 'agency'] });
	});

	it('no count from 1 to 5 anywhere', () => expectNoSmallCounts(view));

	it('groups in words; a note where groups do not add up to the headline', () => {
		expect(['under_1', '1_4', '10_15', '18_plus', 'unknown'].map((g) => groupLabel('age_band', g, g))).toEqual(['Under 1', '1 to 4', '10 to 15', '18 and over', 'Unknown']);
		expect(groupLabel('concern', 'physical_abuse', 'physical_abuse')).toBe('Physical abuse');
		expect(view.breakdowns.map((b) => b.note)).toEqual([null, null]);
		const concern = presentMetric(pageData({ breakdowns: [{ by: 'concern', groups: [{ group: 'neglect', label: 'neglect', value: ratio(60, 80) }] }] }), policy);
		expect(concern.breakdowns[0].note).toMatch(/several concerns counts in each/);
	});
});

describe('a breakdown that needs the headline suppressed', () => {
	// 2 referrals in A1, none in A2, the other 88 of children with no area (the rest, not shown):
	// A1's 2 can be protected by nothing but the headline.
	const view = presentMetric(
		pageData({
			breakdowns: [{ by: 'area', groups: [{ group: 'A1', label: 'North', value: ratio(2, 10) }, { group: 'A2', label: 'South', value: ratio(0, 0) }] }],
			priorities: [figureOf(priority('P1', '2024-04-01', '2025-03-31'), '2024-04-01', '2024-06-30', ratio(90, 140))]
		}),
		policy
	);

	it('the headline is suppressed, so the months of the period are protected against it as well', () => {
		expect(view.figure.numerator).toEqual(c);
		expect(view.figure.value).toEqual(c);
		// The months line holds the whole (c) and May's 3 (c): two, so April and June stay.
		expect(month(view, '2024-05').figure.numerator).toEqual(c);
		expect(month(view, '2024-04').figure.numerator).toEqual({ value: 40, symbol: null });
		expect(month(view, '2024-06').figure.numerator).toEqual({ value: 47, symbol: null });
		expect(view.breakdowns[0].groups[0].figure.numerator).toEqual(c);
		expect(view.breakdowns[0].groups[0].figure.denominator).toEqual({ value: 10, symbol: null });
	});

	it('a priority over the page period shows the headline as shown, not a figure of its own', () => {
		expect(view.priorities[0].figure).toEqual(view.figure);
		expect(view.priorities[0].status).toBe('no_data');
	});

	it('no count from 1 to 5 anywhere', () => expectNoSmallCounts(view));
});

describe('a period starting after the 1st of a month', () => {
	// From 3 April: April is an edge month (its 1st and 2nd are outside the period). April 40,
	// May 30, June 47; the headline 115, so 40 + 30 + 47 − 115 = 2 referrals on 1 and 2 April.
	const data = pageData({
		period: { from: '2024-04-03', to: '2024-06-30' },
		figure: ratio(115, 148),
		series: { window: WINDOW, points: series({ '2024-04': [40, 50], '2024-05': [30, 40], '2024-06': [47, 60] }) },
		breakdowns: []
	});

	it('the edge month is suppressed, so the days before the start cannot be worked out', () => {
		const view = presentMetric(data, policy);
		expect(month(view, '2024-04')).toMatchObject({ inPeriod: false, figure: { numerator: c, value: c } });
		// Denominators: 50 + 40 + 60 − 148 = 2 as well: the same month takes both.
		expect(month(view, '2024-04').figure.denominator).toEqual(c);
		expect(month(view, '2024-05').figure.numerator).toEqual({ value: 30, symbol: null });
		expect(view.figure.numerator).toEqual({ value: 115, symbol: null });
		expectNoSmallCounts(view);
	});

	it('a priority starting after the 1st is suppressed when its edge month would give it away', () => {
		const P = priority('P', '2024-05-10', '2024-06-30');
		// On a page from 1 April, May and June are shown; the priority from 10 May is 30 − 3 + 47.
		const view = presentMetric(
			pageData({
				series: { window: WINDOW, points: series({ '2024-04': [40, 50], '2024-05': [30, 40], '2024-06': [47, 60] }) },
				figure: ratio(117, 150),
				breakdowns: [],
				priorities: [figureOf(P, '2024-05-10', '2024-06-30', ratio(74, 90))]
			}),
			policy
		);
		expect(month(view, '2024-05').figure.numerator).toEqual({ value: 30, symbol: null });
		expect(view.priorities[0].figure?.numerator).toEqual(c);
		expect(view.priorities[0].status).toBe('no_data');
	});
});

describe('a count: a position at the end of the period', () => {
	const OPEN = 'escalations_open_at_end';
	const count = (n: number): MetricValue => ({ value: n, numerator: null, denominator: null, status: 'ok', n: null, population: null });
	// 50 open at the end of June; the area breakdown (2 in A1, the rest of no area) suppresses the headline.
	const view = presentMetric(
		{
			...pageData(),
			metric: metricInfo(OPEN),
			figure: count(50),
			series: { window: WINDOW, points: monthsOf(WINDOW.from, WINDOW.to).map((m) => ({ month: m, value: count(m === '2024-06' ? 50 : 40) })) },
			breakdowns: [{ by: 'area', groups: [{ group: 'A1', label: 'North', value: count(2) }, { group: 'A2', label: 'South', value: count(0) }] }],
			priorities: [figureOf({ ...priority('P', '2024-01-01', '2024-06-30'), metric: OPEN, direction: 'lower_is_better' }, '2024-01-01', '2024-06-30', count(50))]
		},
		policy
	);

	it('the month ending with the period and a priority ending then show the headline as shown', () => {
		expect(view.figure.value).toEqual(c);
		expect(month(view, '2024-06').figure.value).toEqual(c);
		expect(month(view, '2024-05').figure.value).toEqual({ value: 40, symbol: null });
		expect(view.priorities[0].figure?.value).toEqual(c);
		expectNoSmallCounts(view);
	});
});

describe('priorities', () => {
	const P1 = priority('P1', '2024-01-01', '2024-03-31', 80, '2024-04-01'); // January to March: 40, 2 (c), 45
	const P2 = priority('P2', '2023-07-01', '2023-12-31', 70); // every month 15 of 20
	const P3 = priority('P3', '2025-01-01', '2025-12-31', 90); // not started
	const P4 = priority('P4', '2023-10-01', '2024-03-15', 75); // ends in a month: March is not within it
	const data = pageData({
		priorities: [
			figureOf(P1, '2024-01-01', '2024-03-31', ratio(87, 110)),
			figureOf(P2, '2023-07-01', '2023-12-31', ratio(90, 120)),
			{ priority: P3, period: null, figure: null, status: 'no_data' },
			figureOf(P4, '2023-10-01', '2024-03-15', ratio(90, 120))
		]
	});

	it('a priority whose months hold exactly one c is suppressed; others are judged on their shown figures', () => {
		const view = presentMetric(data, policy);
		const [p1, p2, p3, p4] = view.priorities;
		expect(p1.figure?.numerator).toEqual(c);
		expect(p1.figure?.value).toEqual(c);
		expect(p1.status).toBe('no_data');
		expect(p2.figure?.value).toEqual({ value: 75, symbol: null });
		expect(p2.status).toBe('met');
		expect(p3).toMatchObject({ figure: null, status: 'no_data', period: null });
		// October to February (3 × 15 + 40 + 2) and half of March (3, not shown, so counted as c):
		// two c in the line, nothing to add.
		expect(p4.figure?.numerator).toEqual({ value: 90, symbol: null });
		expectNoSmallCounts(view);
	});

	it('the target line is the latest priority not retired', () => {
		expect(presentMetric(data, policy).target).toEqual({ label: 'Target', value: 75, direction: 'higher_is_better', priority: 'Priority P4' });
	});

	it('on a filtered page the priorities (the partnership\'s) stand alone', () => {
		const view = presentMetric({ ...data, filters: { area: 'A1', agency: null, sector: null } }, policy);
		expect(view.priorities[0].figure?.numerator).toEqual({ value: 87, symbol: null });
		expect(view.priorities[0].status).toBe('close'); // 79.1% against at least 80
	});
});

describe('signals in words', () => {
	it('runs above the mean, read by whether higher is better', () => {
		const points = monthsOf('2023-01-01', '2024-12-31').map((m, i) => ({ month: m, value: ratio(i < 12 ? 30 : 60, 100) }));
		const view = presentMetric(
			pageData({ period: { from: '2024-01-01', to: '2024-12-31' }, figure: ratio(720, 1200), series: { window: { from: '2023-01-01', to: '2024-12-31' }, points }, breakdowns: [] }),
			policy
		);
		const runs = view.series.signals.filter((s) => s.rule === 'run');
		expect(runs).toEqual([
			{ rule: 'run', from: '2023-01', to: '2023-12', months: 12, direction: 'low', reading: 'concern' },
			{ rule: 'run', from: '2024-01', to: '2024-12', months: 12, direction: 'high', reading: 'improvement' }
		]);
		expect(signalStretches(view.series.spc, null).every((s) => s.reading === 'neither')).toBe(true);
	});

	it('a rising trend', () => {
		const values = [50, 52, 49, 51, 50, 53, 60, 61, 62, 63, 64, 65, 55, 54, 52, 51, 50, 49, 50, 51, 49, 52, 50, 51];
		const points = monthsOf('2023-01-01', '2024-12-31').map((m, i) => ({ month: m, value: ratio(values[i], 100) }));
		const view = presentMetric(
			pageData({ period: { from: '2024-01-01', to: '2024-12-31' }, figure: ratio(614, 1200), series: { window: { from: '2023-01-01', to: '2024-12-31' }, points }, breakdowns: [] }),
			policy
		);
		const trends = view.series.signals.filter((s) => s.rule === 'trend');
		// Up from May to the peak in December, then down to June: the peak ends one and starts the other.
		expect(trends).toEqual([
			{ rule: 'trend', from: '2023-05', to: '2023-12', months: 8, direction: 'high', reading: 'improvement' },
			{ rule: 'trend', from: '2023-12', to: '2024-06', months: 7, direction: 'low', reading: 'concern' }
		]);
	});
});

describe('breakdowns asked for', () => {
	it('defaults: area with sector and agency for agencies\' work, or age band for children\'s', () => {
		expect(defaultBreakdowns(metricInfo('referrals_per_10k'))).toEqual(['area', 'sector', 'agency']);
		expect(defaultBreakdowns(metricInfo('assessment_45wd_pct'))).toEqual(['area', 'age_band']);
		expect(parseBreakdowns(info, [])).toEqual({ shown: ['area', 'sector', 'agency'], asked: false, defaults: ['area', 'sector', 'agency'] });
		expect(defaultBreakdowns(metricInfo('multi_agency_children_pct'))).toEqual(['area', 'sector', 'agency']);
		expect(defaultBreakdowns(metricInfo('escalations_open_at_end'))).toEqual(['area', 'sector', 'agency']);
	});

	it('defaults under a filter leave out the breakdown by what is filtered', () => {
		expect(defaultBreakdowns(info, { area: 'A1', agency: null })).toEqual(['sector', 'agency']);
		expect(defaultBreakdowns(info, { area: null, agency: 'POL' })).toEqual(['area', 'age_band']);
		expect(defaultBreakdowns(metricInfo('assessment_45wd_pct'), { area: 'A1', agency: null })).toEqual(['age_band', 'sex']);
		expect(parseBreakdowns(info, ['area'], { area: 'A1', agency: null })).toMatchObject({ shown: ['area'], asked: true });
	});

	it('a list (comma-separated or repeated) in the metric\'s order, repeats dropped', () => {
		expect(parseBreakdowns(info, ['sex,area', 'sex'])).toMatchObject({ shown: ['area', 'sex'], asked: true });
	});

	it('a breakdown the metric does not have, month, or nonsense: refused', () => {
		expect(() => parseBreakdowns(metricInfo('referrals_per_10k'), ['sex'])).toThrow(BreakdownError);
		expect(() => parseBreakdowns(info, ['month'])).toThrow(/not a breakdown/);
		expect(() => parseBreakdowns(info, ['area;drop'])).toThrow(BreakdownError);
		expect(() => parseBreakdowns(info, [''])).toThrow(BreakdownError);
	});
});

describe('from a small extract, through the real page data', () => {
	let t: TestWarehouse;
	const onTime = (id: string, child: string, at: string) => referral({ referral_id: id, child_id: child, received_at: `${at} 09:00:00`, decided_at: `${at} 12:00:00` });
	beforeAll(async () => {
		t = await createTestWarehouse(
			extract({
				referrals: [
					onTime('r1', K1, '2024-04-03'),
					onTime('r2', K2, '2024-04-10'),
					onTime('r3', K3, '2024-05-07'),
					referral({ referral_id: 'r4', child_id: K1, received_at: '2024-06-30 10:00:00' }),
					onTime('r5', K2, '2023-11-03')
				]
			})
		);
	});
	afterAll(async () => t.dispose());

	it('every count from 1 to 5 is c, and everything that follows from them', async () => {
		const data = await metricPage(t.warehouse, KEY, PERIOD, { by: ['area', 'sector', 'agency', 'age_band'] });
		const view = presentMetric(data, policy);
		expectNoSmallCounts(view);
		expect(view.figure.value).toEqual(c);
		expect(view.series.shownMonths).toBe(0);
		expect(view.series.spc.mean).toBeNull();
		for (const b of view.breakdowns) for (const g of b.groups) expect((g.figure as ShownMetric).value.value).toBeNull();
		expect(JSON.parse(JSON.stringify(view))).toStrictEqual(view);
	});

	it('an area filter', async () => {
		const view = presentMetric(await metricPage(t.warehouse, KEY, { ...PERIOD, area: 'A2' }, { by: ['area'] }), policy);
		expectNoSmallCounts(view);
		expect(view.filters.area).toBe('A2');
	});
});

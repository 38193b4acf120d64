/**
 * The response times page as shown: no count from 1 to 5 anywhere; the durations protected
 * along the lines that add up to the headline's counts, and in agreement with it; shares of
 * requests acknowledged and answered on time from shown counts only; the requests overdue
 * at the end held to the headline count, and nothing suppressed worked out from what is shown.
 * Under a deployment's policy (the cell key method), with page data carrying cell keys: every
 * count shown perturbed by its own key (a total by its cells' keys added), none from 1 to 5,
 * no share over 100%, and the same figures suppressed as without the method.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASSESSMENT_BINS, responsePage, type ResponseData } from '../dashboard/response.ts';
import { cellKeySum, DEFAULT_POLICY, perturbed, policyFrom } from '../disclosure/index.ts';
import type { CountTable, DisclosurePolicy, Shown } from '../disclosure/types.ts';
import { median, NOT_APPLICABLE, ratio } from '../disclosure/test-support.ts';
import type { CellKeys, MetricValue } from '../metrics/compute.ts';
import { assessment, extract, K1, K2, K3, referral, request } from '../metrics/test-fixtures.ts';
import { createTestWarehouse, type TestWarehouse } from '../metrics/test-helpers.ts';
import { presentResponse, type ResponseView } from './response.ts';
import { cellId, tableLines, truthOf, workedOut, type Line } from './test-support.ts';

const POLICY = DEFAULT_POLICY;
const C: Shown = { value: null, symbol: 'c' };
const shown = (value: number): Shown => ({ value, symbol: null });

/** Every shown count of the view (shares and figures' values aside), with where it is. */
function shownCounts(view: unknown): { path: string; shown: Shown }[] {
	const out: { path: string; shown: Shown }[] = [];
	const derived = new Set(['acknowledgedShare', 'answeredShare', 'value', 'points']);
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

/**
 * Shown counts that give a count from 1 to the threshold away: under the publication profile,
 * a count not rounded to 5 (a rounded 5 stands for anything from 3 to 7, decided unrounded).
 */
function smallCounts(view: ResponseView, policy: DisclosurePolicy = POLICY) {
	return shownCounts(view).filter(({ shown }) =>
		shown.value === null ? false : policy.profile === 'publication' ? shown.value % 5 !== 0 : shown.value >= 1 && shown.value <= policy.threshold
	);
}

// ---------------------------------------------------------------- hand-made page data

const SCOPE = { period: { from: '2024-04-01', to: '2024-06-30' }, filters: { area: null, agency: null, sector: null } };
const WITHIN = ASSESSMENT_BINS.filter((b) => b.max !== null && b.max <= 45).length;
const MONTHS = ['2024-04', '2024-05', '2024-06'];

/** Requests of one agency and priority: [answered on time, requests, acknowledged within 1 working day (default: as answered)]. */
type Cell = [number, number] | [number, number, number];

interface Month {
	/** Assessments by bin of `ASSESSMENT_BINS`. */
	bins: number[];
	/** Requests by agency and priority. */
	requests: Record<string, { urgent: Cell; routine: Cell }>;
}

/** Requests overdue at the period's end by the agency asked: [urgent, routine]. */
type Overdue = Record<string, [number, number]>;

const sum = (ns: readonly number[]) => ns.reduce((a, b) => a + b, 0);
const ackOf = (c: Cell) => c[2] ?? c[0];

function assessmentMetric(bins: readonly number[]): MetricValue {
	const d = sum(bins);
	return d === 0 ? { ...NOT_APPLICABLE, status: 'x' } : ratio(sum(bins.slice(0, WITHIN)), d);
}

function requestsMetric(month: Month['requests'], part: (c: Cell) => number): MetricValue {
	const cells = Object.values(month).flatMap((a) => [a.urgent, a.routine]);
	const d = sum(cells.map((c) => c[1]));
	return d === 0 ? { ...NOT_APPLICABLE, status: 'x', numerator: 0, denominator: 0 } : ratio(sum(cells.map(part)), d);
}

const countMetric = (value: number): MetricValue => ({ value, numerator: null, denominator: null, status: 'ok', n: null, population: null });

/** Cell keys from a seed: whole numbers from 0 to 255. */
function keyStream(seed: number): () => number {
	let a = seed | 0;
	return () => {
		a = (a + 0x6d2b79f5) | 0;
		let t = Math.imul(a ^ (a >>> 15), 1 | a);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) % 256;
	};
}

interface Options {
	/**
	 * Cell keys for every count, from this seed (none without it): a table's cells' keys at
	 * random (0 for an empty cell; a part that is all of its whole the whole's key, the same
	 * rows), the headline figures' keys the sums of the tables' cells they count, the months'
	 * at random.
	 */
	keys?: number;
	agencyFiltered?: boolean;
	/** Requests overdue at the period's end by the agency asked (default none). */
	overdue?: Overdue;
	/** The headline count of overdue requests, if not the table's sum (a bug upstream). */
	overdueCount?: number;
}

/** Page data from months of assessments and requests (the figures and tables their sums). */
function responseData(months: readonly Month[], options: Options = {}): ResponseData {
	const bins = ASSESSMENT_BINS.map((_, i) => sum(months.map((m) => m.bins[i])));
	const agencies = [...new Set(months.flatMap((m) => Object.keys(m.requests)))].sort();
	const requests: Month['requests'] = Object.fromEntries(
		agencies.map((a) => {
			const cell = (p: 'urgent' | 'routine'): Cell => {
				const cells = months.map((m) => m.requests[a]?.[p] ?? ([0, 0] as Cell));
				return [sum(cells.map((c) => c[0])), sum(cells.map((c) => c[1])), sum(cells.map(ackOf))];
			};
			return [a, { urgent: cell('urgent'), routine: cell('routine') }];
		})
	);
	const next = options.keys === undefined ? null : keyStream(options.keys);
	/** A new key for a count (0 for none: no rows). */
	const keyFor = (n: number) => (n === 0 ? 0 : (next as () => number)());
	const cellKeys = (counts: number[][]) => counts.map((row) => row.map(keyFor));
	/** A part's keys: the whole's where the part is all of it (the same rows), else its own. */
	const partKeys = (part: number[][], whole: number[][], wholeKeys: number[][]) => part.map((row, r) => row.map((n, c) => (n === whole[r][c] ? wholeKeys[r][c] : keyFor(n))));
	const priorities = ['urgent', 'routine'] as const;
	const countsOf = (k: (c: Cell) => number) => agencies.map((a) => priorities.map((p) => k(requests[a][p])));
	const [ackCounts, ansCounts, reqCounts] = [countsOf(ackOf), countsOf((c) => c[0]), countsOf((c) => c[1])];
	const overdue = options.overdue ?? {};
	const overdueAgencies = [...new Set([...agencies, ...Object.keys(overdue)])].sort();
	const overdueCounts = overdueAgencies.map((a) => [...(overdue[a] ?? [0, 0])]);
	const keys =
		next === null
			? null
			: (() => {
					const requests = cellKeys(reqCounts);
					return {
						bins: bins.map(keyFor),
						requests,
						acknowledged: partKeys(ackCounts, reqCounts, requests),
						answered: partKeys(ansCounts, reqCounts, requests),
						overdue: cellKeys(overdueCounts)
					};
				})();
	const layout = (counts: number[][], k: number[][] | undefined): CountTable => ({
		rows: agencies,
		columns: [...priorities],
		counts,
		...(k ? { keys: k } : {}),
		rowTotals: true,
		columnTotals: true
	});
	const overdueCount = options.overdueCount ?? sum(Object.values(overdue).flat());
	const filtered = options.agencyFiltered === true;
	/** A metric with its counts' keys: those given, else new ones. */
	const keyed = (m: MetricValue, given: Partial<CellKeys> = {}, count = false): MetricValue => {
		if (next === null) return m;
		const of = (field: keyof CellKeys, n: number | null) => (n === null ? null : (given[field] ?? keyFor(n)));
		return { ...m, keys: { numerator: of('numerator', m.numerator), denominator: of('denominator', m.denominator), value: count ? of('value', m.value) : null } };
	};
	const figures = (m: { bins: number[]; requests: Month['requests'] }, overdueAtEnd: number, whole = false) => {
		// The whole's counts are the tables' (their keys the sums of the tables' cells'); the months' have keys of their own.
		const sumOf = (k: number[][] | number[] | undefined) => (whole && k ? cellKeySum(k.flat()) : undefined);
		return {
			referral_decision_1wd_pct: keyed(ratio(40, 50)),
			assessment_45wd_pct: filtered ? NOT_APPLICABLE : keyed(assessmentMetric(m.bins), { numerator: sumOf(keys?.bins.slice(0, WITHIN)), denominator: sumOf(keys?.bins) }),
			assessment_median_wd: filtered ? NOT_APPLICABLE : median(23, Math.max(1, sum(m.bins))),
			icpc_15wd_pct: filtered ? NOT_APPLICABLE : keyed(ratio(0, 0)),
			info_request_ack_1wd_pct: keyed(requestsMetric(m.requests, ackOf), { numerator: sumOf(keys?.acknowledged), denominator: sumOf(keys?.requests) }),
			info_request_on_time_pct: keyed(requestsMetric(m.requests, (c) => c[0]), { numerator: sumOf(keys?.answered), denominator: sumOf(keys?.requests) }),
			info_request_median_hours: median(12.5, 40),
			info_requests_overdue_at_end: keyed(countMetric(overdueAtEnd), { value: options.overdueCount === undefined ? sumOf(keys?.overdue) : undefined }, true)
		};
	};
	return {
		...SCOPE,
		filters: { ...SCOPE.filters, agency: filtered ? 'POL' : null },
		figures: figures({ bins, requests }, overdueCount, true),
		// Referral decisions: all in the first month (40 of 50). Overdue: 3 more at each earlier month's end.
		trend: months.map((m, i) => ({
			month: MONTHS[i],
			metrics: {
				...figures(m, overdueCount + 3 * (months.length - 1 - i)),
				referral_decision_1wd_pct: keyed(i === 0 ? ratio(40, 50) : ratio(0, 0))
			}
		})),
		assessmentDurations: filtered
			? null
			: {
					rows: ASSESSMENT_BINS.map((b) => b.label),
					columns: ['assessments'],
					counts: bins.map((n) => [n]),
					...(keys ? { keys: keys.bins.map((k) => [k]) } : {}),
					rowTotals: false,
					columnTotals: true
				},
		requestsByResponder: { acknowledged: layout(ackCounts, keys?.acknowledged), answered: layout(ansCounts, keys?.answered), requests: layout(reqCounts, keys?.requests) },
		overdueAtEnd: {
			rows: overdueAgencies,
			columns: [...priorities],
			counts: overdueCounts,
			...(keys ? { keys: keys.overdue } : {}),
			rowTotals: true,
			columnTotals: true
		}
	};
}

/** The figures of the requests tables as the page shows them, by `cellId` (`ack`, `ans`, `req`, `over`). */
function knownOfView(view: ResponseView): Map<string, number> {
	const known = new Map<string, number>();
	const put = (id: string, s: Shown) => {
		if (s.value !== null && s.symbol === null) {
			if (known.has(id)) expect(known.get(id), id).toBe(s.value);
			known.set(id, s.value);
		}
	};
	const r = view.requests;
	const cells = [...r.responders.map((x) => [...x.byPriority, x.all]), [...r.total.byPriority, r.total.all]];
	const ids = (t: string, i: number, j: number) => cellId(t, i === r.responders.length ? 'T' : i, j === r.priorities.length ? 'T' : j);
	cells.forEach((row, i) =>
		row.forEach((c, j) => {
			put(ids('ack', i, j), c.acknowledged);
			put(ids('ans', i, j), c.answered);
			put(ids('req', i, j), c.requests);
		})
	);
	const o = view.overdue;
	const overdueCells = [...o.responders.map((x) => [...x.byPriority, x.all]), [...o.total.byPriority, o.total.all]];
	overdueCells.forEach((row, i) => row.forEach((c, j) => put(cellId('over', i === o.responders.length ? 'T' : i, j === o.priorities.length ? 'T' : j), c)));
	// The headlines' counts are the tables' grand totals.
	const ack = figure(view, 'info_request_ack_1wd_pct');
	const onTime = figure(view, 'info_request_on_time_pct');
	put(cellId('ack', 'T', 'T'), ack.numerator);
	put(cellId('req', 'T', 'T'), ack.denominator);
	put(cellId('ans', 'T', 'T'), onTime.numerator);
	put(cellId('req', 'T', 'T'), onTime.denominator);
	put(cellId('over', 'T', 'T'), figure(view, 'info_requests_overdue_at_end').value);
	return known;
}

/** What someone with the page works out of the requests tables that was not shown, and the truth. */
function attack(view: ResponseView, data: ResponseData): { revealed: Map<string, number>; truth: Map<string, number> } {
	const truth = new Map<string, number>();
	const { acknowledged, answered, requests } = data.requestsByResponder;
	truthOf('ack', acknowledged.counts, 2, truth);
	truthOf('ans', answered.counts, 2, truth);
	truthOf('req', requests.counts, 2, truth);
	truthOf('over', data.overdueAtEnd.counts, 2, truth);
	const known = knownOfView(view);
	for (const [id, v] of known) expect(v, id).toBe(truth.get(id));
	const lines: Line[] = [
		...tableLines('ack', requests.rows.length, 2),
		...tableLines('ans', requests.rows.length, 2),
		...tableLines('req', requests.rows.length, 2),
		...tableLines('over', data.overdueAtEnd.rows.length, 2)
	];
	return { revealed: workedOut(known, lines), truth };
}

const figure = (view: ResponseView, key: string) => view.figures.find((f) => f.metric.key === key)!.figure;

describe('presentResponse over hand-made page data', () => {
	it('durations: the bins within 45 working days with the numerator, and those over with the late ones', () => {
		// 0–5: 1 (c), so the smallest other bin within 45 (41–45: 21) is c too; 46–60: 3 (c), so 61+.
		const view = presentResponse(responseData([{ bins: [1, 26, 62, 103, 87, 62, 52, 27, 21, 3, 30], requests: {} }]), POLICY);
		const d = view.durations!;
		expect(d.bins.map((b) => [b.label, b.within, b.count.value])).toEqual([
			['0–5', true, null],
			['6–10', true, 26],
			['11–15', true, 62],
			['16–20', true, 103],
			['21–25', true, 87],
			['26–30', true, 62],
			['31–35', true, 52],
			['36–40', true, 27],
			['41–45', true, null],
			['46–60', false, null],
			['61+', false, null]
		]);
		expect(d.within).toEqual(shown(441));
		expect(d.over).toEqual(shown(33));
		// The same numerator as the headline's, and the denominator their sum.
		expect(figure(view, 'assessment_45wd_pct')).toMatchObject({ numerator: d.within, denominator: shown(474) });
		expect(smallCounts(view)).toEqual([]);
	});

	it('the monthly trend and the headline are protected together', () => {
		// April's 3 assessments are c; May's 40 too, or April's would follow from the whole.
		const view = presentResponse(
			responseData([
				{ bins: [0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0], requests: {} },
				{ bins: [0, 20, 20, 0, 0, 0, 0, 0, 0, 0, 0], requests: {} },
				{ bins: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], requests: {} }
			]),
			POLICY
		);
		const trend = view.trends.find((t) => t.metric.key === 'assessment_45wd_pct')!;
		expect(trend.points.map((p) => [p.label, p.symbol])).toEqual([
			['2024-04', 'c'],
			['2024-05', 'c'],
			['2024-06', 'x']
		]);
		expect(figure(view, 'assessment_45wd_pct')).toMatchObject({ numerator: shown(43), denominator: shown(43), value: shown(100) });
		expect(smallCounts(view)).toEqual([]);
	});

	it('requests acknowledged and answered on time: shares of shown counts only', () => {
		const data = responseData([
			{
				bins: Array(11).fill(0),
				requests: {
					EDU: { urgent: [18, 20, 19], routine: [20, 25, 24] },
					HLT: { urgent: [3, 10, 10], routine: [20, 30, 12] },
					POL: { urgent: [12, 12, 2], routine: [0, 0, 0] },
					SCH: { urgent: [0, 0, 0], routine: [9, 9, 9] }
				}
			}
		]);
		const view = presentResponse(data, POLICY);
		const r = view.requests;
		expect(r.priorities).toEqual(['urgent', 'routine']);
		expect(r.responders.map((x) => x.agency)).toEqual(['EDU', 'HLT', 'POL', 'SCH']);
		const [edu, hlt, pol, sch] = r.responders;
		// HLT's 3 urgent requests answered on time are c (and more answered cells with them); the requests are all shown.
		expect(hlt.byPriority[0]).toMatchObject({ answered: C, requests: shown(10), answeredShare: C });
		expect(hlt.byPriority[1]).toMatchObject({ answered: C, requests: shown(30), answeredShare: C });
		expect(hlt.all).toMatchObject({ answered: shown(23), requests: shown(40), answeredShare: shown(57.5) });
		expect(edu.byPriority[0]).toEqual({ requests: shown(20), acknowledged: shown(19), acknowledgedShare: shown(95), answered: shown(18), answeredShare: shown(90) });
		expect(pol.byPriority[1]).toEqual({ requests: shown(0), acknowledged: shown(0), acknowledgedShare: { value: null, symbol: 'z' }, answered: shown(0), answeredShare: { value: null, symbol: 'z' } });
		expect(sch.byPriority[0].answeredShare).toEqual({ value: null, symbol: 'z' });
		// POL acknowledged 2 urgent requests within a working day: c, and its row's total (2) too. Its column then needs
		// another c (SCH's 0 cannot be chosen; the smallest other is HLT's 10), HLT's row another (its 12), the routine
		// column another (SCH's 9), and SCH's row, whose other cell is 0, its total. The answered table is its own.
		expect(pol.byPriority[0]).toMatchObject({ acknowledged: C, acknowledgedShare: C });
		expect(pol.all.acknowledged).toEqual(C);
		expect(hlt.byPriority.map((c) => c.acknowledged)).toEqual([C, C]);
		expect(hlt.all).toMatchObject({ acknowledged: shown(22), acknowledgedShare: shown(55) });
		expect(sch.byPriority[1]).toMatchObject({ acknowledged: C, acknowledgedShare: C, requests: shown(9) });
		expect(sch.all.acknowledged).toEqual(C);
		expect(edu.all).toMatchObject({ acknowledged: shown(43), requests: shown(45) });
		// Every share shown is its two shown counts' share; every share of a suppressed count is c.
		for (const cell of [...r.responders.flatMap((x) => [...x.byPriority, x.all]), ...r.total.byPriority, r.total.all]) {
			for (const [part, share] of [
				[cell.acknowledged, cell.acknowledgedShare],
				[cell.answered, cell.answeredShare]
			]) {
				if (part.symbol === 'c' || cell.requests.symbol === 'c') expect(share).toEqual(C);
				if (share.value === null) continue;
				expect(share.value).toBeCloseTo((100 * part.value!) / cell.requests.value!);
			}
		}
		expect(figure(view, 'info_request_on_time_pct')).toMatchObject({ numerator: r.total.all.answered, denominator: r.total.all.requests });
		expect(figure(view, 'info_request_ack_1wd_pct')).toEqual({ value: shown((100 * 76) / 106), numerator: shown(76), denominator: shown(106) });
		expect(r.total.all).toMatchObject({ acknowledged: shown(76), requests: shown(106) });
		expect(figure(view, 'info_request_median_hours')).toEqual({ value: shown(12.5), numerator: { value: null, symbol: 'z' }, denominator: { value: null, symbol: 'z' } });
		expect(smallCounts(view)).toEqual([]);
		// Nothing suppressed can be worked out from the three tables and the headlines.
		expect(attack(view, data).revealed).toEqual(new Map());
	});

	it('requests overdue at the end: the table by the agency asked, its total the headline count', () => {
		const overdue: Overdue = { CSC: [0, 14], HLT: [2, 30], POL: [0, 0], SCH: [7, 9] };
		const view = presentResponse(responseData([{ bins: Array(11).fill(0), requests: {} }], { overdue }), POLICY);
		const o = view.overdue;
		expect(o.priorities).toEqual(['urgent', 'routine']);
		expect(o.responders.map((x) => x.agency)).toEqual(['CSC', 'HLT', 'POL', 'SCH']);
		// HLT's 2 urgent are c; then its row needs another c (its 30), the urgent column another (SCH's 7) and the
		// routine column another (SCH's 9). Every total is shown: each line holds two c or none.
		expect(o.responders.map((x) => x.byPriority)).toEqual([[shown(0), shown(14)], [C, C], [shown(0), shown(0)], [C, C]]);
		expect(o.responders.map((x) => x.all)).toEqual([shown(14), shown(32), shown(0), shown(16)]);
		expect(o.total.byPriority).toEqual([shown(9), shown(53)]);
		expect(o.total.all).toEqual(shown(62));
		expect(figure(view, 'info_requests_overdue_at_end')).toEqual({ value: shown(62), numerator: { value: null, symbol: 'z' }, denominator: { value: null, symbol: 'z' } });
		// Nothing suppressed can be worked out from the table and the headline.
		const { revealed } = attack(view, responseData([{ bins: Array(11).fill(0), requests: {} }], { overdue }));
		expect([...revealed.keys()].filter((id) => id.startsWith('over'))).toEqual([]);
		expect(smallCounts(view)).toEqual([]);
		// (The search finds what showing HLT's 30 would give away.)
		const leaky = structuredClone(view);
		leaky.overdue.responders[1].byPriority[1] = shown(30);
		expect(attack(leaky, responseData([{ bins: Array(11).fill(0), requests: {} }], { overdue })).revealed.get('over:1,0')).toBe(2);
	});

	it('requests overdue at the end: a small headline count is c, and so is the table\'s total', () => {
		const view = presentResponse(responseData([{ bins: Array(11).fill(0), requests: {} }], { overdue: { HLT: [1, 3] } }), POLICY);
		expect(figure(view, 'info_requests_overdue_at_end').value).toEqual(C);
		expect(view.overdue.total.all).toEqual(C);
		expect(view.overdue.responders[0]).toEqual({ agency: 'HLT', byPriority: [C, C], all: C });
		// Each month's end stands alone: 10 at the end of April (shown), 7 at May's, 4 at June's (c).
		const three = presentResponse(
			responseData(
				[0, 1, 2].map(() => ({ bins: Array(11).fill(0), requests: {} })),
				{ overdue: { HLT: [1, 3] } }
			),
			POLICY
		);
		const trend = three.trends.find((t) => t.metric.key === 'info_requests_overdue_at_end')!;
		expect(trend.points).toEqual([
			{ label: '2024-04', value: 10, symbol: null },
			{ label: '2024-05', value: 7, symbol: null },
			{ label: '2024-06', value: null, symbol: 'c' }
		]);
	});

	it('requests overdue at the end: a headline that does not agree with the table hides both (a fail-safe)', () => {
		// The table adds up to 40 but the headline says 43: a bug upstream; neither may undo the other.
		const view = presentResponse(responseData([{ bins: Array(11).fill(0), requests: {} }], { overdue: { HLT: [10, 30] }, overdueCount: 43 }), POLICY);
		expect(figure(view, 'info_requests_overdue_at_end').value).toEqual(C);
		expect(view.overdue.responders[0]).toEqual({ agency: 'HLT', byPriority: [C, C], all: C });
		expect(view.overdue.total.all).toEqual(C);
	});

	it('under an agency filter: no durations (not applicable), assessment figures z', () => {
		const view = presentResponse(responseData([{ bins: Array(11).fill(0), requests: {} }], { agencyFiltered: true }), POLICY);
		expect(view.agencyFiltered).toBe(true);
		expect(view.durations).toBeNull();
		expect(figure(view, 'assessment_45wd_pct').value).toEqual({ value: null, symbol: 'z' });
		expect(view.trends.find((t) => t.metric.key === 'icpc_15wd_pct')!.points.every((p) => p.symbol === 'z')).toBe(true);
		expect(view.requests.total.all.answeredShare).toEqual({ value: null, symbol: 'z' });
		expect(view.requests.total.all.acknowledgedShare).toEqual({ value: null, symbol: 'z' });
	});

	it('figures in order, with their benchmarks', () => {
		const view = presentResponse(responseData([{ bins: Array(11).fill(10), requests: {} }]), POLICY, [
			{ benchmark_id: 'e', metric: 'assessment_45wd_pct', label: 'England 2023-24', period_start: '2023-04-01', period_end: '2024-03-31', value: 82, source: 'DfE', comparable: true }
		]);
		expect(view.figures.map((f) => f.metric.key)).toEqual([
			'referral_decision_1wd_pct',
			'assessment_45wd_pct',
			'assessment_median_wd',
			'icpc_15wd_pct',
			'info_request_ack_1wd_pct',
			'info_request_on_time_pct',
			'info_request_median_hours',
			'info_requests_overdue_at_end'
		]);
		expect(view.figures[1].benchmarks).toEqual([{ label: 'England 2023-24', value: 82, source: 'DfE', period: { from: '2023-04-01', to: '2024-03-31' }, comparable: true }]);
		expect(view.trends[1].benchmarks).toHaveLength(1);
		expect(view.figures[0].benchmarks).toEqual([]);
	});

	it('property: the tables agree with the headline on every count they share, show no count from 1 to 5, and give none away', () => {
		const count = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 6, max: 40 }));
		// [answered on time, requests, acknowledged]: both parts of the requests, neither of the other.
		const cell = fc.tuple(count, count, count).map(([a, b, k]): Cell => {
			const requests = Math.max(a, b, k);
			return [Math.min(a, b), requests, Math.min(k, requests)];
		});
		const month = fc.record({
			bins: fc.array(count, { minLength: 11, maxLength: 11 }),
			requests: fc.record({ HLT: fc.record({ urgent: cell, routine: cell }), POL: fc.record({ urgent: cell, routine: cell }) }, { requiredKeys: [] })
		});
		const overdue = fc.dictionary(fc.constantFrom('CSC', 'HLT', 'POL', 'SCH'), fc.tuple(count, count));
		let held = 0;
		fc.assert(
			fc.property(
				fc.array(month, { minLength: 1, maxLength: 3 }),
				overdue,
				fc.constantFrom<DisclosurePolicy>(POLICY, { threshold: 5, profile: 'publication' }),
				(months, overdueAtEnd, policy) => {
					const data = responseData(months, { overdue: overdueAtEnd });
					const view = presentResponse(data, policy);
					expect(smallCounts(view, policy)).toEqual([]);
					const a = figure(view, 'assessment_45wd_pct');
					const d = view.durations!;
					// The headline's numerator is the bins' within total, suppressed or not, the same way.
					if (a.value.symbol !== 'x') expect(d.within).toEqual(a.numerator);
					if (d.within.value !== null && d.over.value !== null && a.denominator.value !== null && policy.profile === 'dashboard') {
						expect(d.within.value + d.over.value).toBe(a.denominator.value);
					}
					for (const [key, part] of [
						['info_request_on_time_pct', 'answered'],
						['info_request_ack_1wd_pct', 'acknowledged']
					] as const) {
						const q = figure(view, key);
						if (q.value.symbol !== 'x') {
							expect(view.requests.total.all[part]).toEqual(q.numerator);
							expect(view.requests.total.all.requests).toEqual(q.denominator);
						}
					}
					// The overdue requests' table total is the headline count, shown or suppressed alike.
					const overdueHeadline = figure(view, 'info_requests_overdue_at_end').value;
					expect(view.overdue.total.all).toEqual(overdueHeadline);
					const small = sum(Object.values(overdueAtEnd).flat());
					if (small >= 1 && small <= 5) expect(overdueHeadline).toEqual(C);
					if (view.overdue.responders.some((x) => x.byPriority.some((c) => c.symbol === 'c'))) held++;
					if (policy.profile === 'dashboard') {
						const { revealed, truth } = attack(view, data);
						for (const [id, v] of revealed) {
							expect(v, id).toBe(truth.get(id));
							expect(v >= 1 && v <= policy.threshold, `${id} = ${v} worked out`).toBe(false);
						}
					}
				}
			),
			{ numRuns: 300 }
		);
		// Some of those pages had overdue requests to suppress.
		expect(held).toBeGreaterThan(0);
	});
});

// ---------------------------------------------------------------- the cell key method

const PERTURBING = policyFrom({});

/** A count as shown under `policy`: perturbed by its key, rounded to 5 under the publication profile. */
function expectedCount(n: number, key: number, policy: DisclosurePolicy): number {
	const v = n === 0 ? 0 : perturbed(n, key, policy.threshold);
	return policy.profile === 'publication' ? Math.round(v / 5) * 5 : v;
}

/** Each figure of a table (cells, then row totals, column totals, the grand total) with its count, key and where the view shows it. */
function figuresOf(t: CountTable): { r: number | null; c: number | null; count: number; key: number }[] {
	const R = t.rows.length;
	const C = t.columns.length;
	const at = (rs: number[], cs: number[]) => {
		const cells = rs.flatMap((r) => cs.map((c) => [r, c] as const));
		return { count: sum(cells.map(([r, c]) => t.counts[r][c] ?? 0)), key: cellKeySum(cells.map(([r, c]) => t.keys![r][c])) };
	};
	const all = (n: number) => [...Array(n).keys()];
	return [
		...all(R).flatMap((r) => all(C).map((c) => ({ r, c, ...at([r], [c]) }))),
		...all(R).map((r) => ({ r, c: null, ...at([r], all(C)) })),
		...all(C).map((c) => ({ r: null, c, ...at(all(R), [c]) })),
		{ r: null, c: null, ...at(all(R), all(C)) }
	];
}

/** Every table figure of the view beside its count and cell key. */
function keyedFigures(view: ResponseView, data: ResponseData): { id: string; shown: Shown; count: number; key: number }[] {
	const out: { id: string; shown: Shown; count: number; key: number }[] = [];
	const r = view.requests;
	for (const measure of ['acknowledged', 'answered', 'requests'] as const) {
		for (const f of figuresOf(data.requestsByResponder[measure])) {
			const line = f.r === null ? r.total : r.responders[f.r];
			const cell = f.c === null ? line.all : line.byPriority[f.c];
			out.push({ id: `${measure}:${f.r ?? 'T'},${f.c ?? 'T'}`, shown: cell[measure], count: f.count, key: f.key });
		}
	}
	const o = view.overdue;
	for (const f of figuresOf(data.overdueAtEnd)) {
		const line = f.r === null ? o.total : o.responders[f.r];
		out.push({ id: `overdue:${f.r ?? 'T'},${f.c ?? 'T'}`, shown: f.c === null ? line.all : line.byPriority[f.c], count: f.count, key: f.key });
	}
	const d = data.assessmentDurations;
	if (d && view.durations) {
		const keys = d.keys!.map((k) => k[0] as number);
		const counts = d.counts.map((n) => n[0] as number);
		view.durations.bins.forEach((b, i) => out.push({ id: `bin:${b.label}`, shown: b.count, count: counts[i], key: keys[i] }));
		out.push({ id: 'within', shown: view.durations.within, count: sum(counts.slice(0, WITHIN)), key: cellKeySum(keys.slice(0, WITHIN)) });
		out.push({ id: 'over', shown: view.durations.over, count: sum(counts.slice(WITHIN)), key: cellKeySum(keys.slice(WITHIN)) });
	}
	return out;
}

/** Every percentage the view shows (shares and the headline and trend figures in percent). */
function percentages(view: ResponseView): { id: string; value: number }[] {
	const out: { id: string; value: number }[] = [];
	const r = view.requests;
	[...r.responders.flatMap((x) => [...x.byPriority, x.all]), ...r.total.byPriority, r.total.all].forEach((cell, i) => {
		for (const share of [cell.acknowledgedShare, cell.answeredShare]) if (share.value !== null) out.push({ id: `share ${i}`, value: share.value });
	});
	for (const f of view.figures) if (f.metric.unit === 'percent' && f.figure.value.value !== null) out.push({ id: f.metric.key, value: f.figure.value.value });
	for (const t of view.trends) if (t.metric.unit === 'percent') for (const p of t.points) if (p.value !== null) out.push({ id: `${t.metric.key} ${p.label}`, value: p.value });
	return out;
}

/** The symbol of every figure of the view, by where it is (what is suppressed, whatever the values). */
function symbols(view: ResponseView): Record<string, string | null> {
	return Object.fromEntries(shownCounts({ ...view, trends: null }).map(({ path, shown }) => [path, shown.symbol]));
}

describe('under the cell key method (a deployment\'s policy), over page data with cell keys', () => {
	const requests: Month['requests'] = {
		EDU: { urgent: [18, 20, 19], routine: [20, 25, 24] },
		HLT: { urgent: [3, 10, 10], routine: [20, 30, 12] },
		POL: { urgent: [12, 12, 2], routine: [0, 0, 0] },
		SCH: { urgent: [0, 0, 0], routine: [9, 9, 9] }
	};
	const overdue: Overdue = { CSC: [0, 14], HLT: [2, 30], POL: [0, 0], SCH: [7, 9] };
	const data = responseData([{ bins: [1, 26, 62, 103, 87, 62, 52, 27, 21, 3, 30], requests }], { overdue, keys: 7 });
	const view = presentResponse(data, PERTURBING);

	it('policyFrom({}) perturbs', () => {
		expect(PERTURBING.cellKey).toBe(true);
	});

	it('every count of a table is shown as perturbed(n, key, 5) for its own key; a total for its cells\' keys added', () => {
		const figures = keyedFigures(view, data);
		const shownFigures = figures.filter((f) => f.shown.symbol === null);
		expect(shownFigures.length).toBeGreaterThan(40);
		for (const f of shownFigures) expect(f.shown.value, f.id).toBe(f.count === 0 ? 0 : perturbed(f.count, f.key, 5));
		// Perturbation moves some of them.
		expect(shownFigures.filter((f) => f.shown.value !== f.count).length).toBeGreaterThan(5);
		// For instance: EDU's urgent requests (20) by their own key, EDU's row total (45) by its two cells' keys added.
		const req = data.requestsByResponder.requests;
		expect(view.requests.responders[0].byPriority[0].requests).toEqual(shown(perturbed(20, req.keys![0][0]!, 5)));
		expect(view.requests.responders[0].all.requests).toEqual(shown(perturbed(45, cellKeySum(req.keys![0]), 5)));
		expect(view.requests.total.all.requests).toEqual(shown(perturbed(106, cellKeySum(req.keys!.flat()), 5)));
		// The within total (441) by the bins' keys within 45 working days.
		expect(view.durations!.within).toEqual(shown(perturbed(441, cellKeySum(data.assessmentDurations!.keys!.slice(0, WITHIN).flat()), 5)));
	});

	it('suppression as without the method: decided on the true counts', () => {
		expect(symbols(view)).toEqual(symbols(presentResponse(data, { ...PERTURBING, cellKey: false })));
		expect(view.requests.responders[1].byPriority[0].answered).toEqual(C);
		expect(view.durations!.bins[0].count).toEqual(C);
	});

	it('no count from 1 to 5 shown, no percentage over 100', () => {
		expect(smallCounts(view, PERTURBING)).toEqual([]);
		const pcts = percentages(view);
		expect(pcts.length).toBeGreaterThan(10);
		expect(pcts.filter((p) => p.value < 0 || p.value > 100)).toEqual([]);
	});

	it('a share is of the perturbed counts, the part capped at its whole: never over 100% where the part is shown above its whole', () => {
		// EDU urgent: 19 of 20 acknowledged; some keys show the 19 above the 20.
		let found = 0;
		for (let seed = 0; seed < 400 && found < 3; seed++) {
			const d = responseData([{ bins: Array(11).fill(0), requests }], { keys: seed });
			const cell = presentResponse(d, PERTURBING).requests.responders[0].byPriority[0];
			const [k, q] = [cell.acknowledged.value!, cell.requests.value!];
			expect(k).toBe(perturbed(19, d.requestsByResponder.acknowledged.keys![0][0]!, 5));
			expect(q).toBe(perturbed(20, d.requestsByResponder.requests.keys![0][0]!, 5));
			expect(cell.acknowledgedShare).toEqual(shown((100 * Math.min(k, q)) / q));
			if (k > q) {
				expect(cell.acknowledgedShare).toEqual(shown(100));
				found++;
			}
		}
		expect(found).toBe(3);
	});

	it('the headlines: the tables\' totals by the same keys (the same rows), the overdue total the headline\'s own figure', () => {
		const t = view.requests.total.all;
		const ack = figure(view, 'info_request_ack_1wd_pct');
		expect(ack.denominator).toEqual(t.requests);
		// The headline's numerator is capped at its denominator; the table's is not.
		expect(ack.numerator).toEqual(shown(Math.min(t.acknowledged.value!, t.requests.value!)));
		expect(figure(view, 'info_request_on_time_pct').denominator).toEqual(t.requests);
		const overdueHeadline = figure(view, 'info_requests_overdue_at_end').value;
		expect(view.overdue.total.all).toEqual(overdueHeadline);
		expect(overdueHeadline).toEqual(shown(perturbed(62, cellKeySum(data.overdueAtEnd.keys!.flat()), 5)));
		const a = figure(view, 'assessment_45wd_pct');
		expect(a.numerator).toEqual(shown(Math.min(view.durations!.within.value!, a.denominator.value!)));
	});

	it('a count without its key is refused, not shown unperturbed', () => {
		const keyless = responseData([{ bins: Array(11).fill(10), requests: {} }]);
		expect(() => presentResponse(keyless, PERTURBING)).toThrow(/cell key/);
	});

	it('property: random keys (0–255): every count by its own key, none from 1 to 5, no share over 100, suppression as without the method', () => {
		const count = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 6, max: 40 }));
		const cell = fc.tuple(count, count, count).map(([a, b, k]): Cell => {
			const requests = Math.max(a, b, k);
			return [Math.min(a, b), requests, Math.min(k, requests)];
		});
		const month = fc.record({
			bins: fc.array(count, { minLength: 11, maxLength: 11 }),
			requests: fc.record({ HLT: fc.record({ urgent: cell, routine: cell }), POL: fc.record({ urgent: cell, routine: cell }) }, { requiredKeys: [] })
		});
		const overdueArb = fc.dictionary(fc.constantFrom('CSC', 'HLT', 'POL', 'SCH'), fc.tuple(count, count));
		let moved = 0;
		fc.assert(
			fc.property(
				fc.array(month, { minLength: 1, maxLength: 3 }),
				overdueArb,
				fc.integer({ min: 0, max: 2 ** 31 - 1 }),
				fc.constantFrom(PERTURBING, policyFrom({ profile: 'publication' })),
				(months, overdueAtEnd, seed, policy) => {
					const d = responseData(months, { overdue: overdueAtEnd, keys: seed });
					const v = presentResponse(d, policy);
					expect(smallCounts(v, policy)).toEqual([]);
					expect(percentages(v).filter((p) => p.value < 0 || p.value > 100)).toEqual([]);
					for (const f of keyedFigures(v, d)) {
						if (f.shown.symbol !== null) continue;
						expect(f.shown.value, f.id).toBe(expectedCount(f.count, f.key, policy));
						if (f.shown.value !== f.count) moved++;
					}
					expect(symbols(v)).toEqual(symbols(presentResponse(d, { ...policy, cellKey: false })));
					expect(v.overdue.total.all).toEqual(figure(v, 'info_requests_overdue_at_end').value);
					for (const [key, part] of [
						['info_request_on_time_pct', 'answered'],
						['info_request_ack_1wd_pct', 'acknowledged']
					] as const) {
						const q = figure(v, key);
						const t = v.requests.total.all;
						if (q.value.symbol === 'x') continue;
						expect(t.requests).toEqual(q.denominator);
						if (t[part].value !== null && t.requests.value !== null) expect(q.numerator).toEqual(shown(Math.min(t[part].value!, t.requests.value!)));
						else expect(q.numerator).toEqual(t[part]);
					}
				}
			),
			{ numRuns: 200 }
		);
		expect(moved).toBeGreaterThan(0);
	});
});

// ---------------------------------------------------------------- through the warehouse

describe('presentResponse over a small extract', () => {
	let t: TestWarehouse;
	beforeAll(async () => {
		t = await createTestWarehouse(
			extract({
				referrals: [
					referral({ referral_id: 'r1', child_id: K1, received_at: '2024-04-05 16:30:00', decided_at: '2024-04-08 09:00:00' }),
					referral({ referral_id: 'r2', child_id: K2, received_at: '2024-04-05 16:30:00', decided_at: '2024-04-09 09:00:00' })
				],
				assessments: [
					assessment({ assessment_id: 'a1', child_id: K1, started_on: '2024-04-02', completed_on: '2024-04-09' }),
					assessment({ assessment_id: 'a2', child_id: K2, started_on: '2024-04-15', completed_on: '2024-04-15' }),
					assessment({ assessment_id: 'a3', child_id: K3, started_on: '2024-02-22', completed_on: '2024-04-30' })
				],
				info_requests: [
					request({ request_id: 'q1', child_id: K1, requesting_agency_code: 'CSC', responding_agency_code: 'HLT', priority: 'urgent', requested_at: '2024-04-10 10:00:00', responded_at: '2024-04-11 10:00:00' }),
					// Unanswered: overdue at the end of April.
					request({ request_id: 'q2', child_id: K3, requesting_agency_code: 'HLT', responding_agency_code: 'POL', priority: 'routine', requested_at: '2024-04-20 10:00:00' })
				]
			})
		);
	});
	afterAll(async () => t.dispose());

	it('under a deployment\'s policy (the cell key method): every count with its key, none from 1 to 5', async () => {
		const view = presentResponse(await responsePage(t.warehouse, { from: '2024-04-01', to: '2024-04-30' }), PERTURBING);
		expect(figure(view, 'assessment_45wd_pct')).toEqual({ value: C, numerator: C, denominator: C });
		expect(view.overdue.total.all).toEqual(C);
		expect(smallCounts(view, PERTURBING)).toEqual([]);
	});

	it('every count is from the warehouse, and none from 1 to 5 is shown', async () => {
		const view = presentResponse(await responsePage(t.warehouse, { from: '2024-04-01', to: '2024-04-30' }), POLICY);
		expect(figure(view, 'assessment_45wd_pct')).toEqual({ value: C, numerator: C, denominator: C });
		expect(figure(view, 'assessment_median_wd').value).toEqual(C);
		expect(view.durations!.within).toEqual(C);
		expect(view.durations!.bins.filter((b) => b.count.symbol === 'c').map((b) => b.label)).toEqual(['0–5', '46–60']);
		expect(view.requests.responders.map((r) => r.agency)).toEqual(['HLT', 'POL']);
		expect(view.requests.total.all).toEqual({ requests: C, acknowledged: C, acknowledgedShare: C, answered: C, answeredShare: C });
		expect(figure(view, 'info_request_ack_1wd_pct')).toEqual({ value: C, numerator: C, denominator: C });
		// One request overdue (q2, of POL): c in the headline and in the table.
		expect(figure(view, 'info_requests_overdue_at_end').value).toEqual(C);
		expect(view.overdue.responders).toEqual([
			{ agency: 'HLT', byPriority: [shown(0), shown(0)], all: shown(0) },
			{ agency: 'POL', byPriority: [shown(0), C], all: C }
		]);
		expect(view.overdue.total.all).toEqual(C);
		expect(shownCounts(view).length).toBeGreaterThan(20);
		expect(smallCounts(view)).toEqual([]);
	});
});

/**
 * Response times (`/response`): decisions within one working day, assessments within 45
 * working days and how long they took, conferences within 15 working days, information
 * requests acknowledged within 1 working day and answered on time by the agency asked, and
 * those overdue at the period's end.
 *
 * The figures and the trend are `computeMetrics`. The distribution of assessment durations
 * and the requests by responding agency count the rows those metrics count, through
 * `MetricSql.rows`, with the metrics' own measures (working days from the stored
 * working-day numbers; the rules of `info_request_ack_1wd_pct` and
 * `info_request_on_time_pct`); the requests overdue at the end by the agency asked are the
 * rows `info_requests_overdue_at_end` counts (`MetricSql.rowsOpenAtEnd` with its own
 * condition). The tests hold the totals to the metrics' numerators, denominators and counts.
 *
 * Every count of the tables carries its cell key (rule 7, `CountTable.keys`, from the same
 * query: `crossCount`'s sum of the rows' record keys modulo 256), so that each is shown
 * perturbed by its own key; the keys of a table's totals (the sums of its cells') are then
 * the metrics' own keys for the same rows, and the tests hold them to it.
 */
import { INFO_REQUEST_ACK_1WD, INFO_REQUEST_ON_TIME, INFO_REQUEST_OVERDUE_OPEN_AT } from '../metrics/definitions/partnership.ts';
import { ASSESSMENT_WORKING_DAYS } from '../metrics/definitions/social-care.ts';
import type { CountTable } from '../disclosure/types.ts';
import type { MetricSet } from '../metrics/compute.ts';
import { REQUEST_PRIORITIES } from '../schema/codes.ts';
import type { Warehouse } from '../warehouse/warehouse.ts';
import { MetricCache, monthly, type MonthMetrics } from './metrics.ts';
import {
	binLabel,
	bins,
	countTable,
	crossCount,
	eventSql,
	hasAgencyFilter,
	labelsOf,
	pageScope,
	validQuery,
	type DashboardQuery,
	type PageScope
} from './query.ts';

const KEYS = [
	'referral_decision_1wd_pct',
	'assessment_45wd_pct',
	'assessment_median_wd',
	'icpc_15wd_pct',
	'info_request_ack_1wd_pct',
	'info_request_on_time_pct',
	'info_request_median_hours',
	'info_requests_overdue_at_end'
] as const;
type ResponseKey = (typeof KEYS)[number];

const ASSESSMENT_WD = ASSESSMENT_WORKING_DAYS;

/** 0–5, 6–10, …, 41–45 working days (within the 45), then 46–60 and 61+. */
export const ASSESSMENT_BINS = bins(5, 45, [60]);

const ON_TIME = INFO_REQUEST_ON_TIME;

export interface ResponseData extends PageScope {
	figures: Pick<MetricSet, ResponseKey>;
	trend: MonthMetrics<ResponseKey>[];
	/**
	 * Assessments completed in the period by working days taken (rows: the bins of
	 * `ASSESSMENT_BINS`; one column, `assessments`). The column total is shown: it is the
	 * denominator of `assessment_45wd_pct`, and the bins up to 41–45 add up to its numerator.
	 * Null under an agency or sector filter: assessments belong to no agency (the metric is `z`).
	 */
	assessmentDurations: CountTable | null;
	/**
	 * Information requests made in the period, by the agency asked (rows) and priority
	 * (columns `urgent`, `routine`): `acknowledged` those with a first reply within 1 working
	 * day, `answered` those answered on time, `requests` all. Row and column totals shown in
	 * each; the grand total of `requests` is the denominator of `info_request_ack_1wd_pct` and
	 * of `info_request_on_time_pct`, of `acknowledged` and `answered` their numerators. Each of
	 * `acknowledged` and `answered` is a part of `requests` cell by cell (the late ones are the
	 * difference); they are not parts of each other.
	 */
	requestsByResponder: { acknowledged: CountTable; answered: CountTable; requests: CountTable };
	/**
	 * Information requests overdue at the end of `to` (the rows of `info_requests_overdue_at_end`),
	 * by the agency asked (rows: the agencies of `requestsByResponder` and any other with a
	 * request overdue) and priority (columns). Row and column totals shown; each request is in
	 * one row and one column, so the grand total is the headline count.
	 */
	overdueAtEnd: CountTable;
}

/**
 * The page's data, every part of it from the same committed data (`Warehouse.snapshot`), kept
 * for its data version and filters (`Warehouse.cached`: it is before disclosure control and
 * reads no setting).
 */
export function responsePage(warehouse: Warehouse, query: DashboardQuery): Promise<ResponseData> {
	return warehouse.snapshot((view) => view.cached(`page response ${JSON.stringify(validQuery(query))}`, () => responsePageIn(view, query)));
}

async function responsePageIn(warehouse: Warehouse, query: DashboardQuery): Promise<ResponseData> {
	const q = validQuery(query);
	const metrics = new MetricCache(warehouse, KEYS);
	const ms = eventSql(q);
	const durations = async (): Promise<CountTable | null> => {
		if (hasAgencyFilter(q)) return null;
		const counted = await crossCount(warehouse, q, {
			source: ms.rows('assessments', { on: 'e.completed_on' }),
			row: binLabel(ASSESSMENT_WD, ASSESSMENT_BINS),
			column: `'assessments'`,
			measures: { n: true }
		});
		return countTable({ rows: ASSESSMENT_BINS.map((b) => b.label), columns: ['assessments'], rowTotals: false, columnTotals: true }, counted, 'n');
	};
	const [all, byMonth, assessmentDurations, requests, overdue] = await Promise.all([
		metrics.set(q),
		metrics.groups(q, 'month'),
		durations(),
		crossCount(warehouse, q, {
			source: ms.rows('info_requests', { on: 'e.d_requested_on' }),
			row: 'responding_agency_code',
			column: 'priority',
			measures: { acknowledged: INFO_REQUEST_ACK_1WD, answered: ON_TIME, requests: true }
		}),
		crossCount(warehouse, q, {
			source: ms.rowsOpenAtEnd('info_requests', 'e.d_requested_on', INFO_REQUEST_OVERDUE_OPEN_AT),
			row: 'responding_agency_code',
			column: 'priority',
			measures: { overdue: true }
		})
	]);
	const layout = { rows: labelsOf(requests, 'row'), columns: REQUEST_PRIORITIES, rowTotals: true, columnTotals: true };
	return {
		...pageScope(q),
		figures: all,
		trend: monthly(byMonth),
		assessmentDurations,
		requestsByResponder: {
			acknowledged: countTable(layout, requests, 'acknowledged'),
			answered: countTable(layout, requests, 'answered'),
			requests: countTable(layout, requests, 'requests')
		},
		overdueAtEnd: countTable({ ...layout, rows: [...new Set([...layout.rows, ...labelsOf(overdue, 'row')])].sort() }, overdue, 'overdue')
	};
}

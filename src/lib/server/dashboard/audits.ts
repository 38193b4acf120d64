/**
 * Audits (`/audits`): multi-agency case audit grades over time and by theme, each agency's
 * findings by criterion, and the actions agreed, due and overdue.
 *
 * Figures and trend: `computeMetrics`. The tables count the rows those metrics count
 * (`MetricSql.rows`). Audit findings are no metric's rows, so they follow the same filter
 * rules by hand: a finding is in the period when its audit is, follows its audit's child
 * under an area filter (as an action does), and belongs to its own agency under an agency or
 * sector filter (metrics.md: "audit findings of that agency").
 */
import type { CountTable } from '../disclosure/types.ts';
import type { MetricSet, ValidQuery } from '../metrics/compute.ts';
import { monthsOf } from '../metrics/dimensions.ts';
import { MetricSql } from '../metrics/events.ts';
import { AUDIT_CRITERIA, GRADES } from '../schema/codes.ts';
import { inList } from '../warehouse/sql.ts';
import type { Warehouse } from '../warehouse/warehouse.ts';
import { MetricCache, monthly, type MonthMetrics } from './metrics.ts';
import { countTable, crossCount, eventSql, hasAgencyFilter, labelsOf, pageScope, validQuery, type DashboardQuery, type PageScope } from './query.ts';

const KEYS = ['audits_good_or_better_pct', 'audit_actions_on_time_pct'] as const;
type AuditKey = (typeof KEYS)[number];

/** Grades counted as good or better, as `audits_good_or_better_pct` counts them. */
const GOOD_OR_BETTER = `grade IN ${inList(['outstanding', 'good'])}`;

/** How an action due in the period stands (as imported): the first is on time, the others overdue. */
export const ACTION_STATES = ['on_time', 'completed_late', 'not_completed'] as const;
const ACTION_STATE = `CASE WHEN completed_on IS NULL THEN 'not_completed' WHEN completed_on <= due_on THEN 'on_time' ELSE 'completed_late' END`;

export interface AuditsData extends PageScope {
	figures: Pick<MetricSet, AuditKey>;
	trend: MonthMetrics<AuditKey>[];
	/**
	 * Audits by month held (rows `YYYY-MM`, every month of the period) and overall grade
	 * (columns: outstanding, good, requires_improvement, inadequate). Row and column totals
	 * shown. Null under an agency or sector filter: an overall grade belongs to no agency.
	 */
	gradesByMonth: CountTable | null;
	/** Audits in the period by theme (rows: the themes audited) and overall grade; totals shown. Null as above. */
	gradesByTheme: CountTable | null;
	/**
	 * Findings of the audits in the period by criterion (rows) and agency graded (columns:
	 * the agencies with any): `goodOrBetter` those graded outstanding or good, `findings` all.
	 * Row and column totals shown in both; `goodOrBetter` is a part of `findings` cell by cell.
	 */
	findings: { goodOrBetter: CountTable; findings: CountTable };
	/**
	 * Actions due in the period by owner agency (rows) and how they stand (columns:
	 * `on_time`; overdue: `completed_late`, `not_completed` as imported). Row totals (due in
	 * the period, per agency) and column totals shown; the grand total is the denominator of
	 * `audit_actions_on_time_pct`, the `on_time` total its numerator.
	 */
	actions: CountTable;
}

/** Findings of the audits in the period, filtered as metrics.md's filters paragraph says for them. */
function findingsRows(q: ValidQuery): string {
	// The audits of the period under the area filter only: the agency filter applies to the findings.
	const audits = new MetricSql({ area: q.area !== null, agency: false, sector: false }, null).rows('audits', { on: 'e.audited_on' });
	const conditions = ['true'];
	if (q.agency !== null) conditions.push('f.agency_code = $agency');
	if (q.sector !== null) conditions.push('f.d_sector = $sector');
	return `SELECT f.* FROM audit_findings f JOIN (${audits}) a ON a.audit_id = f.audit_id WHERE ${conditions.join(' AND ')}`;
}

/**
 * The page's data, every part of it from the same committed data (`Warehouse.snapshot`), kept
 * for its data version and filters (`Warehouse.cached`: it is before disclosure control and
 * reads no setting).
 */
export function auditsPage(warehouse: Warehouse, query: DashboardQuery): Promise<AuditsData> {
	return warehouse.snapshot((view) => view.cached(`page audits ${JSON.stringify(validQuery(query))}`, () => auditsPageIn(view, query)));
}

async function auditsPageIn(warehouse: Warehouse, query: DashboardQuery): Promise<AuditsData> {
	const q = validQuery(query);
	const metrics = new MetricCache(warehouse, KEYS);
	const grades = async (): Promise<[CountTable, CountTable] | null> => {
		// Overall grades belong to no agency: not applicable under an agency or sector filter.
		if (hasAgencyFilter(q)) return null;
		const [byMonth, byTheme] = await Promise.all([
			crossCount(warehouse, q, {
				source: eventSql(q, 'month').rows('audits', { on: 'e.audited_on' }),
				row: `strftime(grp, '%Y-%m')`,
				column: 'overall_grade',
				measures: { n: true }
			}),
			crossCount(warehouse, q, { source: eventSql(q).rows('audits', { on: 'e.audited_on' }), row: 'theme', column: 'overall_grade', measures: { n: true } })
		]);
		return [
			countTable({ rows: monthsOf(q.from, q.to), columns: GRADES, rowTotals: true, columnTotals: true }, byMonth, 'n'),
			countTable({ rows: labelsOf(byTheme, 'row'), columns: GRADES, rowTotals: true, columnTotals: true }, byTheme, 'n')
		];
	};
	const [all, byMonth, gradeTables, findings, actions] = await Promise.all([
		metrics.set(q),
		metrics.groups(q, 'month'),
		grades(),
		crossCount(warehouse, q, { source: findingsRows(q), row: 'criterion', column: 'agency_code', measures: { good: GOOD_OR_BETTER, all: true } }),
		crossCount(warehouse, q, {
			source: eventSql(q).rows('audit_actions', { on: 'e.due_on' }),
			row: 'owner_agency_code',
			column: ACTION_STATE,
			measures: { n: true }
		})
	]);
	const findingsLayout = { rows: AUDIT_CRITERIA, columns: labelsOf(findings, 'column'), rowTotals: true, columnTotals: true };
	return {
		...pageScope(q),
		figures: all,
		trend: monthly(byMonth),
		gradesByMonth: gradeTables?.[0] ?? null,
		gradesByTheme: gradeTables?.[1] ?? null,
		findings: { goodOrBetter: countTable(findingsLayout, findings, 'good'), findings: countTable(findingsLayout, findings, 'all') },
		actions: countTable({ rows: labelsOf(actions, 'row'), columns: ACTION_STATES, rowTotals: true, columnTotals: true }, actions, 'n')
	};
}

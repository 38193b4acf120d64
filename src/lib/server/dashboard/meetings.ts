/**
 * Meetings (`/meetings`): partner agencies at child protection meetings (strategy
 * discussions, initial and review conferences, core groups): invited, attended, absent, and
 * reports submitted to conferences; by meeting type, agency, sector and month.
 *
 * The figures and the trend are `computeMetrics`. The tables count the rows those metrics
 * count: attendance rows of child protection meetings held in the period
 * (`meetingAttendanceRows`, under the page's filters), kept when they are a partner's
 * invitation (`PARTNER_INVITATION`), with the metrics' own measures (`ATTENDED`,
 * `REPORT_SUBMITTED`), all exported beside the metrics' definitions: the rule is written
 * once. The tests hold the tables' totals to the metrics' numerators and denominators.
 *
 * Every count of the tables carries its cell key (rule 7, `CountTable.keys`, from the same
 * query: `crossCount`'s sum of the invitations' record keys modulo 256), so that each is shown
 * perturbed by its own key; a sum of cells (a total, a sector) has the sum of their keys,
 * which for the tables' totals are the metrics' own keys (the same rows: the tests hold them
 * to it).
 */
import { cellKeySum } from '../disclosure/index.ts';
import type { CountTable } from '../disclosure/types.ts';
import type { MetricSet } from '../metrics/compute.ts';
import {
	ATTENDED,
	CONFERENCE_TYPES,
	CP_MEETING_TYPES,
	meetingAttendanceRows,
	PARTNER_INVITATION,
	REPORT_SUBMITTED
} from '../metrics/definitions/partnership.ts';
import { SECTORS } from '../schema/codes.ts';
import { inList } from '../warehouse/sql.ts';
import type { Warehouse } from '../warehouse/warehouse.ts';
import { MetricCache, monthly, type MonthMetrics } from './metrics.ts';
import { countTable, crossCount, eventSql, labelsOf, pageScope, readRows, validQuery, type DashboardQuery, type PageScope } from './query.ts';

const KEYS = ['cp_meeting_partner_attendance_pct', 'icpc_partner_attendance_pct', 'conference_reports_pct'] as const;
export type MeetingsKey = (typeof KEYS)[number];

export { CONFERENCE_TYPES, CP_MEETING_TYPES };

export interface MeetingsData extends PageScope {
	figures: Pick<MetricSet, MeetingsKey>;
	/** By month: `cp_meeting_partner_attendance_pct`'s numerator and denominator are each month's attended and invited. */
	trend: MonthMetrics<'cp_meeting_partner_attendance_pct'>[];
	/**
	 * Invitations of partners to child protection meetings held in the period, by agency
	 * (rows: the agencies with any) and meeting type (columns `CP_MEETING_TYPES`): `invited`
	 * all, `attended` those attended (part of `invited` cell by cell), `reports` those with a
	 * report submitted (counted for conferences only: 0 in the other columns). Row and column
	 * totals shown. `invited`'s grand total is the denominator of
	 * `cp_meeting_partner_attendance_pct`, `attended`'s its numerator; the `icpc` column's
	 * totals are `icpc_partner_attendance_pct`'s; the `icpc` and `rcpc` columns' add up to
	 * `conference_reports_pct`'s denominator (`invited`) and numerator (`reports`).
	 */
	byAgency: { invited: CountTable; attended: CountTable; reports: CountTable };
	/** The sector of each agency of `byAgency`'s rows (the sector of its rows as counted). */
	sectorOf: Record<string, string>;
}

/**
 * The page's data, every part of it from the same committed data (`Warehouse.snapshot`), kept
 * for its data version and filters (`Warehouse.cached`: it is before disclosure control and
 * reads no setting).
 */
export function meetingsPage(warehouse: Warehouse, query: DashboardQuery): Promise<MeetingsData> {
	return warehouse.snapshot((view) => view.cached(`page meetings ${JSON.stringify(validQuery(query))}`, () => meetingsPageIn(view, query)));
}

async function meetingsPageIn(warehouse: Warehouse, query: DashboardQuery): Promise<MeetingsData> {
	const q = validQuery(query);
	const metrics = new MetricCache(warehouse, KEYS);
	const invitations = `SELECT * FROM (${meetingAttendanceRows(eventSql(q), CP_MEETING_TYPES)}) WHERE ${PARTNER_INVITATION}`;
	const conference = `meeting_type IN ${inList(CONFERENCE_TYPES)}`;
	const [all, byMonth, counted, sectors] = await Promise.all([
		metrics.set(q),
		metrics.groups(q, 'month'),
		crossCount(warehouse, q, {
			source: invitations,
			row: 'agency_code',
			column: 'meeting_type',
			measures: { invited: true, attended: ATTENDED, reports: `${conference} AND (${REPORT_SUBMITTED})` }
		}),
		readRows<{ agency: string; sector: string | null }>(warehouse, `SELECT DISTINCT agency_code AS agency, d_sector AS sector FROM (${invitations})`, q)
	]);
	const layout = { rows: labelsOf(counted, 'row'), columns: CP_MEETING_TYPES, rowTotals: true, columnTotals: true };
	const trend = monthly(byMonth).map((m) => ({ month: m.month, metrics: { cp_meeting_partner_attendance_pct: m.metrics.cp_meeting_partner_attendance_pct } }));
	return {
		...pageScope(q),
		figures: all,
		trend,
		byAgency: {
			invited: countTable(layout, counted, 'invited'),
			attended: countTable(layout, counted, 'attended'),
			reports: countTable(layout, counted, 'reports')
		},
		sectorOf: Object.fromEntries(sectors.map((s) => [s.agency, s.sector ?? NO_SECTOR]))
	};
}

/** The sector label of an agency with none recorded (a partner all the same: not children's social care). */
export const NO_SECTOR = 'unknown';

/**
 * A table by agency summed by the agencies' sectors (rows: the sectors with any agency, in
 * the code list's order, an agency with no sector last), with the same columns and totals;
 * each sum's cell key the sum of its agencies' keys (where the table has keys).
 */
export function sectorTable(byAgency: CountTable, sectorOf: Readonly<Record<string, string>>): CountTable {
	const sectorOfRow = byAgency.rows.map((agency) => {
		const sector = sectorOf[agency];
		if (sector === undefined) throw new Error(`no sector given for agency ${agency}`);
		return sector;
	});
	const order = [...SECTORS, NO_SECTOR] as readonly string[];
	const rows = [...new Set(sectorOfRow)].sort((a, b) => rank(order, a) - rank(order, b) || a.localeCompare(b));
	const counts = rows.map(() => byAgency.columns.map(() => 0));
	byAgency.counts.forEach((row, r) => row.forEach((n, c) => (counts[rows.indexOf(sectorOfRow[r])][c] += n ?? 0)));
	const keyed = byAgency.keys;
	const keys = keyed
		? rows.map((sector) => byAgency.columns.map((_, c) => cellKeySum(byAgency.rows.flatMap((_, r) => (sectorOfRow[r] === sector ? [keyed[r][c]] : [])))))
		: null;
	return { rows, columns: [...byAgency.columns], counts, ...(keys ? { keys } : {}), rowTotals: byAgency.rowTotals, columnTotals: byAgency.columnTotals };
}

function rank(order: readonly string[], s: string): number {
	const i = order.indexOf(s);
	return i === -1 ? order.length : i;
}

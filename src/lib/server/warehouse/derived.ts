/**
 * Derived columns: what every metric needs and would otherwise compute per row in every
 * query (event dates in Europe/London, working-day numbers, the child's area, age basis,
 * sex and ethnicity group, the sector of an agency or source). They are computed once,
 * when a row is loaded, by the same SELECT that loads it, and computed again (same SELECT)
 * for the rows whose child or agency a later import or an undo changes.
 *
 * Every derived column is named `d_…` so it can never collide with an extract column.
 */
import { SECTOR_OF_SOURCE_CODE } from '../schema/codes.ts';
import { getTable } from '../schema/tables.ts';
import type { Table } from '../schema/types.ts';
import { keyExpr, PADS_TABLE } from './cell-key.ts';
import { ident, literal } from './sql.ts';

export interface Join {
	alias: string;
	/** The `LEFT JOIN … ON …` clause; the source row is aliased `s`. */
	sql: string;
	/** Instead of `sql`, a clause that reads the rows being derived (`source`) again (see the child key). */
	sqlOf?: (source: string) => string;
}

export interface DerivedColumn {
	name: string;
	sqlType: string;
	description: string;
	/** The expression over `s` (the source row) and the joins. */
	expr: string;
	joins: Join[];
	/** What, changed elsewhere, makes this column stale: nothing, the row's child, or the agency in `column`. */
	dependsOn: { on: 'row' } | { on: 'child' } | { on: 'agency'; column: string };
}

const childJoin: Join = { alias: 'ch', sql: 'LEFT JOIN children ch ON ch.child_id = s.child_id' };

const agencyJoin = (column: string): Join => ({
	alias: `ag_${column}`,
	sql: `LEFT JOIN agencies ag_${column} ON ag_${column}.agency_code = s.${ident(column)}`
});

const calendarJoin = (alias: string, dateExpr: string): Join => ({
	alias,
	sql: `LEFT JOIN calendar ${alias} ON ${alias}.day = ${dateExpr}`
});

/** The child's area, birth basis, sex and ethnicity group, copied onto the event. */
function childColumns(): DerivedColumn[] {
	return [
		{
			name: 'd_area_code',
			sqlType: 'VARCHAR',
			description: 'The area of the event\'s child (null when the child has no `children` row or no area).',
			expr: 'ch.area_code',
			joins: [childJoin],
			dependsOn: { on: 'child' }
		},
		{
			name: 'd_birth_start',
			sqlType: 'DATE',
			description: 'First day of the child\'s `birth_month`: ages at events are whole years from it.',
			expr: "CAST(ch.birth_month || '-01' AS DATE)",
			joins: [childJoin],
			dependsOn: { on: 'child' }
		},
		{
			name: 'd_sex',
			sqlType: 'VARCHAR',
			description: 'The child\'s sex (null when unknown to the warehouse).',
			expr: 'ch.sex',
			joins: [childJoin],
			dependsOn: { on: 'child' }
		},
		{
			name: 'd_ethnicity_group',
			sqlType: 'VARCHAR',
			description: 'Ethnicity group from the code\'s first letter: white, mixed, asian, black, other or unknown.',
			expr: `CASE
				WHEN ch.ethnicity IS NULL OR ch.ethnicity IN ('REFU', 'NOBT') THEN 'unknown'
				WHEN ch.ethnicity LIKE 'W%' THEN 'white'
				WHEN ch.ethnicity LIKE 'M%' THEN 'mixed'
				WHEN ch.ethnicity LIKE 'A%' THEN 'asian'
				WHEN ch.ethnicity LIKE 'B%' THEN 'black'
				ELSE 'other' END`,
			joins: [childJoin],
			dependsOn: { on: 'child' }
		}
	];
}

/** `received_at` → `d_received_on`, its date in Europe/London. */
function eventDate(column: string): DerivedColumn {
	const base = column.replace(/_at$/, '');
	return {
		name: `d_${base}_on`,
		sqlType: 'DATE',
		description: `The date of \`${column}\` in Europe/London.`,
		expr: `CAST(s.${ident(column)} AS DATE)`,
		joins: [],
		dependsOn: { on: 'row' }
	};
}

/**
 * Working-day number of a date column, or of a timestamp column's London date (read from its
 * `d_…_on` column, computed once in the inner SELECT: time zone conversions are costly).
 */
function workingDayNumber(column: string, type: 'date' | 'timestamp'): DerivedColumn {
	const base = column.replace(/_(at|on)$/, '');
	const alias = `cal_${base}`;
	const dateExpr = type === 'timestamp' ? `s.${ident(`d_${base}_on`)}` : `s.${ident(column)}`;
	return {
		name: `d_${base}_wdn`,
		sqlType: 'INTEGER',
		description: `Working-day number of \`${column}\`'s date: wd(a, b) = number(b) − number(a).`,
		expr: `${alias}.number`,
		joins: [calendarJoin(alias, dateExpr)],
		dependsOn: { on: 'row' }
	};
}

/**
 * metrics.md (version 2) "First reply" of an information request: the earlier of
 * `acknowledged_at` and `responded_at` (an answer acknowledges), and its London date. The
 * date of the earlier instant is the earlier of the two dates, and working-day numbers grow
 * with the date, so the day and its number are the earlier of each (`least` skips a null).
 */
function firstReplyColumns(): DerivedColumn[] {
	return [
		{
			name: 'd_first_reply_on',
			sqlType: 'DATE',
			description: 'The date in Europe/London of the first reply: the earlier of `acknowledged_at` and `responded_at` (null when neither).',
			expr: 'CAST(least(s.acknowledged_at, s.responded_at) AS DATE)',
			joins: [],
			dependsOn: { on: 'row' }
		},
		{
			name: 'd_first_reply_wdn',
			sqlType: 'INTEGER',
			description: "Working-day number of the first reply's date: wd(a, b) = number(b) − number(a).",
			expr: 'cal_first_reply.number',
			joins: [calendarJoin('cal_first_reply', 's.d_first_reply_on')],
			dependsOn: { on: 'row' }
		}
	];
}

function agencySector(column: string, name: string): DerivedColumn {
	const join = agencyJoin(column);
	return {
		name,
		sqlType: 'VARCHAR',
		description: `Sector of \`${column}\`.`,
		expr: `${join.alias}.sector`,
		joins: [join],
		dependsOn: { on: 'agency', column }
	};
}

/** metrics.md "Sector of a contact or referral": its agency's sector, else from source_code. */
function sourceSector(): DerivedColumn {
	const join = agencyJoin('source_agency_code');
	const cases = Object.entries(SECTOR_OF_SOURCE_CODE)
		.map(([code, sector]) => `WHEN ${literal(code)} THEN ${literal(sector as string)}`)
		.join(' ');
	return {
		name: 'd_sector',
		sqlType: 'VARCHAR',
		description: 'Sector of the source: the sector of `source_agency_code` where given, otherwise from `source_code`.',
		expr: `COALESCE(${join.alias}.sector, CASE s.source_code ${cases} ELSE 'other' END)`,
		joins: [join],
		dependsOn: { on: 'agency', column: 'source_agency_code' }
	};
}

/** Columns of `children` and `agencies` that derived columns read: a change to one makes rows stale. */
export const WATCHED_COLUMNS: Readonly<Record<'children' | 'agencies', readonly string[]>> = {
	children: ['area_code', 'birth_month', 'sex', 'ethnicity'],
	agencies: ['sector']
};

/**
 * The condition (over the table's own columns) for rows whose derived columns may be stale
 * after the children in `touched_children(child_id)` or the agencies in
 * `touched_agencies(agency_code)` changed; null when nothing can make them stale.
 */
export function staleCondition(table: Table): string | null {
	const parts = new Set<string>();
	for (const d of derivedColumns(table)) {
		if (d.dependsOn.on === 'child') parts.add('child_id IN (SELECT child_id FROM touched_children)');
		if (d.dependsOn.on === 'agency') parts.add(`${ident(d.dependsOn.column)} IN (SELECT agency_code FROM touched_agencies)`);
	}
	return parts.size ? [...parts].join(' OR ') : null;
}

/** Contacts and referrals: received and decided dates, their working days, the source's sector. */
const frontDoorColumns = (): DerivedColumn[] => [
	eventDate('received_at'),
	workingDayNumber('received_at', 'timestamp'),
	eventDate('decided_at'),
	workingDayNumber('decided_at', 'timestamp'),
	sourceSector(),
	...childColumns()
];

const DERIVED: Record<string, DerivedColumn[]> = {
	contacts: frontDoorColumns(),
	referrals: frontDoorColumns(),
	assessments: [workingDayNumber('started_on', 'date'), workingDayNumber('completed_on', 'date'), ...childColumns()],
	s47_enquiries: [workingDayNumber('started_on', 'date'), workingDayNumber('icpc_on', 'date'), ...childColumns()],
	cp_plans: [...childColumns()],
	info_requests: [
		eventDate('requested_at'),
		workingDayNumber('requested_at', 'timestamp'),
		eventDate('responded_at'),
		workingDayNumber('responded_at', 'timestamp'),
		...firstReplyColumns(),
		{
			name: 'd_response_hours',
			sqlType: 'DOUBLE',
			description: 'Elapsed hours from `requested_at` to `responded_at` (a night when the clocks change lasts 23 or 25 hours).',
			expr: '(epoch(s.responded_at) - epoch(s.requested_at)) / 3600.0',
			joins: [],
			dependsOn: { on: 'row' }
		},
		agencySector('requesting_agency_code', 'd_requesting_sector'),
		agencySector('responding_agency_code', 'd_responding_sector'),
		...childColumns()
	],
	escalations: [
		agencySector('raised_by_agency_code', 'd_raised_by_sector'),
		agencySector('raised_with_agency_code', 'd_raised_with_sector'),
		...childColumns()
	],
	meetings: [...childColumns()],
	meeting_attendance: [agencySector('agency_code', 'd_sector')],
	audits: [...childColumns()],
	audit_findings: [agencySector('agency_code', 'd_sector')],
	audit_actions: [agencySector('owner_agency_code', 'd_sector')]
};

const padsJoin: Join = { alias: 'ckp', sql: `CROSS JOIN ${PADS_TABLE} ckp` };

/**
 * The keys of disclosure control's cell key method (./cell-key.ts): the row's record key, from
 * its table and primary key, and, for a row naming a child, the child's key, from the child
 * pseudonym. Both depend on the row alone (and the warehouse's secret), so a row replaced,
 * undone or imported again keeps them.
 */
function cellKeyColumns(table: Table): DerivedColumn[] {
	const message = [literal(`${table.name}:`), ...table.primaryKey.map((k, i) => `${i ? `':' || ` : ''}CAST(s.${ident(k)} AS VARCHAR)`)].join(' || ');
	const out: DerivedColumn[] = [
		{
			name: 'd_record_key',
			sqlType: 'UTINYINT',
			description: "The row's record key (0–255) for disclosure control's cell key method: a keyed hash of its table and primary key with the warehouse's secret.",
			expr: keyExpr(message, padsJoin.alias),
			joins: [padsJoin],
			dependsOn: { on: 'row' }
		}
	];
	if (table.columns.some((c) => c.name === 'child_id')) {
		// Hashed once for each child of the rows being loaded, not once a row (a child has many events).
		const childKeys: Join = {
			alias: 'ckc',
			sql: '',
			sqlOf: (source) => `LEFT JOIN (
				SELECT x.child_id, ${keyExpr(`'child:' || x.child_id`, 'ckp2')} AS child_key
				FROM (SELECT DISTINCT child_id FROM ${source} WHERE child_id IS NOT NULL) x CROSS JOIN ${PADS_TABLE} ckp2
			) ckc ON ckc.child_id = s.child_id`
		};
		out.push({
			name: 'd_child_key',
			sqlType: 'UTINYINT',
			description: "The child's key (0–255) for counts of distinct children: a keyed hash of the child pseudonym with the warehouse's secret (null with no child).",
			expr: 'ckc.child_key',
			joins: [childKeys],
			dependsOn: { on: 'row' }
		});
	}
	return out;
}

/**
 * A row's child as a number (`child_numbers`, ./ddl.ts): the same child, the same number, in
 * every table; null with no child. Distinct children are counted, and rows of one child joined,
 * on it: an integer groups several times faster than the 64-character pseudonym.
 */
function childNumberColumn(table: Table): DerivedColumn[] {
	if (!table.columns.some((c) => c.name === 'child_id')) return [];
	return [
		{
			name: 'd_child_n',
			sqlType: 'INTEGER',
			description: "The child's number in this warehouse (`child_numbers`): one integer per child pseudonym, for counting distinct children and joining their rows (null with no child).",
			expr: 'cn.child_n',
			joins: [{ alias: 'cn', sql: 'LEFT JOIN child_numbers cn ON cn.child_id = s.child_id' }],
			dependsOn: { on: 'row' }
		}
	];
}

/**
 * The statement, run before `derivingSelect` loads rows of `table` from `source`, that numbers
 * the children of those rows not numbered yet (numbers follow the largest given, in pseudonym
 * order); null for a table without children.
 */
export function numberChildrenSql(table: Table, source: string): string | null {
	if (!childNumberColumn(table).length) return null;
	return `INSERT INTO child_numbers
		SELECT child_id, CAST((SELECT COALESCE(max(child_n), 0) FROM child_numbers) + row_number() OVER (ORDER BY child_id) AS INTEGER)
		FROM (SELECT DISTINCT child_id FROM ${source} WHERE child_id IS NOT NULL
			EXCEPT SELECT child_id FROM child_numbers)`;
}

/** The tables whose rows carry record keys: every table of events (all that have derived columns). */
export const KEYED_TABLES: readonly string[] = Object.keys(DERIVED);

/** The derived columns of a table (none for agencies, areas, children and settings). */
export function derivedColumns(table: Table | string): readonly DerivedColumn[] {
	const t = getTable(typeof table === 'string' ? table : table.name);
	const own = DERIVED[t.name];
	return own ? [...own, ...cellKeyColumns(t), ...childNumberColumn(t)] : [];
}

/** Derived columns computed from the row alone (no join): the inner SELECT computes them once. */
const fromRowAlone = (d: DerivedColumn) => d.joins.length === 0;

/**
 * `SELECT <columns>, <derived>, <extra> FROM <source> s LEFT JOIN …`: the one SELECT that
 * loads rows into `table` and recomputes them. `source` is a table name or subquery holding
 * the table's typed columns (and whatever `extra` reads), but no derived column: use
 * `withoutDerived` for stored rows.
 */
export function derivingSelect(table: Table, source: string, extra: string[] = []): string {
	const derived = derivedColumns(table);
	const inner = derived.filter(fromRowAlone);
	const joins = new Map<string, string>();
	for (const d of derived) for (const j of d.joins) joins.set(j.alias, j.sqlOf ? j.sqlOf(source) : j.sql);
	const cols = [
		...table.columns.map((c) => `s.${ident(c.name)}`),
		...derived.map((d) => (fromRowAlone(d) ? `s.${ident(d.name)}` : `${d.expr} AS ${ident(d.name)}`)),
		...extra
	];
	const from = inner.length ? `(SELECT s.*, ${inner.map((d) => `${d.expr} AS ${ident(d.name)}`).join(', ')} FROM ${source} s)` : source;
	return `SELECT ${cols.join(', ')} FROM ${from} s ${[...joins.values()].join(' ')}`;
}

/** A subquery of stored rows of `table` (in `from`) without their derived columns, to derive them again. */
export function withoutDerived(table: Table, from: string): string {
	const derived = derivedColumns(table);
	return derived.length ? `(SELECT * EXCLUDE (${derived.map((d) => ident(d.name)).join(', ')}) FROM ${from})` : `(SELECT * FROM ${from})`;
}

/**
 * The warehouse's tables, all generated from the schema declarations (../schema/tables.ts)
 * and the derived-column declarations (./derived.ts), plus the bookkeeping tables of
 * imports (batches, quarantine), the working-day calendar and the audit log.
 */
import { bankHolidays, CALENDAR_FIRST_DAY, CALENDAR_LAST_DAY } from '../calendar/bank-holidays.ts';
import { TABLES } from '../schema/tables.ts';
import type { ColumnType, Table } from '../schema/types.ts';
import { derivedColumns } from './derived.ts';
import { ident, literal } from './sql.ts';

/**
 * Bumped whenever the warehouse layout changes. The writer migrates an older warehouse when it
 * opens it (./migrate.ts); a newer one, or one no migration knows, is refused.
 * 2: `info_requests`' first reply (`d_first_reply_on`, `d_first_reply_wdn`).
 * 3: every event row's record key and child key (`d_record_key`, `d_child_key`: ./cell-key.ts).
 * 4: every event row naming a child carries its child's number (`d_child_n`, from `child_numbers`).
 */
export const WAREHOUSE_LAYOUT_VERSION = 4;

/** The first layout whose rows carry cell keys (made with the secret in `<warehouse>.cellkey`). */
export const FIRST_KEYED_LAYOUT = 3;

export const SQL_TYPES: Record<ColumnType, string> = {
	text: 'VARCHAR',
	int: 'INTEGER',
	number: 'DOUBLE',
	bool: 'BOOLEAN',
	date: 'DATE',
	timestamp: 'TIMESTAMPTZ',
	month: 'VARCHAR',
	list: 'VARCHAR[]'
};

/** Bookkeeping columns of every extract table: the batch that wrote the row (and, for children, its extract's date). */
export function bookkeepingColumns(table: Table): { name: string; sqlType: string }[] {
	const cols = [{ name: '_batch', sqlType: 'INTEGER' }];
	if (table.replaceOnlyIfNotOlder) cols.push({ name: '_extracted_on', sqlType: 'DATE' });
	return cols;
}

/** Every stored column of a table, in order: extract columns, derived columns, bookkeeping. */
export function storedColumns(table: Table): { name: string; sqlType: string }[] {
	return [
		...table.columns.map((c) => ({ name: c.name, sqlType: SQL_TYPES[c.type] })),
		...derivedColumns(table).map((d) => ({ name: d.name, sqlType: d.sqlType })),
		...(table.kind === 'extract' ? bookkeepingColumns(table) : [])
	];
}

/** Name of the table keeping the versions of `table`'s rows that an import replaced (for undo). */
export function replacedTableName(table: Table): string {
	return `${table.name}__replaced`;
}

function createTable(name: string, cols: { name: string; sqlType: string }[]): string {
	return `CREATE TABLE ${ident(name)} (${cols.map((c) => `${ident(c.name)} ${c.sqlType}`).join(', ')})`;
}

/**
 * The audit log (./audit.ts, docs/audit-log.md): append-only, each entry chained to the one
 * before by `hash` = SHA-256 over its content and `prev_hash`. A log made before the chain
 * (without the two hash columns) is chained in place by ./audit.ts on first use; the meta row
 * `audit_chain` records that the chain exists, and how many earlier entries it took in.
 */
export const AUDIT_LOG_DDL = `CREATE TABLE audit_log (
			seq BIGINT, logged_at TIMESTAMPTZ, actor VARCHAR, action VARCHAR, details JSON, prev_hash VARCHAR, hash VARCHAR)`;
export const AUDIT_CHAIN_META_KEY = 'audit_chain';

/**
 * Sign-in's tables (../auth/, docs/accounts.md): accounts, sessions and password-reset links.
 * Tokens are stored only as SHA-256 hex; passwords only as argon2id hashes. Like the extract
 * tables they have no key constraints: every change goes through the warehouse's single queued
 * writer, which ../auth/ uses to keep email and token_hash unique. A warehouse made before
 * these tables gets the missing ones when it is opened (Warehouse.ensureLayout).
 */
export const AUTH_TABLES: { name: string; ddl: string }[] = [
	{
		name: 'users',
		ddl: `CREATE TABLE users (
			user_id VARCHAR, email VARCHAR, role VARCHAR, password_hash VARCHAR, totp_secret VARCHAR,
			totp_last_step BIGINT, disabled_at TIMESTAMPTZ, created_at TIMESTAMPTZ, password_changed_at TIMESTAMPTZ)`
	},
	{
		name: 'sessions',
		ddl: `CREATE TABLE sessions (
			token_hash VARCHAR, user_id VARCHAR, created_at TIMESTAMPTZ, last_seen_at TIMESTAMPTZ, ended_at TIMESTAMPTZ,
			address VARCHAR, user_agent VARCHAR, second_factor_ok BOOLEAN, unsuppressed BOOLEAN)`
	},
	{
		name: 'reset_tokens',
		ddl: `CREATE TABLE reset_tokens (
			token_hash VARCHAR, user_id VARCHAR, created_at TIMESTAMPTZ, created_by VARCHAR, expires_at TIMESTAMPTZ, used_at TIMESTAMPTZ)`
	}
];

/**
 * Each child pseudonym's number (./derived.ts, `d_child_n`): given by the import that first
 * brings the child (`numberChildrenSql`), in the import's transaction, and never taken back (an
 * undo leaves it, so a child keeps its number). Counts of distinct children and joins on a
 * child group by this integer instead of the 64-character pseudonym (docs/architecture.md).
 */
export const CHILD_NUMBERS_DDL = `CREATE TABLE IF NOT EXISTS child_numbers (child_id VARCHAR, child_n INTEGER)`;

/** The statements that create an empty warehouse. */
export function warehouseDdl(): string[] {
	const out: string[] = [];
	for (const table of TABLES) {
		const cols = storedColumns(table);
		out.push(createTable(table.name, cols));
		if (table.kind === 'extract') {
			out.push(createTable(replacedTableName(table), [...cols, { name: '_replaced_by', sqlType: 'INTEGER' }]));
		}
	}
	out.push(
		`CREATE TABLE batches (
			batch_id INTEGER, content_hash VARCHAR, source VARCHAR, supplied_by VARCHAR,
			extracted_on DATE, period_start DATE, period_end DATE,
			imported_at TIMESTAMPTZ, imported_by VARCHAR,
			status VARCHAR, undone_at TIMESTAMPTZ, undone_by VARCHAR)`,
		`CREATE TABLE batch_files (
			batch_id INTEGER, file VARCHAR, table_name VARCHAR, format VARCHAR, sha256 VARCHAR,
			rows_read BIGINT, rows_loaded BIGINT, rows_replaced BIGINT, rows_quarantined BIGINT)`,
		`CREATE TABLE batch_retries (
			batch_id INTEGER, table_name VARCHAR, rows_loaded BIGINT, rows_replaced BIGINT, rows_waiting BIGINT)`,
		`CREATE TABLE quarantine (
			quarantine_id BIGINT, batch_id INTEGER, file VARCHAR, table_name VARCHAR, line BIGINT, reasons VARCHAR[],
			row_json JSON, reference_only BOOLEAN, status VARCHAR, resolved_by INTEGER)`,
		`CREATE TABLE calendar (day DATE, working BOOLEAN, number INTEGER)`,
		CHILD_NUMBERS_DDL,
		AUDIT_LOG_DDL,
		...AUTH_TABLES.map((t) => t.ddl),
		`CREATE TABLE meta (key VARCHAR, value VARCHAR)`,
		calendarInsert(),
		`INSERT INTO meta VALUES ('layout_version', ${literal(String(WAREHOUSE_LAYOUT_VERSION))})`,
		`INSERT INTO meta VALUES (${literal(AUDIT_CHAIN_META_KEY)}, ${literal(JSON.stringify({ legacy_entries: 0, chained_at: null }))})`
	);
	return out;
}

/** Fills the working-day calendar from the bank-holiday list, in one statement. */
function calendarInsert(): string {
	const holidays = bankHolidays()
		.map((d) => `DATE ${literal(d)}`)
		.join(', ');
	return `INSERT INTO calendar
		SELECT day, working, CAST(sum(CASE WHEN working THEN 1 ELSE 0 END) OVER (ORDER BY day) AS INTEGER)
		FROM (
			SELECT CAST(g.day AS DATE) AS day,
				isodow(g.day) <= 5 AND CAST(g.day AS DATE) NOT IN (${holidays}) AS working
			FROM generate_series(DATE ${literal(CALENDAR_FIRST_DAY)}, DATE ${literal(CALENDAR_LAST_DAY)}, INTERVAL 1 DAY) g(day)
		)
		ORDER BY day`;
}

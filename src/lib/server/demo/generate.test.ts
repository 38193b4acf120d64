import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workingDaysBetween } from '../calendar/working-days.ts';
import { METRIC_KEYS } from '../metrics/keys.ts';
import { EXTRACT_TABLES, getTable, SETTINGS_TABLES } from '../schema/tables.ts';
import type { Column, Table } from '../schema/types.ts';
import { ident, listLiteral, literal } from '../warehouse/sql.ts';
import { query } from '../warehouse/warehouse.ts';
import { defaultDemoEnd, generateDemo, type GenerateResult } from './generate.ts';

const END = '2025-12-31';
const CHILDREN = 2000;
const YEARS = 2;

let root: string;
let first: GenerateResult;
let db: DuckDBInstance;
let conn: DuckDBConnection;

function digests(dir: string): Record<string, string> {
	return Object.fromEntries(
		readdirSync(dir)
			.sort()
			.map((f) => [f, createHash('sha256').update(readFileSync(path.join(dir, f))).digest('hex')])
	);
}
const filesOf = (r: GenerateResult) => ({ ...digests(r.extractDir), ...digests(path.dirname(r.prioritiesFile)) });

async function scalar<T>(sql: string): Promise<T> {
	const [row] = await query(conn, sql);
	return Object.values(row)[0] as T;
}

/** Every way a value of this column breaks the schema, as SQL conditions over the text value `v`. */
function valueChecks(c: Column): [string, string][] {
	const v = ident(c.name);
	const checks: [string, string][] = [];
	const typed: Record<string, string> = {
		int: `NOT regexp_full_match(${v}, '-?[0-9]+')`,
		number: `NOT regexp_full_match(${v}, '-?[0-9]+(\\.[0-9]+)?')`,
		bool: `${v} NOT IN ('true', 'false')`,
		date: `NOT regexp_full_match(${v}, '[0-9]{4}-[0-9]{2}-[0-9]{2}') OR TRY_CAST(${v} AS DATE) IS NULL`,
		// Local time, whole seconds, never in the hour skipped when the clocks go forward.
		timestamp: `NOT regexp_full_match(${v}, '[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}') OR TRY_CAST(${v} AS TIMESTAMP) IS NULL
			OR (month(CAST(${v} AS TIMESTAMP)) = 3 AND dayofweek(CAST(${v} AS TIMESTAMP)) = 0 AND day(CAST(${v} AS TIMESTAMP)) >= 25 AND hour(CAST(${v} AS TIMESTAMP)) = 1)`,
		month: `NOT regexp_full_match(${v}, '[0-9]{4}-(0[1-9]|1[0-2])')`
	};
	if (typed[c.type]) checks.push(['type', typed[c.type]]);
	if (c.codes && c.type === 'list') checks.push(['code', `NOT list_has_all(${listLiteral(c.codes)}, string_split(${v}, ';'))`]);
	else if (c.codes) checks.push(['code', `${v} NOT IN (SELECT unnest(${listLiteral(c.codes)}))`]);
	if (c.pseudonym) checks.push(['pseudonym', `NOT regexp_full_match(${v}, '[0-9a-f]{64}')`]);
	if (c.token) checks.push(['token', `NOT regexp_full_match(${v}, '[A-Za-z0-9_-]{1,64}')`]);
	if (c.pattern) checks.push(['pattern', `NOT regexp_full_match(${v}, ${literal(c.pattern.regex)})`]);
	if (c.maxLength !== undefined) checks.push(['length', `length(${v}) > ${c.maxLength}`]);
	if (c.min !== undefined) checks.push(['min', `CAST(${v} AS BIGINT) < ${c.min}`]);
	if (c.max !== undefined) checks.push(['max', `CAST(${v} AS BIGINT) > ${c.max}`]);
	return checks;
}

/** A column's value as its type, for comparisons between columns. */
function typedValue(table: Table, name: string): string {
	const c = table.columns.find((x) => x.name === name)!;
	const sqlType = { date: 'DATE', timestamp: 'TIMESTAMP', int: 'BIGINT', number: 'DOUBLE' }[c.type as string] ?? 'VARCHAR';
	return `CAST(${ident(name)} AS ${sqlType})`;
}

/** Rows of `table` breaking any rule of the schema, as "table.column: rule (count)". */
async function violations(table: Table, extractedOn: string): Promise<string[]> {
	const t = ident(table.name);
	const out: string[] = [];
	const count = async (label: string, where: string) => {
		const n = await scalar<number>(`SELECT count(*) FROM ${t} WHERE ${where}`);
		if (n > 0) out.push(`${table.name}.${label} (${n})`);
	};
	for (const c of table.columns) {
		if (c.required) await count(`${c.name}: required`, `${ident(c.name)} IS NULL`);
		for (const [rule, where] of valueChecks(c)) await count(`${c.name}: ${rule}`, `${ident(c.name)} IS NOT NULL AND (${where})`);
		if (c.fk) {
			await count(
				`${c.name}: reference`,
				`${ident(c.name)} IS NOT NULL AND ${ident(c.name)} NOT IN (SELECT ${ident(c.fk.column)} FROM ${ident(c.fk.table)})`
			);
		}
	}
	const key = table.primaryKey.map(ident).join(', ');
	const repeated = await scalar<number>(`SELECT count(*) FROM (SELECT ${key} FROM ${t} GROUP BY ALL HAVING count(*) > 1)`);
	if (repeated > 0) out.push(`${table.name}: primary key repeated (${repeated})`);
	for (const rule of table.rules) {
		if (rule.kind === 'not_after_extract') {
			await count(`${rule.column}: after the extract`, `${ident(rule.column)} > ${literal(extractedOn.slice(0, 7))}`);
			continue;
		}
		const a = typedValue(table, rule.column);
		const b = typedValue(table, rule.other);
		const bad = {
			gte: `${a} < ${b}`,
			lte: `${a} > ${b}`,
			ne: `${a} = ${b}`,
			present_iff: `(${a} IS NULL) <> (${b} IS NULL)`
		}[rule.kind];
		await count(`${rule.column} ${rule.kind} ${rule.other}`, rule.kind === 'present_iff' ? bad : `${a} IS NOT NULL AND ${b} IS NOT NULL AND ${bad}`);
	}
	return out;
}

beforeAll(async () => {
	root = mkdtempSync(path.join(os.tmpdir(), 'demo-test-'));
	first = await generateDemo({ outDir: path.join(root, 'a'), children: CHILDREN, years: YEARS, end: END, seed: 7 });
	db = await DuckDBInstance.create(':memory:');
	conn = await db.connect();
	await conn.run(`SET TimeZone = 'Europe/London'`);
	for (const t of [...EXTRACT_TABLES, ...SETTINGS_TABLES]) {
		const file = t.kind === 'extract' ? path.join(first.extractDir, `${t.name}.csv`) : t.name === 'priorities' ? first.prioritiesFile : first.benchmarksFile;
		await conn.run(
			`CREATE TABLE ${ident(t.name)} AS SELECT * FROM read_csv(${literal(file)}, header = true, all_varchar = true, delim = ',', quote = '"', escape = '"')`
		);
	}
});

afterAll(() => {
	conn?.closeSync();
	db?.closeSync();
	if (root) rmSync(root, { recursive: true, force: true });
});

describe('generateDemo', () => {
	it('gives the same bytes for the same options, whatever the threads, and other bytes for another seed', async () => {
		const again = await generateDemo({ outDir: path.join(root, 'b'), children: CHILDREN, years: YEARS, end: END, seed: 7, threads: 1 });
		expect(filesOf(again)).toEqual(filesOf(first));
		const other = await generateDemo({ outDir: path.join(root, 'c'), children: CHILDREN, years: YEARS, end: END, seed: 8 });
		const a = filesOf(first);
		const c = filesOf(other);
		expect(c['contacts.csv']).not.toBe(a['contacts.csv']);
		expect(c['agencies.csv']).toBe(a['agencies.csv']);
	});

	it('writes the manifest and one file per table, nothing else', () => {
		expect(readdirSync(first.extractDir).sort()).toEqual(['manifest.json', ...EXTRACT_TABLES.map((t) => `${t.name}.csv`)].sort());
		expect(JSON.parse(readFileSync(path.join(first.extractDir, 'manifest.json'), 'utf8'))).toEqual({
			format: 'multi-agency-extract',
			version: 1,
			supplied_by: 'partnership',
			extracted_on: '2026-01-04',
			period_start: '2024-01-01',
			period_end: END
		});
		expect(first.period).toEqual({ start: '2024-01-01', end: END });
		expect(first.rows.children).toBe(CHILDREN);
		expect(first.events).toBe(Object.entries(first.rows).reduce((s, [t, n]) => s + (['agencies', 'areas', 'children'].includes(t) ? 0 : n), 0));
	});

	it('heads every file with the schema columns, in order', () => {
		for (const t of [...EXTRACT_TABLES, ...SETTINGS_TABLES]) {
			const file = t.kind === 'extract' ? path.join(first.extractDir, `${t.name}.csv`) : path.join(path.dirname(first.prioritiesFile), `${t.name}.csv`);
			const header = readFileSync(file, 'utf8').split('\n', 1)[0];
			expect(header, t.name).toBe(t.columns.map((c) => c.name).join(','));
		}
	});

	it('keeps every rule of the schema: types, codes, ids, references, keys, date orders', async () => {
		const all: string[] = [];
		for (const t of [...EXTRACT_TABLES, ...SETTINGS_TABLES]) all.push(...(await violations(t, '2026-01-04')));
		expect(all).toEqual([]);
		for (const t of EXTRACT_TABLES) expect(await scalar<number>(`SELECT count(*) FROM ${ident(t.name)}`), t.name).toBe(first.rows[t.name]);
	});

	it('holds nothing that looks like a real identifier', async () => {
		const found: string[] = [];
		for (const t of EXTRACT_TABLES) {
			for (const c of t.columns) {
				const v = ident(c.name);
				const n = await scalar<number>(`SELECT count(*) FROM ${ident(t.name)} WHERE
					regexp_full_match(replace(${v}, ' ', ''), '[0-9]{10}')
					OR regexp_full_match(upper(${v}), '[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}')
					OR regexp_full_match(${v}, '[A-Z][0-9]{11}[0-9A-Z]')
					${/birth|dob/i.test(c.name) ? `OR regexp_full_match(${v}, '[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{2}/[0-9]{2}/[0-9]{4}')` : ''}`);
				if (n > 0) found.push(`${t.name}.${c.name} (${n})`);
				if (/^(name|forename|surname|full_name|address|postcode|nhs_number|upn|dob|date_of_birth)$/i.test(c.name)) found.push(c.name);
			}
		}
		expect(found).toEqual([]);
	});

	it('ties priorities and benchmarks to metric keys, one priority starting partway', async () => {
		const priorities = await query<{ metric: string; starts_on: string }>(conn, 'SELECT metric, starts_on FROM priorities');
		expect(priorities.length).toBeGreaterThanOrEqual(5);
		expect(priorities.every((p) => (METRIC_KEYS as readonly string[]).includes(p.metric))).toBe(true);
		expect(priorities.some((p) => p.starts_on > first.period.start)).toBe(true);
		const labels = await query<{ label: string }>(conn, 'SELECT DISTINCT label FROM benchmarks ORDER BY 1');
		expect(labels.map((l) => l.label)).toContain('England 2024-25');
		expect(labels.map((l) => l.label)).toContain('Statistical neighbours 2024-25');
	});

	it('is realistic over the last 12 months', async () => {
		const from = '2025-01-01';
		const population = await scalar<number>(
			`SELECT sum(CAST(child_population AS BIGINT)) FROM areas WHERE population_year = (SELECT max(population_year) FROM areas WHERE CAST(population_year AS INTEGER) <= 2025)`
		);
		const referrals = `(SELECT *, CAST(CAST(received_at AS TIMESTAMP) AS DATE) AS day FROM referrals)`;
		const inPeriod = `day BETWEEN DATE '${from}' AND DATE '${END}'`;
		const rate = ((await scalar<number>(`SELECT count(*) FROM ${referrals} WHERE ${inPeriod}`)) / population) * 10_000;
		expect(rate).toBeGreaterThan(400);
		expect(rate).toBeLessThan(620);

		const reReferred = await scalar<number>(`SELECT avg(CASE WHEN EXISTS (
				SELECT 1 FROM ${referrals} e WHERE e.child_id = r.child_id AND e.day < r.day AND e.day >= r.day - INTERVAL 12 MONTH) THEN 100.0 ELSE 0 END)
			FROM ${referrals} r WHERE ${inPeriod}`);
		expect(reReferred).toBeGreaterThan(15);
		expect(reReferred).toBeLessThan(30);

		const decisions = await query<{ received: string; decided: string | null }>(
			conn,
			`SELECT strftime(day, '%Y-%m-%d') AS received, strftime(CAST(decided_at AS TIMESTAMP), '%Y-%m-%d') AS decided FROM ${referrals} WHERE ${inPeriod}`
		);
		const decidedIn1 = decisions.filter((d) => d.decided !== null && workingDaysBetween(d.received, d.decided) <= 1).length / decisions.length;
		expect(decidedIn1).toBeGreaterThan(0.8);
		expect(decidedIn1).toBeLessThan(0.97);

		const assessments = await query<{ started_on: string; completed_on: string }>(
			conn,
			`SELECT started_on, completed_on FROM assessments WHERE completed_on BETWEEN '${from}' AND '${END}'`
		);
		const durations = assessments.map((a) => workingDaysBetween(a.started_on, a.completed_on)).sort((a, b) => a - b);
		const within45 = durations.filter((d) => d <= 45).length / durations.length;
		expect(within45).toBeGreaterThan(0.75);
		expect(within45).toBeLessThan(0.92);
		const median = durations[Math.floor(durations.length / 2)];
		expect(median).toBeGreaterThanOrEqual(18);
		expect(median).toBeLessThanOrEqual(32);
	});

	it('improves assessments after the priority starts and slows answers to requests at the end', async () => {
		const assessments = await query<{ started_on: string; completed_on: string }>(
			conn,
			'SELECT started_on, completed_on FROM assessments WHERE completed_on IS NOT NULL'
		);
		const share45 = (from: string, to: string) => {
			const ds = assessments.filter((a) => a.completed_on >= from && a.completed_on <= to);
			return ds.filter((a) => workingDaysBetween(a.started_on, a.completed_on) <= 45).length / ds.length;
		};
		expect(share45('2025-07-01', END)).toBeGreaterThan(share45('2024-01-01', '2024-12-31') + 0.04);

		// metrics.md: urgent answered within 24 hours, routine within 5 working days; unanswered are late.
		const requests = await query<{ priority: string; day: string; answered: string | null; hours: number | null }>(
			conn,
			`SELECT priority, strftime(q, '%Y-%m-%d') AS day, strftime(r, '%Y-%m-%d') AS answered, (epoch(r) - epoch(q)) / 3600 AS hours
			FROM (SELECT priority, CAST(requested_at AS TIMESTAMP) AS q, CAST(responded_at AS TIMESTAMP) AS r FROM info_requests)`
		);
		const onTime = (from: string, to: string) => {
			const rs = requests.filter((r) => r.day >= from && r.day <= to);
			const ok = rs.filter((r) =>
				r.answered === null ? false : r.priority === 'urgent' ? r.hours! <= 24 : workingDaysBetween(r.day, r.answered) <= 5
			);
			return ok.length / rs.length;
		};
		expect(onTime('2025-07-01', END)).toBeLessThan(onTime('2024-01-01', '2024-12-31') - 0.04);
	});

	it('writes Parquet with the same tables', async () => {
		const r = await generateDemo({ outDir: path.join(root, 'p'), children: 300, years: 1, end: END, seed: 7, format: 'parquet' });
		expect(readdirSync(r.extractDir).sort()).toEqual(['manifest.json', ...EXTRACT_TABLES.map((t) => `${t.name}.parquet`)].sort());
		const contacts = getTable('contacts');
		const columns = await query<{ column_name: string; column_type: string }>(
			conn,
			`DESCRIBE SELECT * FROM read_parquet(${literal(path.join(r.extractDir, 'contacts.parquet'))})`
		);
		expect(columns.map((c) => c.column_name)).toEqual(contacts.columns.map((c) => c.name));
		expect(columns.find((c) => c.column_name === 'received_at')?.column_type).toBe('TIMESTAMP');
		expect(await scalar<number>(`SELECT count(*) FROM read_parquet(${literal(path.join(r.extractDir, 'children.parquet'))})`)).toBe(300);
	});

	it('refuses a folder holding other files, and defaults the end to the last complete month', async () => {
		const dir = path.join(root, 'd');
		mkdirSync(path.join(dir, 'extract'), { recursive: true });
		writeFileSync(path.join(dir, 'extract', 'notes.txt'), 'x');
		await expect(generateDemo({ outDir: dir, children: 10, years: 1, end: END })).rejects.toThrow(/did not write/);
		expect(defaultDemoEnd(new Date('2026-03-15T12:00:00Z'))).toBe('2026-02-28');
		expect(defaultDemoEnd(new Date('2024-03-01T00:30:00Z'))).toBe('2024-02-29');
		// 23:30 UTC on 30 June is already 1 July in the UK (BST).
		expect(defaultDemoEnd(new Date('2024-06-30T23:30:00Z'))).toBe('2024-06-30');
	});
});

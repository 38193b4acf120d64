/**
 * The demo data generator: a multi-agency extract of a fictional partnership (./world.ts)
 * and its settings (priorities, benchmarks), realistic enough to demonstrate the dashboard
 * on and large enough, on request, to benchmark it.
 *
 * Targets (England's published figures, roughly): referrals ~500 per 10,000 children a
 * year, ~22% re-referred within 12 months, ~85-95% of referral decisions within one
 * working day, ~85% of assessments within 45 working days (median ~25-30), ~75-80% of
 * conferences within 15 working days, ~23% of plans second or subsequent, ~4% of ended
 * plans lasting two years or more. Two trends to find: assessments get quicker after the
 * priority that starts 12 months before the end; some agencies' answers to information
 * requests get slower, and escalations more frequent and slower to close, over the last 9.
 *
 * Everything is computed in one scratch DuckDB by SQL (./pipeline.ts) from hash-based
 * draws (./random.ts), and written with COPY in a fixed row order (./output.ts): the same
 * options give byte-identical files, and 10 million events take minutes.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { calendarDays } from '../calendar/working-days.ts';
import { CALENDAR_FIRST_DAY, CALENDAR_LAST_DAY } from '../calendar/bank-holidays.ts';
import { SQL_TYPES } from '../warehouse/ddl.ts';
import { ident, literal } from '../warehouse/sql.ts';
import { exec, query, TIME_ZONE } from '../warehouse/warehouse.ts';
import { EXTRACT_TABLES, getTable } from '../schema/tables.ts';
import type { Table } from '../schema/types.ts';
import { addDays, addMonths, type DemoDay, isDate, monthStart, periodDays } from './days.ts';
import { copyStatement, DEMO_FORMATS, type DemoFormat } from './output.ts';
import { macros, referenceTables, steps, type PipelinePlan } from './pipeline.ts';
import { fieldId, MAX_SEED, rngMacros } from './random.ts';
import { benchmarkRows, priorityRows, type SettingsRow } from './settings.ts';

export interface GenerateOptions {
	outDir: string;
	/** Distinct children in the `children` table (children known to any agency). Default 20,000. */
	children?: number;
	/** Length of the period in whole years. Default 3. */
	years?: number;
	seed?: number;
	format?: DemoFormat;
	/** Last day of data, `YYYY-MM-DD`. Default: the last day of the previous complete month. */
	end?: string;
	onProgress?: (p: { stage: string; done: number; total: number }) => void;
	/** DuckDB threads (default: all cores). The output does not depend on it; tests prove that. */
	threads?: number;
}

export interface GenerateResult {
	extractDir: string;
	prioritiesFile: string;
	benchmarksFile: string;
	/** Rows written, per table. */
	rows: Record<string, number>;
	/** Rows of every table but the reference ones (agencies, areas, children). */
	events: number;
	period: { start: string; end: string };
}

export const DEMO_DEFAULTS = { children: 20_000, years: 3, seed: 1, format: 'csv' as DemoFormat };
const MAX_CHILDREN = 50_000_000;
const MAX_YEARS = 10;
/** The manifest's extraction date: a few days after the data ends. */
const EXTRACTED_AFTER_DAYS = 4;
const REFERENCE_TABLES = new Set(['agencies', 'areas', 'children']);
/** Months of events generated before the period, so that work under way at its start is there. */
const LEAD_IN_MONTHS = 6;

/** The last day of the previous complete month, in UK time. */
export function defaultDemoEnd(today: Date = new Date()): string {
	const ukToday = new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(today);
	return addDays(monthStart(ukToday), -1);
}

function check(ok: boolean, message: string): asserts ok {
	if (!ok) throw new RangeError(message);
}

interface Resolved {
	outDir: string;
	children: number;
	years: number;
	seed: number;
	format: DemoFormat;
	start: string;
	end: string;
}

function resolve(options: GenerateOptions): Resolved {
	const children = options.children ?? DEMO_DEFAULTS.children;
	const years = options.years ?? DEMO_DEFAULTS.years;
	const seed = options.seed ?? DEMO_DEFAULTS.seed;
	const format = options.format ?? DEMO_DEFAULTS.format;
	const end = options.end ?? defaultDemoEnd();
	check(Number.isInteger(children) && children >= 1 && children <= MAX_CHILDREN, `children must be an integer from 1 to ${MAX_CHILDREN}`);
	check(Number.isInteger(years) && years >= 1 && years <= MAX_YEARS, `years must be an integer from 1 to ${MAX_YEARS}`);
	check(Number.isInteger(seed) && seed >= 0 && seed <= MAX_SEED, `seed must be an integer from 0 to ${MAX_SEED}`);
	check(DEMO_FORMATS.includes(format), `format must be one of ${DEMO_FORMATS.join(', ')}`);
	check(isDate(end), 'end must be a date YYYY-MM-DD');
	const start = addMonths(addDays(end, 1), -12 * years);
	// Room for look-backs before the period (earlier plans) and durations after it.
	check(start >= addDays(CALENDAR_FIRST_DAY, 8 * 366) && end <= addDays(CALENDAR_LAST_DAY, -2 * 366), 'end is outside the working-day calendar');
	return { outDir: path.resolve(options.outDir), children, years, seed, format, start, end };
}

/** The extract folder may hold only what this generator writes: clear that, refuse anything else. */
function prepareExtractDir(dir: string): void {
	mkdirSync(dir, { recursive: true });
	const ours = new Set(['manifest.json', ...EXTRACT_TABLES.flatMap((t) => DEMO_FORMATS.map((f) => `${t.name}.${f}`))]);
	const others = readdirSync(dir).filter((f) => !ours.has(f));
	if (others.length > 0) throw new Error(`${dir} holds files the generator did not write (${others.slice(0, 3).join(', ')}); choose an empty folder`);
	for (const f of readdirSync(dir)) rmSync(path.join(dir, f));
}

/** The working-day calendar and the day weights from the lead-in's start, as SQL tables. */
function calendarTables(days: DemoDay[]): string[] {
	const from = addDays(days[0].day, -7 * 366);
	const to = addDays(days[days.length - 1].day, 2 * 366);
	const cal = calendarDays().filter((d) => d.day >= from && d.day <= to);
	return [
		`CREATE TABLE cal AS SELECT * FROM (VALUES ${cal.map((d) => `(DATE '${d.day}', ${d.working}, ${d.number})`).join(', ')}) t(day, working, number)`,
		`CREATE TABLE wday AS SELECT number, day FROM cal WHERE working`,
		`CREATE TABLE pdays AS SELECT * FROM (VALUES ${days
			.map((d) => `(DATE '${d.day}', ${d.lo.general}, ${d.lo.police}, ${d.lo.education})`)
			.join(', ')}) t(day, lo_general, lo_police, lo_education)`
	];
}

/** A settings table staged from rows, typed by the schema. */
function settingsTable(table: Table, rows: SettingsRow[]): string[] {
	const cols = table.columns.map((c) => `${ident(c.name)} ${SQL_TYPES[c.type]}`).join(', ');
	const value = (v: string | number | null) => (v === null ? 'NULL' : typeof v === 'number' ? String(v) : literal(v));
	const values = rows.map((r) => `(${table.columns.map((c) => value(r[c.name] ?? null)).join(', ')})`);
	return [`CREATE TABLE ${ident(`x_${table.name}`)} (${cols})`, ...(values.length ? [`INSERT INTO ${ident(`x_${table.name}`)} VALUES ${values.join(', ')}`] : [])];
}

async function run(conn: DuckDBConnection, statements: string[]): Promise<void> {
	for (const s of statements) await exec(conn, s);
}

export async function generateDemo(options: GenerateOptions): Promise<GenerateResult> {
	const o = resolve(options);
	const extractDir = path.join(o.outDir, 'extract');
	const settingsDir = path.join(o.outDir, 'settings');
	prepareExtractDir(extractDir);
	mkdirSync(settingsDir, { recursive: true });

	const endPlusOne = addDays(o.end, 1);
	const improvementFrom = addMonths(endPlusOne, -12);
	const leadStart = addMonths(o.start, -LEAD_IN_MONTHS);
	const days = periodDays(leadStart, o.end);
	const plan: Omit<PipelinePlan, 'referralRate'> = {
		seed: o.seed,
		children: o.children,
		years: o.years,
		start: o.start,
		end: o.end,
		leadStart,
		improvementFrom: improvementFrom < o.start ? o.start : improvementFrom,
		worseningFrom: addMonths(endPlusOne, -9),
		audits: Math.max(24, Math.round((o.children * o.years) / 500))
	};

	const tmp = mkdtempSync(path.join(os.tmpdir(), 'full-picture-demo-'));
	const instance = await DuckDBInstance.create(':memory:');
	const conn = await instance.connect();
	try {
		await run(conn, [`SET TimeZone = '${TIME_ZONE}'`, `SET temp_directory = ${literal(tmp)}`, ...rngMacros(o.seed), ...macros()]);
		if (options.threads !== undefined) {
			check(Number.isInteger(options.threads) && options.threads >= 1, 'threads must be a positive integer');
			await exec(conn, `SET threads = ${options.threads}`);
		}
		// The county's referral rate, per seed between 480 and 530 per 10,000 a year.
		const [{ u }] = await query<{ u: number }>(conn, `SELECT u(0, ${fieldId('plan.referral.rate')}) AS u`);
		const pipeline = steps({ ...plan, referralRate: Math.round(480 + 50 * u) });
		const tables = [...EXTRACT_TABLES, getTable('priorities'), getTable('benchmarks')];
		const total = 1 + pipeline.length + tables.length;
		let done = 0;
		const progress = (stage: string) => options.onProgress?.({ stage, done: done++, total });

		progress('calendar');
		await run(conn, [...calendarTables(days), ...referenceTables()]);
		for (const step of pipeline) {
			progress(step.stage);
			await run(conn, step.sql);
		}
		const settingsPlan = { start: o.start, end: o.end, improvementFrom: plan.improvementFrom };
		await run(conn, [...settingsTable(getTable('priorities'), priorityRows(settingsPlan)), ...settingsTable(getTable('benchmarks'), benchmarkRows(settingsPlan))]);

		const [{ kept }] = await query<{ kept: number }>(conn, 'SELECT count(*) AS kept FROM child0');
		if (kept !== o.children) throw new Error(`the generator kept ${kept} children of ${o.children}: too few candidates`);
		const rows: Record<string, number> = {};
		const fileOf = (t: Table) =>
			t.kind === 'extract' ? path.join(extractDir, `${t.name}.${o.format}`) : path.join(settingsDir, `${t.name}.csv`);
		for (const t of tables) {
			progress(`writing ${path.basename(fileOf(t))}`);
			const [{ n }] = await query<{ n: number }>(conn, `SELECT count(*) AS n FROM ${ident(`x_${t.name}`)}`);
			if (t.kind === 'extract') rows[t.name] = n;
			await exec(conn, copyStatement(t, `x_${t.name}`, fileOf(t), t.kind === 'extract' ? o.format : 'csv'));
		}
		const manifest = {
			format: 'multi-agency-extract',
			version: 1,
			supplied_by: 'partnership',
			extracted_on: addDays(o.end, EXTRACTED_AFTER_DAYS),
			period_start: o.start,
			period_end: o.end
		};
		writeFileSync(path.join(extractDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
		progress('done');
		return {
			extractDir,
			prioritiesFile: fileOf(getTable('priorities')),
			benchmarksFile: fileOf(getTable('benchmarks')),
			rows,
			events: Object.entries(rows).reduce((s, [name, n]) => s + (REFERENCE_TABLES.has(name) ? 0 : n), 0),
			period: { start: o.start, end: o.end }
		};
	} finally {
		conn.closeSync();
		instance.closeSync();
		if (existsSync(tmp)) rmSync(tmp, { recursive: true, force: true });
	}
}

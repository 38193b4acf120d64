/** The command line's contract: exit codes, JSON reports, refusals. */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../src/cli/main.ts';
import { child, removeTempRoot, tempDir, writeExtract } from '../src/lib/server/testing/extract.ts';

afterAll(() => removeTempRoot());

async function cli(...argv: string[]) {
	let stdout = '';
	let stderr = '';
	const code = await run(argv, { out: (t) => (stdout += t), err: (t) => (stderr += t) });
	return { code, stdout, stderr };
}

const A = child('a');
const extract = () =>
	writeExtract({
		tables: {
			agencies: [
				{ agency_code: 'CSC', agency_name: 'Council', sector: 'children_social_care' },
				{ agency_code: 'POL', agency_name: 'Police', sector: 'police' }
			],
			areas: [{ area_code: 'N', area_name: 'North', population_year: 2024, child_population: 1000 }],
			children: [{ child_id: A, birth_month: '2015-03', sex: 'female', disability: 'no', area_code: 'N' }],
			contacts: [
				{ contact_id: 'c1', child_id: A, received_at: '2024-06-03 09:00', source_code: '6', source_agency_code: 'POL' },
				{ contact_id: 'c2', child_id: A, received_at: 'yesterday', source_code: '6', source_agency_code: 'POL' }
			]
		}
	});

describe('cli import, quarantine, batches and undo', () => {
	it('prints the import report as JSON and exits 0, then "unchanged" for the same extract', async () => {
		const db = path.join(tempDir('cli'), 'w.duckdb');
		const dir = extract();
		const first = await cli('import', '--db', db, dir, '--json');
		expect(first.code).toBe(0);
		const report = JSON.parse(first.stdout);
		expect(Object.keys(report).sort()).toEqual(['batch_id', 'errors', 'files', 'retried', 'status']);
		expect(report.status).toBe('committed');
		expect(report.files.find((f: { file: string }) => f.file === 'contacts.csv')).toEqual({
			file: 'contacts.csv',
			table: 'contacts',
			rows_read: 2,
			rows_loaded: 1,
			rows_replaced: 0,
			rows_quarantined: 1
		});
		const again = await cli('import', '--db', db, dir, '--json');
		expect(again.code).toBe(0);
		expect(JSON.parse(again.stdout)).toMatchObject({ status: 'unchanged', batch_id: report.batch_id });

		const q = await cli('quarantine', '--db', db, '--json');
		expect(q.code).toBe(0);
		expect(JSON.parse(q.stdout)).toMatchObject([{ file: 'contacts.csv', line: 3, reasons: [expect.stringMatching(/^received_at: not a valid timestamp/)] }]);
		const text = await cli('quarantine', '--db', db);
		expect(text.stdout).toContain('contacts.csv line 3');

		const human = await cli('batches', '--db', db);
		expect(human.stdout).toMatch(/batch 1 committed .* read 6, loaded 5, replaced 0, quarantined 1/);

		const undo = await cli('undo', '--db', db, '--batch', String(report.batch_id), '--json');
		expect(undo.code).toBe(0);
		expect(JSON.parse(undo.stdout)).toEqual({ batch_id: 1, rows_removed: 5, rows_restored: 0 });
		const twice = await cli('undo', '--db', db, '--batch', '1');
		expect(twice.code).toBe(1);
		expect(twice.stderr).toMatch(/already undone/);
	});

	it('exits 1 with the errors when the extract cannot be read, loading nothing', async () => {
		const db = path.join(tempDir('cli'), 'w.duckdb');
		const dir = writeExtract({ manifest: null, tables: {} });
		const r = await cli('import', '--db', db, dir, '--json');
		expect(r.code).toBe(1);
		expect(JSON.parse(r.stdout)).toEqual({
			batch_id: null,
			status: 'failed',
			files: [],
			errors: [{ file: 'manifest.json', message: 'manifest.json: missing: every extract needs its manifest' }],
			retried: []
		});
		const human = await cli('import', '--db', db, dir);
		expect(human.code).toBe(1);
		expect(human.stderr).toMatch(/Import failed; nothing was loaded/);
	});

	it('exits 2 for usage errors and 1 for a warehouse that does not exist', async () => {
		expect((await cli()).code).toBe(2);
		expect((await cli('frobnicate')).code).toBe(2);
		expect((await cli('toString')).code).toBe(2);
		expect((await cli('import', extract(), '--json')).code).toBe(2);
		expect((await cli('import', '--db', 'x.duckdb', '--bogus')).code).toBe(2);
		expect((await cli('undo', '--db', 'x.duckdb', '--batch', 'one')).code).toBe(2);
		const missing = path.join(tempDir('cli'), 'nowhere.duckdb');
		for (const argv of [
			['quarantine', '--db', missing],
			['batches', '--db', missing],
			['undo', '--db', missing, '--batch', '1'],
			['priorities', 'export', '--db', missing, '-']
		]) {
			const r = await cli(...argv);
			expect(r.code, argv.join(' ')).toBe(1);
			expect(r.stderr).toMatch(/no warehouse at .*nowhere\.duckdb/);
		}
		const help = await cli('import', '--help');
		expect(help.code).toBe(0);
		expect(help.stdout).toMatch(/^Usage: cli import --db <warehouse>/);
	});
});

describe('cli priorities and benchmarks', () => {
	it('imports, validates like extract rows, and exports the same rows', async () => {
		const dir = tempDir('settings');
		const db = path.join(dir, 'w.duckdb');
		expect((await cli('import', '--db', db, extract())).code).toBe(0);
		const bad = path.join(dir, 'bad.csv');
		writeFileSync(
			bad,
			'priority_id,title,metric,target,direction,starts_on,ends_on,owner_agency_code\n' +
				'p1,Faster decisions,referral_decision_1wd_pct,90,higher_is_better,2025-04-01,2026-03-31,CSC\n' +
				'p2,Nonsense,not_a_metric,ninety,sideways,2025-04-01,2025-03-31,NOPE\n'
		);
		const r = await cli('priorities', 'import', '--db', db, bad, '--json');
		expect(r.code).toBe(1);
		const report = JSON.parse(r.stdout);
		expect(report).toMatchObject({ status: 'failed', rows_read: 2, rows_loaded: 0 });
		expect(report.errors).toEqual([
			{
				file: 'bad.csv',
				line: 3,
				message:
					'metric: not a metric key code (see the data dictionary); target: not a number (digits with an optional . and decimals); direction: not one of higher_is_better, lower_is_better; ends_on: before starts_on; owner_agency_code: no such agency in this extract or the warehouse'
			}
		]);
		const good = path.join(dir, 'good.csv');
		writeFileSync(
			good,
			'priority_id,title,metric,target,direction,starts_on,ends_on,owner_agency_code,retired_on\n' +
				'p1,"Faster decisions, everywhere",referral_decision_1wd_pct,90.5,higher_is_better,2025-04-01,2026-03-31,CSC,\n'
		);
		const ok = await cli('priorities', 'import', '--db', db, good);
		expect(ok.code).toBe(0);
		const out = path.join(dir, 'out.csv');
		expect((await cli('priorities', 'export', '--db', db, out)).code).toBe(0);
		expect(readFileSync(out, 'utf8')).toBe(readFileSync(good, 'utf8'));
		// Importing the export again replaces the row with itself.
		const again = await cli('priorities', 'import', '--db', db, out, '--json');
		expect(JSON.parse(again.stdout)).toMatchObject({ status: 'committed', rows_loaded: 1, rows_replaced: 1 });

		const bench = path.join(dir, 'bench.csv');
		writeFileSync(bench, 'benchmark_id,metric,label,period_start,period_end,value,source\nb1,re_referrals_12m_pct,England 2024-25,2024-04-01,2025-03-31,22.4,DfE\n');
		expect((await cli('benchmarks', 'import', '--db', db, bench)).code).toBe(0);
		const exported = await cli('benchmarks', 'export', '--db', db, '-');
		expect(exported.code).toBe(0);
	});
});

const B = child('b');
/** The metric keys of metrics.md's table, in its order. */
const METRIC_KEYS_OF_SPEC = [
	'contacts_per_10k',
	'referrals_per_10k',
	're_referrals_12m_pct',
	'multi_agency_children_pct',
	'referral_decision_1wd_pct',
	'assessment_45wd_pct',
	'assessment_median_wd',
	'icpc_15wd_pct',
	'info_request_on_time_pct',
	'info_request_median_hours',
	'escalations_per_100_referrals',
	'escalations_stage3_pct',
	'escalation_resolution_median_days',
	'escalations_open_at_end',
	'icpc_partner_attendance_pct',
	'cp_second_subsequent_pct',
	'cp_ended_2y_plus_pct',
	'audits_good_or_better_pct',
	'audit_actions_on_time_pct',
	// Version 2.
	'contact_conversion_pct',
	'info_request_ack_1wd_pct',
	'info_requests_overdue_at_end',
	'assessments_open_over_45wd_at_end',
	'escalations_agreed_pct',
	'cp_meeting_partner_attendance_pct',
	'conference_reports_pct',
	'audit_actions_overdue_at_end',
	'children_known_3plus_agencies'
];
/**
 * For June 2024. Population (year(to) = 2024): N's 2024 row, 1000; S has no row up to 2024, so its
 * earliest, 2025's 500: 1500 in all. Referrals received in June: r1, r2, r3 (r4 is 23:30 UTC on
 * 30 June, 00:30 on 1 July in BST, so July's).
 */
const metricsExtract = () =>
	writeExtract({
		tables: {
			agencies: [
				{ agency_code: 'CSC', agency_name: 'Council', sector: 'children_social_care' },
				{ agency_code: 'POL', agency_name: 'Police', sector: 'police' }
			],
			areas: [
				{ area_code: 'N', area_name: 'North', population_year: 2023, child_population: 800 },
				{ area_code: 'N', area_name: 'North', population_year: 2024, child_population: 1000 },
				{ area_code: 'N', area_name: 'North', population_year: 2025, child_population: 1200 },
				{ area_code: 'S', area_name: 'South', population_year: 2025, child_population: 500 },
				{ area_code: 'S', area_name: 'South', population_year: 2026, child_population: 600 }
			],
			children: [
				{ child_id: A, birth_month: '2015-03', sex: 'female', disability: 'no', area_code: 'N' },
				{ child_id: B, birth_month: '2018-07', sex: 'male', disability: 'no', area_code: 'S' }
			],
			referrals: [
				// B's earlier referral is a day before 12 months before r2 (2023-06-07): not a re-referral.
				{ referral_id: 'r0', child_id: B, received_at: '2023-06-06 09:00', source_code: '6' },
				// Monday to Tuesday: 1 working day, on time.
				{ referral_id: 'r1', child_id: A, received_at: '2024-06-03 09:00', source_code: '6', source_agency_code: 'POL', decided_at: '2024-06-04 10:00', outcome: 'assessment' },
				// Friday to Monday: 1 working day, on time. A source code only: no involved agency.
				{ referral_id: 'r2', child_id: B, received_at: '2024-06-07 16:00', source_code: '6', decided_at: '2024-06-10 09:00', outcome: 'early_help' },
				// Undecided: late. A re-referral (r1 a week before).
				{ referral_id: 'r3', child_id: A, received_at: '2024-06-10 09:00', source_code: '5B', source_agency_code: 'CSC' },
				{ referral_id: 'r4', child_id: A, received_at: '2024-06-30T23:30:00Z', source_code: '6', source_agency_code: 'POL' }
			],
			// Routine, Mon 3 June, never answered: wd(3 June, 10 June) = 5, wd(3 June, 30 June) = 19: overdue
			// at the end of June, not of May (not yet made) nor of 10 June.
			info_requests: [
				{ request_id: 'q1', child_id: A, requesting_agency_code: 'CSC', responding_agency_code: 'POL', priority: 'routine', requested_at: '2024-06-03 09:00' }
			]
		}
	});

describe('cli metrics', () => {
	it('prints every metric of metrics.md for the period as its JSON', async () => {
		const db = path.join(tempDir('metrics'), 'w.duckdb');
		expect((await cli('import', '--db', db, metricsExtract())).code).toBe(0);
		const r = await cli('metrics', '--db', db, '--from', '2024-06-01', '--to', '2024-06-30', '--json');
		expect(r.stderr).toBe('');
		expect(r.code).toBe(0);
		const out = JSON.parse(r.stdout);
		expect(Object.keys(out).sort()).toEqual(['filters', 'metrics', 'period']);
		expect(out.period).toEqual({ from: '2024-06-01', to: '2024-06-30' });
		expect(out.filters).toEqual({ area: null, agency: null, sector: null });
		expect(Object.keys(out.metrics).sort()).toEqual([...METRIC_KEYS_OF_SPEC].sort());
		for (const key of METRIC_KEYS_OF_SPEC) expect(Object.keys(out.metrics[key]).sort(), key).toEqual(['denominator', 'numerator', 'value']);
		// 3 referrals ÷ 1500 children × 10,000.
		expect(out.metrics.referrals_per_10k).toEqual({ value: 20, numerator: 3, denominator: null });
		// r3 only: 1 of 3.
		const re = out.metrics.re_referrals_12m_pct;
		expect([re.numerator, re.denominator]).toEqual([1, 3]);
		expect(re.value).toBeCloseTo(100 / 3, 9);
		// r1 and r2 within a working day, r3 undecided: 2 of 3.
		const decided = out.metrics.referral_decision_1wd_pct;
		expect([decided.numerator, decided.denominator]).toEqual([2, 3]);
		expect(decided.value).toBeCloseTo(200 / 3, 9);
		// A: POL (r1) and CSC (r3); B: none (r2 has only a source code).
		expect(out.metrics.multi_agency_children_pct).toEqual({ value: 100, numerator: 1, denominator: 1 });
		// No assessments at all: not available, so no value.
		expect(out.metrics.assessment_median_wd.value).toBeNull();
		// q1, routine, unanswered since 3 June.
		expect(out.metrics.info_requests_overdue_at_end).toEqual({ value: 1, numerator: null, denominator: null });
		expect(out.metrics.info_request_ack_1wd_pct).toEqual({ value: 0, numerator: 0, denominator: 1 });
		expect(out.metrics.children_known_3plus_agencies).toEqual({ value: 0, numerator: null, denominator: null });

		// Under an area filter, only N's children and N's population: r1 and r3 of 1000.
		const north = await cli('metrics', '--db', db, '--from', '2024-06-01', '--to', '2024-06-30', '--area', 'N', '--json');
		expect(north.code).toBe(0);
		const n = JSON.parse(north.stdout);
		expect(n.filters).toEqual({ area: 'N', agency: null, sector: null });
		expect(n.metrics.referrals_per_10k).toEqual({ value: 20, numerator: 2, denominator: null });
		expect(n.metrics.re_referrals_12m_pct).toEqual({ value: 50, numerator: 1, denominator: 2 });
	});

	it('--by month gives each count at the end at its month\'s end', async () => {
		const db = path.join(tempDir('metrics'), 'w.duckdb');
		expect((await cli('import', '--db', db, metricsExtract())).code).toBe(0);
		const r = await cli('metrics', '--db', db, '--from', '2024-05-01', '--to', '2024-07-10', '--by', 'month', '--json');
		expect(r.code).toBe(0);
		const out = JSON.parse(r.stdout);
		expect(out.by).toBe('month');
		expect(out.groups.map((g: { group: string }) => g.group)).toEqual(['2024-05', '2024-06', '2024-07']);
		for (const g of out.groups) expect(Object.keys(g.metrics).sort()).toEqual([...METRIC_KEYS_OF_SPEC].sort());
		// 31 May: q1 not yet made (the table holds it, so 0 and not x); 30 June: overdue; July (at the 10th, `to`): overdue.
		expect(out.groups.map((g: { metrics: Record<string, { value: number | null }> }) => g.metrics.info_requests_overdue_at_end.value)).toEqual([0, 1, 1]);
		// Within June, at the 10th: wd 5, not yet overdue.
		const tenth = await cli('metrics', '--db', db, '--from', '2024-06-01', '--to', '2024-06-10', '--by', 'month', '--json');
		expect(JSON.parse(tenth.stdout).groups[0].metrics.info_requests_overdue_at_end.value).toBe(0);
	});

	it('exits 2 for usage errors and 1 for a warehouse that does not exist, creating nothing', async () => {
		const db = path.join(tempDir('metrics'), 'w.duckdb');
		expect((await cli('import', '--db', db, metricsExtract())).code).toBe(0);
		const period = ['--from', '2024-06-01', '--to', '2024-06-30'];
		for (const argv of [
			[...period, '--json'],
			['--db', db, ...period],
			['--db', db, ...period, '--agency', 'POL', '--sector', 'police', '--json']
		]) {
			const r = await cli('metrics', ...argv);
			expect(r.code, argv.join(' ')).toBe(2);
			expect(r.stdout, argv.join(' ')).toBe('');
		}
		const missing = path.join(tempDir('metrics'), 'nowhere.duckdb');
		const r = await cli('metrics', '--db', missing, ...period, '--json');
		expect(r.code).toBe(1);
		expect(r.stdout).toBe('');
		expect(r.stderr).toMatch(/no warehouse at .*nowhere\.duckdb/);
		expect(existsSync(missing)).toBe(false);
	});

	it('is refused with a message saying so, and exit status 1, while another process holds the warehouse', async () => {
		const db = path.join(tempDir('locked'), 'w.duckdb');
		expect((await cli('import', '--db', db, metricsExtract())).code).toBe(0);
		const holder = await holdWarehouse(db);
		try {
			const r = await cli('metrics', '--db', db, '--from', '2024-06-01', '--to', '2024-06-30', '--json');
			expect(r.code).toBe(1);
			expect(r.stdout).toBe('');
			expect(r.stderr).toMatch(/in use by another process \(PID \d+\)/);
		} finally {
			holder.kill();
		}
	});
});

/** Starts another process that opens the warehouse and keeps it (as the dashboard server would). */
async function holdWarehouse(db: string) {
	const holder = spawn(
		process.execPath,
		[
			'--import',
			'tsx',
			'-e',
			`const { openWarehouse } = await import(${JSON.stringify(path.resolve('src/lib/server/warehouse/warehouse.ts'))});
			await openWarehouse(${JSON.stringify(db)}); console.log('ready'); setInterval(() => {}, 1000);`
		],
		{ stdio: ['ignore', 'pipe', 'inherit'] }
	);
	try {
		await new Promise<void>((resolve, reject) => {
			holder.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
			holder.on('exit', (c) => reject(new Error(`holder exited ${c}`)));
		});
	} catch (e) {
		holder.kill();
		throw e;
	}
	return holder;
}

describe('a warehouse held by another process', () => {
	it('is refused with a message saying so, and exit status 1', async () => {
		const dir = tempDir('locked');
		const db = path.join(dir, 'w.duckdb');
		expect((await cli('import', '--db', db, extract())).code).toBe(0);
		const holder = await holdWarehouse(db);
		try {
			const r = await cli('batches', '--db', db);
			expect(r.code).toBe(1);
			expect(r.stderr).toMatch(/in use by another process \(PID \d+\)/);
		} finally {
			holder.kill();
		}
	});
});

/**
 * Issue 9's fuzz suite: seeded fast-check runs of mutated extracts (./mutations.ts) through
 * importExtract, each case checked by ./check.ts, and a sample through the command line. It is
 * split into two test files (fuzz-1, fuzz-2: each half the cases, on its own seed) so that
 * vitest runs them side by side.
 *
 *   FUZZ_RUNS  cases in all, both files together (default 520; `npm run fuzz` runs 10,000)
 *   FUZZ_SEED  the seed (default 20250409); a failure prints its seed and path to replay
 *
 * One warehouse serves a run of cases (a new one every WAREHOUSE_CASES, so that snapshots stay
 * small), and the reader child stays warm between imports: a case takes a fraction of a second.
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { importExtract } from '../../src/lib/server/import/import.ts';
import type { ImportReport } from '../../src/lib/server/import/types.ts';
import { freshWarehouse, removeTempRoot, tempDir } from '../../src/lib/server/testing/extract.ts';
import type { Warehouse } from '../../src/lib/server/warehouse/warehouse.ts';
import { assertNoMarker, auditEntry, CASE_TIMEOUT_MS, checkImport, withTimeout } from './check.ts';
import { buildCase, folderPlan, FUZZ_LIMITS, FUZZ_LIMITS_ENV, zipPlan, type Plan } from './mutations.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 520);
const SEED = Number(process.env.FUZZ_SEED ?? 20250409);
if (!Number.isInteger(RUNS) || RUNS < 10) throw new Error('FUZZ_RUNS must be a whole number of at least 10');
if (!Number.isInteger(SEED)) throw new Error('FUZZ_SEED must be a whole number');

const CLI_RUNS_ALL = Math.max(4, Math.ceil(RUNS / 500));
const WAREHOUSE_CASES = 40;
/** Time a test may take: generous per case, since shrinking a failure re-runs cases. */
const budget = (runs: number, perCase: number) => 120_000 + runs * perCase;

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const WORK_ROOT = tmpdir();

const tally = { cases: 0, committed: 0, unchanged: 0, failed: 0, ms: 0 };
function report(part: number): void {
	process.stdout.write(
		`fuzz: ${tally.cases} importExtract cases (${tally.committed} committed, ${tally.unchanged} unchanged, ${tally.failed} failed), ${(tally.ms / 1000).toFixed(1)} s in imports; seed ${SEED}, part ${part}\n`
	);
}

/** The warehouse of the current run of cases: new every WAREHOUSE_CASES, with the valid extract loaded. */
let current: { w: Warehouse; used: number } | null = null;
async function warehouse(): Promise<Warehouse> {
	if (current && current.used < WAREHOUSE_CASES) {
		current.used++;
		return current.w;
	}
	if (current) {
		const file = current.w.file;
		await current.w.close();
		rmSync(path.dirname(file), { recursive: true, force: true });
	}
	const w = await freshWarehouse();
	const base = await buildCase({ seed: 0, tables: [true, true, true, true, true, true, true], ops: [], zip: null });
	const report = await importExtract(w, base.source, { actor: 'test:fuzz', limits: FUZZ_LIMITS, audit: auditEntry });
	expect(report.status).toBe('committed');
	current = { w, used: 1 };
	return w;
}

async function runCase(plan: Plan): Promise<void> {
	const built = await buildCase(plan);
	const w = await warehouse();
	const { report, ms } = await checkImport(w, built, WORK_ROOT);
	tally.cases++;
	tally[report.status]++;
	tally.ms += ms;
	rmSync(path.dirname(built.source), { recursive: true, force: true });
}

/** Runs `cli import --json` in its own process; its exit code, output and report. */
function cliImport(db: string, source: string, extra: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'import', '--db', db, source, '--json', ...extra], {
			cwd: ROOT,
			env: { ...process.env, ...FUZZ_LIMITS_ENV, FP_DUCKDB_THREADS: '1' },
			stdio: ['ignore', 'pipe', 'pipe']
		});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (d: Buffer) => (stdout += d));
		child.stderr.on('data', (d: Buffer) => (stderr += d));
		child.on('error', reject);
		child.on('close', (code) => resolve({ code, stdout, stderr }));
	});
}

/** Part `part` (0 or 1) of the suite: half of every kind of case. */
export function fuzzSuite(part: 0 | 1): void {
	const share = (n: number) => (part === 0 ? Math.ceil(n / 2) : Math.floor(n / 2));
	const cliRuns = share(CLI_RUNS_ALL);
	const zipRuns = share(Math.round((RUNS - CLI_RUNS_ALL) * 0.35));
	const folderRuns = share(RUNS - CLI_RUNS_ALL - Math.round((RUNS - CLI_RUNS_ALL) * 0.35));
	afterAll(() => removeTempRoot());
	afterAll(async () => {
		report(part);
		await current?.w.close();
	});

	describe(`fuzz ${part + 1}/2: importExtract over mutated extracts`, () => {
		it('imports the valid base extract whole, with nothing quarantined', async () => {
			const w = await freshWarehouse();
			const base = await buildCase({ seed: 7, tables: [true, true, true, true, true, true, true], ops: [], zip: null });
			const { report } = await checkImport(w, base, WORK_ROOT);
			expect(report.status).toBe('committed');
			expect(report.files).toHaveLength(7);
			for (const f of report.files) expect(f, f.file).toMatchObject({ rows_quarantined: 0 });
			await w.close();
		});

		it('a marker that reaches an error fails the property (the check can fail)', async () => {
			const built = await buildCase({ seed: 9, tables: [true, true, true, true, true, true, true], ops: [], zip: null });
			const marker = built.markers.data[0];
			expect(() => assertNoMarker(`agencies.csv: bad value ${marker}`, built, 'x')).toThrow(/shows/);
			expect(() => assertNoMarker(`agencies.csv: bad value ${marker.slice(0, 6)}`, built, 'x')).toThrow(/ZQX/);
			const digits = built.markers.data.find((d) => /^[0-9]{10}$/.test(d))!;
			expect(() => assertNoMarker(`line 2: ${digits.slice(2, 9)}`, built, 'x')).toThrow(/digits/);
			expect(() => assertNoMarker('agencies.csv: fine', built, 'x')).not.toThrow();
		});

		it('replays the cases past runs failed on (a CSV mutation of a renamed file)', async () => {
			const w = await freshWarehouse();
			const tables = [true, true, true, false, false, false, false];
			const rename = { op: 'rename', file: 0, to: 'marker' } as const;
			for (const plan of [
				{ seed: 0, tables, ops: [rename, { op: 'csv', file: 0, mutation: { op: 'date', row: 0, col: 0, value: '2024-02-30' } }], zip: null },
				{ seed: 0, tables, ops: [rename, { op: 'csv', file: 0, mutation: { op: 'dangling', row: 0, col: 0 } }], zip: { ops: [], name: 'plain' } },
				{ seed: 0, tables, ops: [rename, { op: 'parquet', file: 0, kind: 'typed', at: 0.5 }], zip: null }
			] satisfies Plan[]) {
				const { report } = await checkImport(w, await buildCase(plan), WORK_ROOT);
				expect(report.status).toBe('failed');
			}
			await w.close();
		});

		it(`folders: ${folderRuns} cases of CSV, manifest and folder mutations`, { timeout: budget(folderRuns, 4000) }, async () => {
			await fc.assert(fc.asyncProperty(folderPlan, runCase), { seed: SEED + 10 * part, numRuns: folderRuns });
		});

		it(`zips: ${zipRuns} cases of zip mutations (bombs, traversal, links, nesting, damage)`, { timeout: budget(zipRuns, 4000) }, async () => {
			await fc.assert(fc.asyncProperty(zipPlan, runCase), { seed: SEED + 10 * part + 1, numRuns: zipRuns });
		});
	});

	describe(`fuzz ${part + 1}/2: the command line`, () => {
		it(`exits 0, 1 or 2 as its report says, showing no value (${cliRuns} cases)`, { timeout: budget(cliRuns, 30_000) }, async () => {
			const db = path.join(tempDir('fuzz-cli'), 'w.duckdb');
			const plan = fc.record({ plan: fc.oneof(folderPlan, zipPlan), usage: fc.constantFrom(null, null, null, '--bogus', '--db') });
			await fc.assert(
				fc.asyncProperty(plan, async ({ plan, usage }) => {
					const built = await buildCase(plan);
					const run = await withTimeout(cliImport(db, built.source, usage ? [usage] : []), CASE_TIMEOUT_MS + 30_000, 'cli import');
					expect([0, 1, 2]).toContain(run.code);
					if (usage) {
						expect(run.code, run.stderr).toBe(2);
					} else {
						const report = JSON.parse(run.stdout) as ImportReport;
						expect(run.code, run.stdout).toBe(report.status === 'failed' ? 1 : 0);
						expect(run.stderr, 'no unexpected error was logged').not.toMatch(/unexpected error/);
					}
					assertNoMarker(`${run.stdout}\n${run.stderr}`, built, 'the command line');
					rmSync(path.dirname(built.source), { recursive: true, force: true });
				}),
				{ seed: SEED + 10 * part + 2, numRuns: cliRuns }
			);
		});
	});
}

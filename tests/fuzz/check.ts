/**
 * The fuzz suite's properties of one import (issue 9): it ends, in bounded time, with a report;
 * the warehouse is exactly as before or holds exactly one new, whole batch with its audit entry;
 * every file's rows read = loaded + quarantined; every quarantined row has its file, line and
 * reasons; every error names its file and rule in the project's words, and nothing a person
 * sees holds a value of the input. Only tests import this module.
 */
import { readdirSync } from 'node:fs';
import { expect } from 'vitest';
import { isExtractFileName, isPlainName } from '../../src/lib/server/import/names.ts';
import { importExtract } from '../../src/lib/server/import/import.ts';
import { listBatches, listQuarantine } from '../../src/lib/server/import/quarantine.ts';
import type { ImportReport } from '../../src/lib/server/import/types.ts';
import { snapshot } from '../../src/lib/server/testing/extract.ts';
import { readAuditLog, type AuditEntry } from '../../src/lib/server/warehouse/audit.ts';
import { query, type Warehouse } from '../../src/lib/server/warehouse/warehouse.ts';
import { FUZZ_LIMITS, type BuiltCase } from './mutations.ts';

/** How long one case may take before it counts as a hang (its own time limit is FUZZ_LIMITS.timeLimitMs). */
export const CASE_TIMEOUT_MS = FUZZ_LIMITS.timeLimitMs + 30_000;

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
	let timer: NodeJS.Timeout;
	return Promise.race([
		promise.finally(() => clearTimeout(timer)),
		new Promise<never>((_, reject) => {
			timer = setTimeout(() => reject(new Error(`${what} did not end within ${ms} ms`)), ms);
		})
	]);
}

/** The audit entry the fuzz imports write (the command line's shape, under its own action). */
export const FUZZ_ACTION = 'fuzz.import';
export function auditEntry(r: ImportReport): AuditEntry {
	return {
		actor: 'test:fuzz',
		action: FUZZ_ACTION,
		details: {
			status: r.status,
			batch_id: r.batch_id,
			files: r.files.map((f) => ({ file: f.file, rows_read: f.rows_read, rows_loaded: f.rows_loaded, rows_quarantined: f.rows_quarantined })),
			reasons: r.errors.slice(0, 20).map((e) => e.message)
		}
	};
}

/**
 * Text a person sees must hold no marker of the input. The names that the allow-list lets
 * errors show (a plain file name of the folder, the zip's own plain name: names.ts) are taken
 * out first; any other trace of a marker fails: a `ZQX` token (whole or cut), a data marker
 * whole, or six digits in a row of a digit marker (an NHS-like number, cut or spaced).
 */
export function assertNoMarker(text: string, built: BuiltCase, where: string): void {
	let rest = text;
	const shown = built.showable.filter((n) => isPlainName(n) || isExtractFileName(n)).sort((a, b) => b.length - a.length);
	for (const name of shown) rest = rest.replaceAll(name, '‹name›');
	const fail = (what: string) => {
		throw new Error(`${where} shows ${what} of the input: ${JSON.stringify(text.slice(0, 2000))}`);
	};
	if (/zqx/i.test(rest)) fail('a ZQX marker');
	for (const marker of built.markers.data) {
		if (rest.includes(marker)) fail(`the value ${JSON.stringify(marker)}`);
		const digits = marker.replace(/[^0-9]/g, '');
		if (digits.length >= 9) {
			for (let i = 0; i + 6 <= digits.length; i++) if (rest.includes(digits.slice(i, i + 6))) fail(`digits of ${JSON.stringify(marker)}`);
		}
	}
}

/** An error in the project's words: it names its file (when it has one) and a rule, and holds no engine text, path or crash. */
export function assertPlainError(e: ImportReport['errors'][number], workRoot: string): void {
	expect(typeof e.message).toBe('string');
	expect(e.message, 'an unexpected error is a crash of the import code').not.toMatch(/unexpected error/);
	expect(e.message, 'the reader must not crash on any input').not.toMatch(/reader stopped/);
	expect(e.message).not.toMatch(/[A-Z][a-z]+Error\b|Error:|Exception|duckdb|node:internal|\bat [\w.]+ \(|\.staging|ENOENT|EISDIR|ELOOP/);
	expect(e.message.includes(workRoot), 'an error shows no path of the machine').toBe(false);
	if (e.file !== null) {
		expect(e.message.startsWith(`${e.file}: `), `"${e.message}" names its file "${e.file}" first`).toBe(true);
		expect(e.message.length).toBeGreaterThan(e.file.length + 12);
	} else expect(e.message.length).toBeGreaterThan(12);
	if (e.line !== undefined) expect(Number.isInteger(e.line) && e.line >= 1, `line ${e.line}`).toBe(true);
}

async function counts(w: Warehouse): Promise<{ batches: number; maxBatch: number; auditSeq: number }> {
	const [r] = await w.read((c) =>
		query<{ batches: number; max_batch: number; seq: number }>(
			c,
			`SELECT (SELECT count(*) FROM batches) AS batches, (SELECT coalesce(max(batch_id), 0) FROM batches) AS max_batch,
				(SELECT coalesce(max(seq), 0) FROM audit_log) AS seq`
		)
	);
	return { batches: r.batches, maxBatch: r.max_batch, auditSeq: r.seq };
}

export interface CaseOutcome {
	report: ImportReport;
	ms: number;
}

/** Imports `built` into `w` and checks every property; throws (an assertion) on the first broken one. */
export async function checkImport(w: Warehouse, built: BuiltCase, workRoot: string): Promise<CaseOutcome> {
	const before = await snapshot(w);
	const was = await counts(w);
	const started = performance.now();
	const report = await withTimeout(
		importExtract(w, built.source, { actor: 'test:fuzz', limits: FUZZ_LIMITS, audit: auditEntry }),
		CASE_TIMEOUT_MS,
		'the import'
	);
	const ms = performance.now() - started;
	const after = await snapshot(w);
	const now = await counts(w);
	const reportText = JSON.stringify(report);

	expect(['committed', 'unchanged', 'failed']).toContain(report.status);
	// The work folder goes, whatever happened.
	expect(readdirSync(w.stagingDir)).toEqual([]);
	for (const e of report.errors) assertPlainError(e, workRoot);
	assertNoMarker(reportText, built, 'the report');

	for (const f of report.files) {
		for (const n of [f.rows_read, f.rows_loaded, f.rows_replaced, f.rows_quarantined]) expect(Number.isInteger(n) && n >= 0).toBe(true);
		expect(f.rows_read, `${f.file}: rows read = loaded + quarantined`).toBe(f.rows_loaded + f.rows_quarantined);
		expect(f.rows_replaced).toBeLessThanOrEqual(f.rows_loaded);
	}

	const entries = (await readAuditLog(w)).filter((e) => e.seq > was.auditSeq);
	for (const e of entries) assertNoMarker(JSON.stringify(e.details), built, 'the audit entry');

	if (report.status !== 'committed') {
		// Nothing of a failed or unchanged import is in the warehouse.
		expect(after).toEqual(before);
		expect(now.batches).toBe(was.batches);
		if (report.status === 'failed') {
			expect(report.batch_id).toBeNull();
			expect(report.errors.length).toBeGreaterThan(0);
			// A failed import's audit entry comes after; its reasons are the report's.
			expect(entries.map((e) => e.action)).toEqual([FUZZ_ACTION]);
		} else {
			expect(report.errors).toEqual([]);
			expect(report.batch_id).toBeLessThanOrEqual(was.maxBatch);
		}
		return { report, ms };
	}

	// Exactly one new batch, whole.
	const batch = report.batch_id!;
	expect(batch).toBe(was.maxBatch + 1);
	expect(now.batches).toBe(was.batches + 1);
	expect(report.errors).toEqual([]);
	const audited = entries.filter((e) => (e.details as { batch_id?: number } | null)?.batch_id === batch && e.action === FUZZ_ACTION);
	expect(audited, 'a committed batch has its audit entry').toHaveLength(1);
	const stored = await w.read((c) =>
		query<{ file: string; rows_read: number; rows_loaded: number; rows_replaced: number; rows_quarantined: number }>(
			c,
			`SELECT file, rows_read, rows_loaded, rows_replaced, rows_quarantined FROM batch_files WHERE batch_id = $batch ORDER BY file`,
			{ batch }
		)
	);
	expect(stored).toEqual(
		report.files.map(({ file, rows_read, rows_loaded, rows_replaced, rows_quarantined }) => ({ file, rows_read, rows_loaded, rows_replaced, rows_quarantined })).sort((a, b) => a.file.localeCompare(b.file))
	);
	const source = (await listBatches(w)).find((b) => b.batch_id === batch)?.source ?? '';
	assertNoMarker(source, built, "the batch's source");
	// Every table changed by exactly what the report says: nothing more, nothing less.
	for (const table of new Set([...report.files.map((f) => f.table), ...report.retried.map((r) => r.table)])) {
		const f = report.files.find((x) => x.table === table);
		const r = report.retried.find((x) => x.table === table);
		const expected = (f ? f.rows_loaded - f.rows_replaced : 0) + (r ? r.rows_loaded - r.rows_replaced : 0);
		expect(after[table].length - before[table].length, `rows added to ${table}`).toBe(expected);
	}
	for (const table of Object.keys(before)) {
		if (table === 'quarantine' || table.endsWith('__replaced')) continue;
		if (!report.files.some((f) => f.table === table) && !report.retried.some((r) => r.table === table)) {
			// A table no file or retry touched keeps its rows (derived columns may be recomputed, never its count).
			expect(after[table].length, `rows of ${table}`).toBe(before[table].length);
		}
	}
	const quarantined = await listQuarantine(w, { batch, status: 'all' });
	for (const f of report.files) expect(quarantined.filter((q) => q.file === f.file), `${f.file}'s quarantined rows`).toHaveLength(f.rows_quarantined);
	for (const q of quarantined) {
		expect(report.files.map((f) => f.file)).toContain(q.file);
		// A CSV row's line is its record number, the header being 1; a Parquet row's is its position, from 1 (docs/import.md).
		const first = q.file.endsWith('.parquet') ? 1 : 2;
		expect(Number.isInteger(q.line) && q.line >= first, `${q.file} line ${q.line}`).toBe(true);
		expect(q.reasons.length).toBeGreaterThan(0);
		for (const reason of q.reasons) {
			expect(typeof reason === 'string' && reason.length > 5).toBe(true);
			expect(reason).not.toMatch(/[A-Z][a-z]+Error\b|Error:|Exception/);
		}
		assertNoMarker(q.reasons.join('\n'), built, `the reasons of ${q.file} line ${q.line}`);
	}
	return { report, ms };
}

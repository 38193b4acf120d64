/**
 * Issue 9's kill test: `cli import` is killed (SIGKILL) at seeded random points, from its start
 * through reading, judging and loading to its commit, each time into a fresh copy of one
 * warehouse. After each kill the warehouse, opened again, is exactly as before the import or
 * exactly as one uninterrupted import leaves it, never in between; every committed batch has its
 * `cli.import` audit entry and the audit chain is whole; the staging directory holds nothing; and
 * no process of the killed import (its reader child) lives on.
 *
 *   KILL_SEED  the seed of the kill points (default 9091)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeTempRoot, snapshot, tempDir, toCsv, writeExtract } from '../../src/lib/server/testing/extract.ts';
import { readAuditLog, verifyAuditLog } from '../../src/lib/server/warehouse/audit.ts';
import { openWarehouse, query } from '../../src/lib/server/warehouse/warehouse.ts';
import { CHILD_A, CHILD_B, CHILD_C, prng } from './mutations.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SEED = Number(process.env.KILL_SEED ?? 9091);
const KILLS = 24;

afterAll(() => removeTempRoot());

/** The live (not zombie) processes of a process group, from /proc. */
function groupMembers(pgid: number): number[] {
	const out: number[] = [];
	for (const entry of readdirSync('/proc')) {
		if (!/^[0-9]+$/.test(entry)) continue;
		let stat: string;
		try {
			stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
		} catch {
			continue;
		}
		const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		if (Number(pgrp) === pgid && state !== 'Z' && state !== 'X') out.push(Number(entry));
	}
	return out;
}

interface Run {
	child: ChildProcess;
	exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
	/** Resolves when standard error shows a line matching the pattern (the progress lines name each stage). */
	stage(pattern: RegExp): Promise<boolean>;
	stderr(): string;
}

/** `cli import` of `source` into `db`, in a process group of its own (so that its reader can be found, and killed with it). */
function cliImport(db: string, source: string): Run {
	const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'import', '--db', db, source], {
		cwd: ROOT,
		env: { ...process.env, FP_DUCKDB_THREADS: '1' },
		stdio: ['ignore', 'ignore', 'pipe'],
		detached: true
	});
	let err = '';
	const waiting: { pattern: RegExp; resolve: (hit: boolean) => void }[] = [];
	child.stderr!.on('data', (d: Buffer) => {
		err += d;
		for (const w of [...waiting]) if (w.pattern.test(err)) (waiting.splice(waiting.indexOf(w), 1), w.resolve(true));
	});
	const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
		child.on('exit', (code, signal) => {
			for (const w of waiting.splice(0)) w.resolve(false);
			resolve({ code, signal });
		})
	);
	return {
		child,
		exited,
		stage: (pattern) => (pattern.test(err) ? Promise.resolve(true) : new Promise((resolve) => waiting.push({ pattern, resolve }))),
		stderr: () => err
	};
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A warehouse's whole state but its times: the rows (snapshot), the batches and their files. */
async function state(file: string) {
	const w = await openWarehouse(file);
	try {
		// Opening it emptied the staging directory of what the killed process left.
		const staging = existsSync(w.stagingDir) ? readdirSync(w.stagingDir) : [];
		const rows = await snapshot(w);
		const batches = await w.read((c) =>
			query(c, `SELECT batch_id, content_hash, source, supplied_by, status, imported_by FROM batches ORDER BY batch_id`)
		);
		const files = await w.read((c) => query(c, `SELECT * FROM batch_files ORDER BY batch_id, file`));
		const audit = await readAuditLog(w);
		const verified = await verifyAuditLog(w);
		return { staging, data: { rows, batches, files }, audit, verified };
	} finally {
		await w.close();
	}
}

function copyWarehouse(from: string, label: string): string {
	const to = path.join(tempDir(label), 'w.duckdb');
	copyFileSync(from, to);
	if (existsSync(`${from}.wal`)) copyFileSync(`${from}.wal`, `${to}.wal`);
	// The audit log's anchor goes with its warehouse (verify checks the log against it).
	if (existsSync(`${from}.audit-anchor`)) copyFileSync(`${from}.audit-anchor`, `${to}.audit-anchor`);
	// And so does its cell key secret (the rows it loads are keyed with it).
	if (existsSync(`${from}.cellkey`)) copyFileSync(`${from}.cellkey`, `${to}.cellkey`);
	return to;
}

const AGENCIES = toCsv([
	{ agency_code: 'POL', agency_name: 'Police', sector: 'police' },
	{ agency_code: 'CSC', agency_name: 'Council', sector: 'children_social_care' },
	{ agency_code: 'HLT', agency_name: 'Health', sector: 'health' }
]);
const CHILDREN = [CHILD_A, CHILD_B, CHILD_C];

/** An extract big enough that reading, judging and loading each take a moment (about 16,000 rows). */
function bigExtract(): string {
	const contacts = ['contact_id,child_id,received_at,source_code,source_agency_code,outcome,decided_at'];
	for (let i = 0; i < 12_000; i++) {
		const day = String(1 + (i % 28)).padStart(2, '0');
		// Every 50th row is quarantined (an unknown agency): the quarantine is written in the transaction too.
		contacts.push(`k${i},${CHILDREN[i % 3]},2024-05-${day} 09:${String(i % 60).padStart(2, '0')},6,${i % 50 === 0 ? 'NOPE' : 'POL'},referral,2024-05-${day} 18:00`);
	}
	const requests = ['request_id,child_id,requesting_agency_code,responding_agency_code,priority,requested_at,acknowledged_at,responded_at'];
	for (let i = 0; i < 4_000; i++) requests.push(`q${i},${CHILDREN[i % 3]},CSC,POL,routine,2024-06-03 12:00,,2024-06-05 12:00`);
	return writeExtract({
		manifest: { extracted_on: '2025-04-11' },
		tables: {
			agencies: toCsv([
				{ agency_code: 'POL', agency_name: 'Police force', sector: 'police' },
				{ agency_code: 'CSC', agency_name: 'Council', sector: 'children_social_care' }
			]),
			children: toCsv(CHILDREN.map((id, i) => ({ child_id: id, birth_month: `201${i}-0${i + 1}`, sex: 'female', disability: 'no' }))),
			contacts: `${contacts.join('\n')}\n`,
			info_requests: `${requests.join('\n')}\n`
		}
	});
}

describe('kill test: cli import killed at random points', () => {
	let base: string;
	let extract: string;
	let before: Awaited<ReturnType<typeof state>>;
	let after: Awaited<ReturnType<typeof state>>;
	let uninterruptedMs: number;

	beforeAll(async () => {
		// The warehouse before: one batch already (by the command line, with its audit entry).
		base = path.join(tempDir('kill-base'), 'w.duckdb');
		const first = cliImport(base, writeExtract({ tables: { agencies: AGENCIES } }));
		expect((await first.exited).code, first.stderr()).toBe(0);
		before = await state(base);
		extract = bigExtract();
		// The warehouse after: the same import, uninterrupted.
		const whole = copyWarehouse(base, 'kill-after');
		const started = performance.now();
		const run = cliImport(whole, extract);
		expect((await run.exited).code, run.stderr()).toBe(0);
		uninterruptedMs = performance.now() - started;
		after = await state(whole);
		expect(after.data.batches).toHaveLength(2);
		expect(after.data).not.toEqual(before.data);
	}, 120_000);

	it(`leaves the warehouse before or after, never between, over ${KILLS}+ kills`, { timeout: 300_000 }, async () => {
		const random = prng(SEED);
		// Where to kill: a time after the start, or a moment after a stage's progress line appears
		// (the command line prints one per stage once the import has run a second).
		const triggers: { what: string; pattern: RegExp | null; jitterMs: number }[] = [
			{ what: 'start', pattern: null, jitterMs: 1200 },
			{ what: 'anywhere', pattern: null, jitterMs: uninterruptedMs * 1.1 },
			{ what: 'reading', pattern: /reading contacts\.csv/, jitterMs: 400 },
			{ what: 'judging', pattern: /reading info_requests\.csv/, jitterMs: 400 },
			{ what: 'loading', pattern: /checking contacts/, jitterMs: 300 },
			{ what: 'commit', pattern: /checking (audits|audit_findings|audit_actions)|recomputing/, jitterMs: 150 }
		];
		const outcomes: { trigger: string; delay: number; state: 'before' | 'after'; groupKill: boolean }[] = [];
		let attempts = 0;
		while (outcomes.length < KILLS && attempts < KILLS * 2) {
			// By attempt, not by kill: a stage that shows too early for its progress line (the first
			// second prints none) must not hold up the others.
			const trigger = triggers[attempts++ % triggers.length];
			const delay = Math.round(random() * trigger.jitterMs);
			const groupKill = random() < 0.5;
			const db = copyWarehouse(base, 'kill');
			const run = cliImport(db, extract);
			const pgid = run.child.pid!;
			if (trigger.pattern && !(await run.stage(trigger.pattern))) {
				// It ended before the stage showed: no kill this time.
				await run.exited;
				continue;
			}
			await sleep(delay);
			let killed = false;
			try {
				// Half the time the whole group, half the time the command alone: its reader must then go by itself.
				if (groupKill) process.kill(-pgid, 'SIGKILL');
				else process.kill(pgid, 'SIGKILL');
				killed = run.child.exitCode === null;
			} catch {
				killed = false;
			}
			const exit = await run.exited;
			let left = groupMembers(pgid);
			for (let i = 0; i < 100 && left.length; i++) {
				await sleep(50);
				left = groupMembers(pgid);
			}
			if (left.length) process.kill(-pgid, 'SIGKILL');
			expect(left, `processes of the killed import still running (${trigger.what}, ${delay} ms)`).toEqual([]);
			if (!killed || exit.signal !== 'SIGKILL') continue;

			const now = await state(db);
			expect(now.staging, 'the staging directory is emptied when the warehouse is opened').toEqual([]);
			expect(now.verified.ok, 'the audit chain is whole').toBe(true);
			const which = JSON.stringify(now.data) === JSON.stringify(before.data) ? 'before' : JSON.stringify(now.data) === JSON.stringify(after.data) ? 'after' : null;
			if (which === null) {
				// Show the difference: it must be one of the two.
				expect(now.data, `killed at ${trigger.what} + ${delay} ms: neither before nor after`).toEqual(after.data);
			}
			// Every committed batch has its audit entry.
			for (const b of now.data.batches as { batch_id: number; status: string }[]) {
				const entries = now.audit.filter(
					(e) => e.action === 'cli.import' && (e.details as { batch_id?: number; status?: string }).batch_id === b.batch_id && (e.details as { status?: string }).status === 'committed'
				);
				expect(entries, `batch ${b.batch_id}'s audit entry`).toHaveLength(1);
			}
			outcomes.push({ trigger: trigger.what, delay, state: which!, groupKill });
		}
		process.stdout.write(
			`kill test: ${outcomes.length} kills in ${attempts} attempts (uninterrupted import ${Math.round(uninterruptedMs)} ms): ${triggers
				.map((t) => `${t.what} ${outcomes.filter((o) => o.trigger === t.what).map((o) => `${o.state[0]}${o.delay}`).join(' ')}`)
				.join('; ')}\n`
		);
		expect(outcomes.length).toBeGreaterThanOrEqual(20);
		// Kills early leave the warehouse as it was: the test reached the import's start.
		expect(outcomes.some((o) => o.state === 'before')).toBe(true);
	});
});

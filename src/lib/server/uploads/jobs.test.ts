import { describe, expect, it } from 'vitest';
import type { ImportProgress, ImportReport } from '../import/types.ts';
import { ImportJobs, jobView, JobsBusyError, stageOf } from './jobs.ts';

const OWNER = { userId: 'u1', email: 'ann@example.org' };
const REPORT: ImportReport = {
	batch_id: 7,
	status: 'committed',
	files: [{ file: 'agencies.csv', table: 'agencies', rows_read: 3, rows_loaded: 2, rows_replaced: 0, rows_quarantined: 1 }],
	errors: [],
	retried: []
};

/** A run the test drives: progress steps by hand, then the report. */
function controlled() {
	let progress!: (p: ImportProgress) => void;
	let finish!: (r: ImportReport) => void;
	let fail!: (e: Error) => void;
	const run = (onProgress: (p: ImportProgress) => void) => {
		progress = onProgress;
		return new Promise<ImportReport>((resolve, reject) => {
			finish = resolve;
			fail = reject;
		});
	};
	return { run, progress: (p: ImportProgress) => progress(p), finish: (r: ImportReport) => finish(r), fail: (e: Error) => fail(e) };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('stageOf', () => {
	it('puts reading and the checks first, then judging and loading, then the end', () => {
		expect(stageOf('reading contacts.csv')).toBe('checks');
		expect(stageOf('opening the extract')).toBe('checks');
		expect(stageOf('checking referrals')).toBe('import');
		expect(stageOf('recomputing derived columns')).toBe('import');
		expect(stageOf('committed')).toBe('done');
		expect(stageOf('unchanged')).toBe('done');
	});
});

describe('ImportJobs: a job\'s lifecycle', () => {
	it('follows the progress through checks and import to the report, ending with onEnd', async () => {
		const jobs = new ImportJobs();
		const c = controlled();
		const ends: string[] = [];
		const job = jobs.start('j1', OWNER, c.run, async (report, j) => {
			ends.push(`${report.status} ${j.stage}`);
		});
		expect(jobView(job)).toMatchObject({ id: 'j1', stage: 'checks', step: 'opening the extract', done: 0, total: 0, report: null, identifier_check: null, finished_at: null });
		expect(jobs.running()).toBe(1);
		c.progress({ stage: 'reading agencies.csv', done: 0, total: 19 });
		expect(jobView(job)).toMatchObject({ stage: 'checks', step: 'reading agencies.csv', done: 0, total: 19 });
		c.progress({ stage: 'checking agencies', done: 1, total: 19 });
		expect(jobView(job)).toMatchObject({ stage: 'import', step: 'checking agencies', done: 1 });
		c.progress({ stage: 'committed', done: 19, total: 19 });
		// Not done until the run has returned and onEnd has run.
		expect(job.stage).toBe('import');
		c.finish(REPORT);
		expect(await job.finished).toEqual(REPORT);
		expect(ends).toEqual(['committed import']);
		expect(jobView(job)).toMatchObject({ stage: 'done', step: 'committed', done: 19, total: 19, report: REPORT, identifier_check: 'passed' });
		expect(jobView(job).finished_at).not.toBeNull();
		expect(jobs.running()).toBe(0);
	});

	it('turns a thrown error into a failed report, and survives a failing onEnd', async () => {
		const jobs = new ImportJobs();
		const c = controlled();
		const job = jobs.start('j2', OWNER, c.run, () => {
			throw new Error('disk full');
		});
		const logged: unknown[] = [];
		const original = console.error;
		console.error = (...args: unknown[]) => logged.push(args.join(' '));
		try {
			c.fail(new Error('the warehouse is closed'));
			const report = await job.finished;
			expect(report).toEqual({ batch_id: null, status: 'failed', files: [], errors: [{ file: null, message: 'the warehouse is closed' }], retried: [] });
			expect(jobView(job).identifier_check).toBe('not_reached');
			expect(logged).toEqual(['import job j2: after the import: disk full']);
		} finally {
			console.error = original;
		}
	});

	it('shows a job only to its owner and to admins: for anyone else it does not exist', async () => {
		const jobs = new ImportJobs();
		const c = controlled();
		jobs.start('j3', OWNER, c.run);
		expect(jobs.get('j3', { userId: 'u1', role: 'analyst' })?.id).toBe('j3');
		expect(jobs.get('j3', { userId: 'u9', role: 'admin' })?.id).toBe('j3');
		expect(jobs.get('j3', { userId: 'u2', role: 'analyst' })).toBeUndefined();
		expect(jobs.get('nope', { userId: 'u1', role: 'analyst' })).toBeUndefined();
		c.finish(REPORT);
	});

	it('refuses to start more than maxRunning, and forgets finished jobs after keepMs', async () => {
		let now = 1_000_000;
		const jobs = new ImportJobs({ maxRunning: 2, keepMs: 60_000, now: () => now });
		const a = controlled();
		const b = controlled();
		jobs.start('a', OWNER, a.run);
		jobs.start('b', OWNER, b.run);
		expect(() => jobs.assertRoom()).toThrow(JobsBusyError);
		expect(() => jobs.start('c', OWNER, controlled().run)).toThrow(/2 imports are running already/);
		expect(() => jobs.start('a', OWNER, controlled().run)).toThrow();
		a.finish(REPORT);
		await tick();
		expect(jobs.running()).toBe(1);
		expect(() => jobs.assertRoom()).not.toThrow();
		now += 59_000;
		expect(jobs.get('a', { userId: 'u1', role: 'analyst' })).toBeDefined();
		now += 2_000;
		expect(jobs.get('a', { userId: 'u1', role: 'analyst' })).toBeUndefined();
		expect(jobs.has('a')).toBe(false);
		expect(jobs.has('b')).toBe(true);
		b.finish(REPORT);
	});
});

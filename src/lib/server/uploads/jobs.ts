/**
 * Imports started from the browser, kept in memory while they run and for an hour after
 * (a restart forgets them; the batches table and the audit log keep what matters).
 *
 * A job moves through `checks` (opening the extract, reading every file, the identifier check
 * at the door) and `import` (judging, loading and quarantining each table, recomputing derived
 * columns) to `done`, with importExtract's steps (`done` of `total`) for a bar. Only the person
 * who started it, or an admin, may read it: for anyone else it does not exist.
 */
import type { Role } from '../auth/roles.ts';
import type { ImportProgress, ImportReport } from '../import/types.ts';
import { identifierVerdict, type IdentifierVerdict } from './report.ts';

export type JobStage = 'checks' | 'import' | 'done';

export interface JobOwner {
	userId: string;
	email: string;
}

export interface ImportJob {
	readonly id: string;
	readonly owner: JobOwner;
	readonly startedAt: Date;
	finishedAt: Date | null;
	stage: JobStage;
	/** importExtract's step in words: "reading contacts.csv", "checking referrals". */
	step: string;
	done: number;
	total: number;
	report: ImportReport | null;
	/** Resolves with the report once the job is over (and its `onEnd` has run). */
	readonly finished: Promise<ImportReport>;
}

/** What GET /api/imports/[id] answers. */
export interface JobView {
	id: string;
	stage: JobStage;
	step: string;
	done: number;
	total: number;
	started_at: string;
	finished_at: string | null;
	report: ImportReport | null;
	identifier_check: IdentifierVerdict | null;
}

/** Too many imports are running: try again shortly (503). */
export class JobsBusyError extends Error {
	constructor(running: number) {
		super(`${running} imports are running already: wait for one to finish and try again.`);
		this.name = 'JobsBusyError';
	}
}

/** The stage of one of importExtract's progress steps. */
export function stageOf(step: string): JobStage {
	if (step === 'committed' || step === 'unchanged') return 'done';
	if (step.startsWith('checking ') || step.startsWith('recomputing')) return 'import';
	return 'checks';
}

export interface JobsOptions {
	/** How long a finished job stays readable (default an hour). */
	keepMs?: number;
	/** Imports running at once (default 4: they queue on the warehouse's one writer anyway). */
	maxRunning?: number;
	now?: () => number;
}

export class ImportJobs {
	readonly #jobs = new Map<string, ImportJob>();
	readonly #keepMs: number;
	readonly #maxRunning: number;
	readonly #now: () => number;

	constructor(options: JobsOptions = {}) {
		this.#keepMs = options.keepMs ?? 3600_000;
		this.#maxRunning = options.maxRunning ?? 4;
		this.#now = options.now ?? Date.now;
	}

	/** Jobs not yet finished. */
	running(): number {
		return [...this.#jobs.values()].filter((j) => j.finishedAt === null).length;
	}

	/** Whether a job with this id is known (running or kept). */
	has(id: string): boolean {
		return this.#jobs.has(id);
	}

	/** Throws JobsBusyError when no more may start (check before reading an upload). */
	assertRoom(): void {
		this.#prune();
		const running = this.running();
		if (running >= this.#maxRunning) throw new JobsBusyError(running);
	}

	/**
	 * Starts `run` in the background as job `id`. `run` gets the progress callback; a thrown
	 * error becomes a failed report. `onEnd` (clean-up, the audit entry) runs before the job
	 * shows as done; its own failure is logged, not reported.
	 */
	start(
		id: string,
		owner: JobOwner,
		run: (onProgress: (p: ImportProgress) => void) => Promise<ImportReport>,
		onEnd: (report: ImportReport, job: ImportJob) => Promise<void> | void = () => {}
	): ImportJob {
		this.assertRoom();
		if (this.#jobs.has(id)) throw new Error(`an import job ${id} exists already`);
		let resolve!: (r: ImportReport) => void;
		const finished = new Promise<ImportReport>((r) => (resolve = r));
		const job: ImportJob = {
			id,
			owner,
			startedAt: new Date(this.#now()),
			finishedAt: null,
			stage: 'checks',
			step: 'opening the extract',
			done: 0,
			total: 0,
			report: null,
			finished
		};
		this.#jobs.set(id, job);
		const onProgress = (p: ImportProgress) => {
			if (job.finishedAt !== null) return;
			// The last steps ("committed", "unchanged") show once the job is really over.
			const stage = stageOf(p.stage);
			if (stage !== 'done') {
				job.stage = stage;
				job.step = p.stage;
			}
			job.done = Math.min(p.done, p.total);
			job.total = p.total;
		};
		void (async () => {
			let report: ImportReport;
			try {
				report = await run(onProgress);
			} catch (e) {
				report = { batch_id: null, status: 'failed', files: [], errors: [{ file: null, message: e instanceof Error ? e.message : String(e) }], retried: [] };
			}
			try {
				await onEnd(report, job);
			} catch (e) {
				console.error(`import job ${id}: after the import: ${e instanceof Error ? e.message : String(e)}`);
			}
			job.report = report;
			job.stage = 'done';
			job.step = report.status;
			if (job.total > 0) job.done = job.total;
			job.finishedAt = new Date(this.#now());
			resolve(report);
		})();
		return job;
	}

	/** The job, if `viewer` may read it (its owner, or an admin); otherwise undefined, as for no job. */
	get(id: string, viewer: { userId: string; role: Role }): ImportJob | undefined {
		this.#prune();
		const job = this.#jobs.get(id);
		if (!job) return undefined;
		return job.owner.userId === viewer.userId || viewer.role === 'admin' ? job : undefined;
	}

	#prune(): void {
		const now = this.#now();
		for (const [id, job] of this.#jobs) {
			if (job.finishedAt !== null && now - job.finishedAt.getTime() > this.#keepMs) this.#jobs.delete(id);
		}
	}
}

export function jobView(job: ImportJob): JobView {
	return {
		id: job.id,
		stage: job.stage,
		step: job.step,
		done: job.done,
		total: job.total,
		started_at: job.startedAt.toISOString(),
		finished_at: job.finishedAt?.toISOString() ?? null,
		report: job.report,
		identifier_check: job.report ? identifierVerdict(job.report) : null
	};
}

/** The server's jobs (one process). */
export const importJobs = new ImportJobs();

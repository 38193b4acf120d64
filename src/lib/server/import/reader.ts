/**
 * The import's reader: a child process (./reader-child.ts) that runs ./prepare.ts on the
 * user's files, so that no input can take this process down with it (a crash or a runaway
 * allocation ends the child, and this process reports the import as failed) and the work does
 * not block this process's event loop.
 *
 * One reader is kept warm between imports (starting one costs about a second); a reader that
 * crashed, was stopped at the time limit, or was busy when another import came is not reused.
 * Its JavaScript heap is capped (FP_IMPORT_READER_HEAP_MB, default 1024); its DuckDB has the
 * warehouse's memory limit (FP_DUCKDB_MEMORY_LIMIT), spilling to the work folder beyond it.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ImportTimeLimitError } from './failure.ts';
import type { ImportLimits } from './limits.ts';
import type { PrepareResult } from './prepare.ts';
import { ExtractError } from './source.ts';
import type { ImportProgress } from './types.ts';

export interface ReaderRequest {
	job: number;
	source: string;
	workDir: string;
	limits: ImportLimits;
}

export type ReaderReply =
	| { ready: true }
	| { job: number; progress: ImportProgress }
	/** `cpuMicros`: the reader's CPU time (user + system) for this job; `maxRssKb`: its peak memory so far (for the benchmarks). */
	| { job: number; result: PrepareResult; cpuMicros: number; maxRssKb: number };

const CHILD = path.join('src', 'lib', 'server', 'import', 'reader-child.ts');

/** The project's folder: the child's source lives there (the built server runs from it too). */
function projectRoot(): string {
	let dir = path.dirname(fileURLToPath(import.meta.url));
	for (;;) {
		if (existsSync(path.join(dir, CHILD)) && existsSync(path.join(dir, 'package.json'))) return dir;
		const up = path.dirname(dir);
		if (up === dir) return process.cwd();
		dir = up;
	}
}

function heapMb(env: NodeJS.ProcessEnv = process.env): number {
	const text = env.FP_IMPORT_READER_HEAP_MB?.trim();
	if (!text) return 1024;
	const n = Number(text);
	if (!Number.isInteger(n) || n < 128 || n > 65536) throw new Error(`FP_IMPORT_READER_HEAP_MB must be a whole number of MiB from 128 to 65536 (got "${text}")`);
	return n;
}

/** The reader stopped before answering: it crashed or was killed. */
export class ReaderStoppedError extends ExtractError {
	constructor(detail: string) {
		super(
			null,
			`the extract's reader stopped before it finished (${detail}): nothing was loaded. A file may be larger than the reader's memory allows (FP_IMPORT_READER_HEAP_MB, FP_DUCKDB_MEMORY_LIMIT)`
		);
		this.name = 'ReaderStoppedError';
	}
}

/** A reader and the promise of its first message (it listens from then on). */
interface Reader {
	child: ChildProcess;
	ready: Promise<void>;
}

let warm: Reader | null = null;
let jobs = 0;
/** Readers running a job now (for tests that stop one). */
const running = new Set<ChildProcess>();

let readerCpuMicros = 0;

let readerMaxRssKb = 0;

/** CPU time (user + system) the readers of this process have spent on finished jobs, in seconds. */
export function readerCpuSeconds(): number {
	return readerCpuMicros / 1e6;
}

/** The largest peak resident memory of this process's readers, in KiB. */
export function readerPeakRssKb(): number {
	return readerMaxRssKb;
}

/** Process ids of the readers running a job now. */
export function busyReaderPids(): number[] {
	return [...running].map((c) => c.pid).filter((p): p is number => p !== undefined);
}

function start(): Reader {
	const root = projectRoot();
	const tsx = pathToFileURL(createRequire(path.join(root, 'package.json')).resolve('tsx')).href;
	const child = fork(path.join(root, CHILD), [], {
		cwd: root,
		execArgv: [`--max-old-space-size=${heapMb()}`, '--import', tsx],
		stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
		serialization: 'json'
	});
	// A failure to start shows as the job's 'exit'.
	child.on('error', () => {});
	const ready = new Promise<void>((resolve) => {
		const first = (reply: ReaderReply) => {
			if ('ready' in reply) {
				child.off('message', first);
				resolve();
			}
		};
		child.on('message', first);
		child.once('exit', () => resolve());
	});
	return { child, ready };
}

function idle(child: ChildProcess): void {
	child.unref();
	(child.channel as { unref?: () => void } | undefined)?.unref?.();
}

function busy(child: ChildProcess): void {
	child.ref();
	(child.channel as { ref?: () => void } | undefined)?.ref?.();
}

const alive = (r: Reader | null): r is Reader => r !== null && r.child.exitCode === null && r.child.signalCode === null && r.child.connected;

/**
 * Runs prepareExtract in a reader. Rejects with ImportTimeLimitError at `deadline` (the reader
 * is killed) and ReaderStoppedError if it stops; resolves with its result otherwise.
 */
export async function readInChild(
	request: Omit<ReaderRequest, 'job'>,
	onProgress: (p: ImportProgress) => void,
	deadline: number
): Promise<PrepareResult> {
	const reader = alive(warm) ? warm : start();
	warm = null;
	const { child } = reader;
	busy(child);
	const job = ++jobs;
	return new Promise<PrepareResult>((resolve, reject) => {
		let settled = false;
		const finish = (fn: () => void) => {
			if (settled) return;
			settled = true;
			clearTimeout(timer);
			running.delete(child);
			child.off('message', onMessage);
			child.off('exit', onExit);
			fn();
		};
		const onMessage = (reply: ReaderReply) => {
			if ('progress' in reply && reply.job === job) onProgress(reply.progress);
			else if ('result' in reply && reply.job === job) {
				finish(() => {
					readerCpuMicros += reply.cpuMicros;
					readerMaxRssKb = Math.max(readerMaxRssKb, reply.maxRssKb);
					if (alive(warm)) warm.child.kill('SIGKILL');
					warm = reader;
					idle(child);
					resolve(reply.result);
				});
			}
		};
		const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
			finish(() => reject(new ReaderStoppedError(signal ? `it was stopped by ${signal}` : `it exited with status ${code}`)));
		const timer = setTimeout(
			() =>
				finish(() => {
					child.kill('SIGKILL');
					reject(new ImportTimeLimitError(request.limits.timeLimitMs));
				}),
			Math.max(0, deadline - Date.now())
		);
		child.on('message', onMessage);
		child.on('exit', onExit);
		running.add(child);
		if (!alive(reader)) return onExit(child.exitCode, child.signalCode);
		void reader.ready.then(() => {
			if (!settled && alive(reader)) child.send({ ...request, job } satisfies ReaderRequest);
		});
	});
}

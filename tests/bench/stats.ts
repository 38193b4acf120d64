/**
 * The bench's small helpers: percentiles, a clock of wall and CPU time, progress lines and
 * the machine's description.
 */
import { cpus, loadavg, totalmem } from 'node:os';
import { duckDbLimits } from '../../src/lib/server/warehouse/warehouse.ts';

/** The p-th percentile (0–100) of `xs` by the nearest rank; NaN for none. */
export function percentile(xs: readonly number[], p: number): number {
	const sorted = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
	if (sorted.length === 0) return NaN;
	const rank = Math.ceil((p / 100) * sorted.length);
	return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export const median = (xs: readonly number[]) => percentile(xs, 50);

/** Wall and CPU milliseconds of one call. CPU is this process's (user + system: DuckDB's threads included). */
export interface Timing {
	wallMs: number;
	cpuMs: number;
}

/** Runs `fn` and answers its result with the wall and CPU time it took. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ result: T } & Timing> {
	const cpu = process.cpuUsage();
	const start = performance.now();
	const result = await fn();
	const wallMs = performance.now() - start;
	const used = process.cpuUsage(cpu);
	return { result, wallMs, cpuMs: (used.user + used.system) / 1000 };
}

const started = performance.now();

/** Seconds since the bench started. */
export const elapsed = () => (performance.now() - started) / 1000;

/** A progress line on stderr with the seconds since the start, so that a person sees the bench is alive (stdout holds the report). */
export function progress(line: string): void {
	process.stderr.write(`bench [${elapsed().toFixed(0).padStart(4)} s]: ${line}\n`);
}

/** A number for a table: fixed decimals, '–' for none. */
export function fixed(x: number | null | undefined, digits = 0): string {
	return x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(digits);
}

/** A whole number with thousands separators. */
export const grouped = (n: number) => Math.round(n).toLocaleString('en-GB');

export interface Machine {
	cores: number;
	model: string;
	memory_gib: number;
	node: string;
	duckdb: { memory_limit: string; threads: number };
	loadavg_before: number[];
	loadavg_after?: number[];
}

/** The machine the figures were measured on (load average now; the caller adds it again at the end). */
export function machine(): Machine {
	const limits = duckDbLimits();
	return {
		cores: cpus().length,
		model: cpus()[0]?.model.trim() ?? 'unknown',
		memory_gib: Math.round((totalmem() / 2 ** 30) * 10) / 10,
		node: process.version,
		duckdb: { memory_limit: limits.memoryLimit, threads: limits.threads },
		loadavg_before: loadavg().map((x) => Math.round(x * 100) / 100)
	};
}

/** Something that failed while measuring: printed at once, listed in the report, and the bench exits 1. */
export interface BenchError {
	phase: string;
	page: string;
	filters: string;
	message: string;
}

/** Makes an error of a phase (printing it at once on stderr), with the start of what it concerns (a statement, a body). */
export function benchError(phase: string, page: string, filters: string, e: unknown, detail?: string): BenchError {
	const text = e instanceof Error ? e.message : String(e);
	const message = detail ? `${text} (${detail.replace(/\s+/g, ' ').slice(0, 200)})` : text;
	process.stderr.write(`bench: ERROR ${phase}, ${page} (${filters}): ${message}\n`);
	return { phase, page, filters, message };
}

/**
 * The pages over HTTP, through the built server (build/index.js) serving the tier's warehouse
 * (the server holds it alone: one process per warehouse file), signed in as the bench's viewer.
 *
 * - Cold: for each page, a fresh server, a sign-in, then the first request of that page (the
 *   first filter set: the last 12 months, no filter), timed; the server is stopped (SIGTERM,
 *   waiting for its exit). Both ways: as deployed, the server computing the figures its first
 *   visitors ask for in the background from its start (src/lib/server/dashboard/warm.ts), and
 *   with that off (FP_WARM=off), what a page costs with nothing computed ahead.
 * - Warm: one server, warmed with one request of each page under WARM_UP; then, for each filter
 *   set, each page once (so no page is asked the same filters twice), timed; then the server's
 *   resident memory; then a few (page, filter set) pairs asked a second time ("repeat").
 *
 * Each request is timed to its full body (wall ms), and the server process's CPU over it is
 * read from /proc/<pid>/stat (utime + stime, in clock ticks: DuckDB's threads included). A
 * status other than 200 is an error (printed with the body's start), never a timed sample.
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { freePort, httpSignIn, startBuiltServer } from '../browser/global-setup.ts';
import { BENCH_ACCOUNT } from './prepare.ts';
import { labelOf, searchOf, WARM_UP, type BenchPage, type FilterSet } from './pages.ts';
import { benchError, median, progress, type BenchError } from './stats.ts';

export interface HttpSample {
	wallMs: number;
	/** The server's CPU over the request; a multiple of the clock tick (10 ms at 100 Hz). */
	cpuMs: number;
}

export interface HttpResult {
	/** Per page path: the warm samples (one per filter set that answered 200), and the cold times (as deployed, and FP_WARM=off). */
	warm: Map<string, HttpSample[]>;
	cold: Map<string, number>;
	coldNoWarm: Map<string, number>;
	/** The warm server's resident memory after every page at every filter set, MiB. */
	serverRssMb: number;
	/** The pairs asked again and their times. */
	repeat: { page: string; filters: string; wallMs: number }[];
	repeatP50Ms: number;
	clockTicks: number;
	/** Wall seconds of the cold part and of the warm part (warm-up and repeats included). */
	seconds: { cold: number; warm: number };
	errors: BenchError[];
}

/** Clock ticks a second (`getconf CLK_TCK`), by which /proc counts CPU time. */
function clockTicks(): number {
	try {
		const n = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
		return Number.isInteger(n) && n > 0 ? n : 100;
	} catch {
		return 100;
	}
}

/** A process's CPU time (user + system, every thread), in ticks: /proc/<pid>/stat fields 14 and 15. */
function cpuTicks(pid: number): number {
	const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
	// The command name (field 2) is in parentheses and may hold spaces: count from after it (field 3 on).
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	return Number(fields[14 - 3]) + Number(fields[15 - 3]);
}

/** A process's resident memory (VmRSS of /proc/<pid>/status), MiB. */
function rssMb(pid: number): number {
	const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
	return kb ? Math.round(Number(kb) / 1024) : NaN;
}

interface Running {
	server: ChildProcess;
	pid: number;
	baseURL: string;
	cookie: string;
}

/**
 * The server's environment: as deployed (FP_WARM unset, whatever the bench's own environment
 * says), or without the figures computed ahead.
 */
const AS_DEPLOYED = { FP_WARM: '' };
const NO_WARM = { FP_WARM: 'off' };

/** Starts the built server on a free port and signs the bench's viewer in. */
async function start(db: string, env: Record<string, string> = AS_DEPLOYED): Promise<Running> {
	const { server, baseURL } = await startBuiltServer(db, await freePort(), env);
	try {
		const cookie = await httpSignIn(baseURL, BENCH_ACCOUNT);
		return { server, pid: server.pid!, baseURL, cookie };
	} catch (e) {
		await stop(server);
		throw e;
	}
}

/** Stops a server (SIGTERM) and waits for it to exit (SIGKILL after 15 s), so that the warehouse is free again. */
async function stop(server: ChildProcess): Promise<void> {
	if (server.exitCode !== null || server.signalCode !== null) return;
	const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
	server.kill('SIGTERM');
	const timer = setTimeout(() => {
		progress(`the server (PID ${server.pid}) did not stop in 15 s after SIGTERM: killing it`);
		server.kill('SIGKILL');
	}, 15_000);
	await exited;
	clearTimeout(timer);
}

/** The page's URL for a filter set: the filters as query parameters. */
const urlOf = (baseURL: string, page: BenchPage, f: FilterSet) => `${baseURL}${page.path}?${searchOf(f).toString()}`;

/** One request, timed to its full body; throws (with the body's start) unless it answers 200. */
async function request(s: Running, page: BenchPage, f: FilterSet, ticks: number): Promise<HttpSample> {
	const cpu = cpuTicks(s.pid);
	const t = performance.now();
	const response = await fetch(urlOf(s.baseURL, page, f), { headers: { cookie: s.cookie }, redirect: 'manual' });
	const body = await response.text();
	const wallMs = performance.now() - t;
	const cpuMs = ((cpuTicks(s.pid) - cpu) * 1000) / ticks;
	if (response.status !== 200) {
		const location = response.headers.get('location');
		throw new Error(`HTTP ${response.status}${location ? ` to ${location}` : ''}: ${body.replace(/\s+/g, ' ').slice(0, 300)}`);
	}
	return { wallMs, cpuMs };
}

/** Cold, warm and repeat measurements of every page (see the module's notes). */
export async function measureHttp(db: string, pages: readonly BenchPage[], filterSets: readonly FilterSet[]): Promise<HttpResult> {
	const ticks = clockTicks();
	const errors: BenchError[] = [];
	const cold = new Map<string, number>();
	const coldNoWarm = new Map<string, number>();
	const warm = new Map<string, HttpSample[]>(pages.map((p) => [p.path, []]));

	// Cold: a fresh server per page and way, its first request.
	const coldStart = performance.now();
	for (const [i, page] of pages.entries()) {
		progress(`HTTP cold ${i + 1}/${pages.length}: ${page.path}`);
		for (const [times, env, phase] of [
			[cold, AS_DEPLOYED, 'HTTP cold'],
			[coldNoWarm, NO_WARM, 'HTTP cold, FP_WARM=off']
		] as const) {
			const s = await start(db, env);
			try {
				times.set(page.path, (await request(s, page, filterSets[0], ticks)).wallMs);
			} catch (e) {
				errors.push(benchError(phase, page.path, labelOf(filterSets[0]), e));
			} finally {
				await stop(s.server);
			}
		}
	}

	// Warm: one server for everything else.
	const warmStart = performance.now();
	const s = await start(db);
	let serverRssMb = NaN;
	const repeat: HttpResult['repeat'] = [];
	try {
		progress(`HTTP warm: warming up (${pages.length} pages, ${labelOf(WARM_UP)})`);
		for (const page of pages) {
			try {
				await request(s, page, WARM_UP, ticks);
			} catch (e) {
				errors.push(benchError('HTTP warm-up', page.path, labelOf(WARM_UP), e));
			}
		}
		for (const [i, f] of filterSets.entries()) {
			progress(`HTTP warm: filter set ${i + 1}/${filterSets.length} (${labelOf(f)})`);
			for (const page of pages) {
				try {
					warm.get(page.path)!.push(await request(s, page, f, ticks));
				} catch (e) {
					errors.push(benchError('HTTP warm', page.path, labelOf(f), e));
				}
			}
		}
		serverRssMb = rssMb(s.pid);

		// Repeat: five pairs already asked, asked again (what a figure cache would answer from memory).
		progress('HTTP warm: repeats');
		for (let i = 0; i < 5; i++) {
			const page = pages[(i * 7) % pages.length];
			const f = filterSets[i % filterSets.length];
			try {
				repeat.push({ page: page.path, filters: labelOf(f), wallMs: Math.round((await request(s, page, f, ticks)).wallMs * 100) / 100 });
			} catch (e) {
				errors.push(benchError('HTTP repeat', page.path, labelOf(f), e));
			}
		}
	} finally {
		await stop(s.server);
	}
	const seconds = { cold: (warmStart - coldStart) / 1000, warm: (performance.now() - warmStart) / 1000 };
	return { warm, cold, coldNoWarm, serverRssMb, repeat, repeatP50Ms: median(repeat.map((r) => r.wallMs)), clockTicks: ticks, seconds, errors };
}

/**
 * `npm run soak`: the built server on a bad day, on the loopback interface only, bounded in time.
 * Not part of `npm test` (it takes a few minutes and both cores); figures and the machine they
 * were measured on live in docs/performance.md ("Soak").
 *
 * 1. **load**: SOAK_CLIENTS (50) signed-in clients (viewers, leads and auditors) loop over the
 *    dashboard's pages and API with a few filter variations for SOAK_SECONDS (60), while an
 *    analyst uploads a generated extract (`cli generate --children SOAK_IMPORT_CHILDREN`,
 *    default 20,000, zipped) through POST /api/imports and polls GET /api/imports/<id> until it
 *    is done, back to back until the time is up (the first upload after SOAK_IMPORT_DELAY_S,
 *    default 10, so that the same load is measured without an import too). Latencies by page
 *    and by what the import was doing when the request started (uploading, checks, import).
 * 2. **disk**: the staging directory (`<warehouse>.staging`) on a tmpfs of SOAK_DISK_MB (64):
 *    (a) a zip that fits but unpacks beyond it, (b) the same extract's files uploaded one by one,
 *    which do not fit at all. Each must fail with a message that says so, the server must stay up
 *    and the warehouse's data must be unchanged (per-table counts and checksums, read with the
 *    server stopped); space the server still holds afterwards is reported.
 * 3. **kill**: SIGKILL the server (a) in the middle of an upload (paced at SOAK_KILL_MBPS, 4 MB/s,
 *    so that the kill lands in it) and (b) during an import's import stage; restart it on the
 *    same file: it must start and serve with the data unchanged; what is left in the staging
 *    directory is reported.
 *
 * SOAK_PHASES=load,disk,kill chooses phases. SOAK_KEEP=1 keeps the work folder. Exit status 1
 * when a request of the load failed or a phase's check did not hold.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statfsSync, statSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import yazl from 'yazl';
import { root } from '../../scripts/build-if-needed.js';
import type { Role } from '../../src/lib/server/auth/roles.ts';
import type { TestAccount } from '../browser/accounts.ts';
import { createAccounts, freePort, httpSignIn, makeDemoWarehouse, runCli, startBuiltServer } from '../browser/global-setup.ts';
import { prng } from '../../src/lib/server/testing/random.ts';

// ---------------------------------------------------------------------------------------------
// Configuration

const num = (name: string, fallback: number) => {
	const text = process.env[name]?.trim();
	if (!text) return fallback;
	const n = Number(text);
	if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a number (got "${text}")`);
	return n;
};
const config = {
	clients: num('SOAK_CLIENTS', 50),
	seconds: num('SOAK_SECONDS', 60),
	demoChildren: num('SOAK_DEMO_CHILDREN', 3000),
	importChildren: num('SOAK_IMPORT_CHILDREN', 20_000),
	importDelaySeconds: num('SOAK_IMPORT_DELAY_S', 10),
	requestTimeoutSeconds: num('SOAK_REQUEST_TIMEOUT_S', 120),
	importTimeoutSeconds: num('SOAK_IMPORT_TIMEOUT_S', 600),
	diskMb: num('SOAK_DISK_MB', 64),
	killMbps: num('SOAK_KILL_MBPS', 4),
	/** How the analyst uploads during the load: one .zip (default) or the extract's files. */
	uploadAs: process.env.SOAK_UPLOAD === 'files' ? ('files' as const) : ('zip' as const),
	phases: new Set((process.env.SOAK_PHASES ?? 'load,disk,kill').split(',').map((s) => s.trim())),
	keep: process.env.SOAK_KEEP === '1'
};
const uploadLimitMb = Number(process.env.FP_UPLOAD_LIMIT_MB ?? 200);
/** As scripts/start.js sets it. */
const bodySizeLimit = process.env.BODY_SIZE_LIMIT ?? `${uploadLimitMb + 1}M`;
/** Passwords must not hold the email's name: the name reversed, as the browser tests' accounts do. */
const PASSWORD = (name: string) => `${name.split('').reverse().join('')}: a slow walk past the quiet harbour at dusk`;

// ---------------------------------------------------------------------------------------------
// Small helpers

const started = performance.now();
const log = (m: string) => process.stderr.write(`[soak ${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${m}\n`);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

/** Rejects when `promise` has not settled within `seconds` (a stuck step ends the soak). */
async function within<T>(seconds: number, what: string, promise: Promise<T>): Promise<T> {
	let timer: NodeJS.Timeout | undefined;
	const timeout = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new Error(`${what}: no answer in ${seconds} s`)), seconds * 1000);
	});
	try {
		return await Promise.race([promise, timeout]);
	} finally {
		clearTimeout(timer);
	}
}

function percentile(sorted: number[], p: number): number {
	if (sorted.length === 0) return NaN;
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/**
 * CPU seconds (user and system) a process has used so far, from /proc (0 where there is no
 * /proc); with `thread`, that thread's alone (the process id is its main thread's: Node's
 * JavaScript thread).
 */
function processCpuSeconds(pid: number | undefined, thread?: number): number {
	if (!pid) return 0;
	try {
		const stat = readFileSync(thread ? `/proc/${pid}/task/${thread}/stat` : `/proc/${pid}/stat`, 'utf8');
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		// utime and stime are fields 14 and 15 of stat(5), in clock ticks (100 a second on Linux).
		return (Number(fields[11]) + Number(fields[12])) / 100;
	} catch {
		return 0;
	}
}

/** Core-seconds the whole machine has been busy so far (/proc/stat: all but idle and iowait). */
function machineBusySeconds(): number {
	try {
		const [, ...f] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
		const [user, nice, system, , , irq, softirq, steal] = f;
		return (user + nice + system + irq + softirq + steal) / 100;
	} catch {
		return 0;
	}
}

function duSize(dir: string): number {
	if (!existsSync(dir)) return 0;
	const s = statSync(dir);
	if (!s.isDirectory()) return s.size;
	return readdirSync(dir).reduce((n, e) => n + duSize(path.join(dir, e)), 0);
}

/** What a folder holds, one entry per top-level file or folder, with its files and size (for the staging directory). */
function listTree(dir: string): string[] {
	if (!existsSync(dir)) return [];
	const count = (p: string): number => (statSync(p).isDirectory() ? readdirSync(p).reduce((n, e) => n + count(path.join(p, e)), 0) : 1);
	return readdirSync(dir, { withFileTypes: true })
		.sort((a, b) => a.name.localeCompare(b.name))
		.map((e) => {
			const p = path.join(dir, e.name);
			if (!e.isDirectory()) return `${e.name} (${mb(statSync(p).size)})`;
			const n = count(p);
			return `${e.name}/ (${n === 0 ? 'empty' : `${n} file${n === 1 ? '' : 's'}, ${mb(duSize(p))}`})`;
		});
}

// ---------------------------------------------------------------------------------------------
// The work folder, the server and clean-up on any exit

const work = mkdtempSync(path.join(tmpdir(), 'fp-soak-'));
const db = path.join(work, 'soak.duckdb');
const staging = `${db}.staging`;
let server: ChildProcess | undefined;
let mounted: string | undefined;

const sleepSync = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** Unmounts the tmpfs; a server just killed may hold it a moment longer: retry, then detach it lazily. */
function unmount(): void {
	if (!mounted) return;
	let r = spawnSync('umount', [mounted], { encoding: 'utf8' });
	for (let i = 0; r.status !== 0 && i < 20; i++) {
		sleepSync(250);
		r = spawnSync('umount', [mounted], { encoding: 'utf8' });
	}
	if (r.status !== 0) r = spawnSync('umount', ['-l', mounted], { encoding: 'utf8' });
	if (r.status !== 0) log(`umount ${mounted} failed: ${r.stderr.trim()}`);
	else mounted = undefined;
}

/** Synchronous, for signal handlers too: kills the server, unmounts, removes the work folder. */
function cleanUpNow(): void {
	if (server && server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
	unmount();
	if (config.keep) {
		log(`kept ${work}`);
		return;
	}
	try {
		rmSync(work, { recursive: true, force: true, maxRetries: 5 });
	} catch (e) {
		log(`could not remove ${work}: ${(e as Error).message}`);
	}
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
	process.on(signal, () => {
		log(`${signal}: stopping`);
		cleanUpNow();
		process.exit(130);
	});
}

async function startServer(): Promise<string> {
	const port = await freePort();
	const s = await startBuiltServer(db, port, { BODY_SIZE_LIMIT: bodySizeLimit, FP_UPLOAD_LIMIT_MB: String(uploadLimitMb) });
	server = s.server;
	log(`server PID ${server.pid} on ${s.baseURL}`);
	return s.baseURL;
}

/** Stops the server with SIGTERM (SIGKILL after 15 s) and waits for it to exit. */
async function stopServer(): Promise<void> {
	const s = server;
	if (!s || s.exitCode !== null || s.signalCode !== null) return;
	const exited = new Promise<void>((r) => s.once('exit', () => r()));
	s.kill('SIGTERM');
	const timer = setTimeout(() => s.kill('SIGKILL'), 15_000);
	await exited;
	clearTimeout(timer);
}

async function killServer(): Promise<void> {
	const s = server;
	if (!s || s.exitCode !== null || s.signalCode !== null) return;
	const exited = new Promise<void>((r) => s.once('exit', () => r()));
	s.kill('SIGKILL');
	await within(10, 'SIGKILL', exited);
}

// ---------------------------------------------------------------------------------------------
// The warehouse, read on the command-line side with the server stopped

interface TableState {
	rows: number;
	checksum: string;
}
type Snapshot = Record<string, TableState>;
/** Tables the server writes as people sign in and act (not data): reported, not compared. */
const BOOKKEEPING = new Set(['sessions', 'users', 'reset_tokens', 'audit_log', 'meta']);

async function readOnly<T>(fn: (run: (sql: string) => Promise<Record<string, unknown>[]>) => Promise<T>): Promise<T> {
	const instance = await DuckDBInstance.create(db, { access_mode: 'READ_ONLY' });
	try {
		const conn = await instance.connect();
		try {
			return await fn(async (sql) => (await conn.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[]);
		} finally {
			conn.closeSync();
		}
	} finally {
		instance.closeSync();
	}
}

/** Every table's row count and an order-free checksum (the sum of its rows' hashes). */
function snapshot(): Promise<Snapshot> {
	return readOnly(async (run) => {
		const tables = (await run(`SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' ORDER BY table_name`)).map((r) => String(r.table_name));
		const out: Snapshot = {};
		for (const t of tables) {
			const [row] = await run(`SELECT count(*)::BIGINT AS n, coalesce(sum(hash(t))::VARCHAR, '0') AS h FROM "${t.replaceAll('"', '""')}" t`);
			out[t] = { rows: Number(row.n), checksum: String(row.h) };
		}
		return out;
	});
}

async function auditActionsSince(seq: number): Promise<string[]> {
	return readOnly(async (run) =>
		(await run(`SELECT action, details::VARCHAR AS details FROM audit_log WHERE seq > ${seq} ORDER BY seq`)).map((r) => {
			let status = '';
			try {
				const d = JSON.parse(String(r.details)) as Record<string, unknown>;
				if (d.status) status = ` (${String(d.status)})`;
			} catch {
				// details not JSON: the action alone
			}
			return `${String(r.action)}${status}`;
		})
	);
}

const lastAuditSeq = () => readOnly(async (run) => Number((await run(`SELECT coalesce(max(seq), 0)::BIGINT AS s FROM audit_log`))[0].s));

interface Comparison {
	unchanged: boolean;
	dataTables: number;
	changed: string[];
	bookkeeping: string[];
}

function compare(before: Snapshot, after: Snapshot): Comparison {
	const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
	const changed: string[] = [];
	const bookkeeping: string[] = [];
	for (const t of names) {
		const a = before[t];
		const b = after[t];
		const same = a && b && a.rows === b.rows && a.checksum === b.checksum;
		if (same) continue;
		const what = !a ? 'new table' : !b ? 'table gone' : a.rows === b.rows ? `${a.rows} rows, content changed` : `${a.rows} → ${b.rows} rows`;
		(BOOKKEEPING.has(t) ? bookkeeping : changed).push(`${t}: ${what}`);
	}
	return { unchanged: changed.length === 0, dataTables: names.filter((t) => !BOOKKEEPING.has(t)).length, changed, bookkeeping };
}

// ---------------------------------------------------------------------------------------------
// Extracts to upload

interface Extract {
	zip: string;
	/** The extract's files, when kept (to upload them one by one). */
	files?: string[];
	zipBytes: number;
	unpackedBytes: number;
	children: number;
}

/**
 * Generates an extract (`cli generate`) and zips it, `variants` times: variant k's manifest.json
 * ends in k more newlines, so that each is a new batch to the warehouse (an import of the same
 * bytes again is `unchanged` after its checks) with the same rows: a supplier sending again.
 */
async function makeExtracts(name: string, children: number, seed: number, variants = 1, keepFiles = false): Promise<Extract[]> {
	const out = path.join(work, name);
	runCli(['generate', '--out', out, '--children', String(children), '--seed', String(seed), '--end', '2026-03-31']);
	const dir = path.join(out, 'extract');
	const files = readdirSync(dir).sort();
	const unpackedBytes = files.reduce((n, f) => n + statSync(path.join(dir, f)).size, 0);
	const manifest = readFileSync(path.join(dir, 'manifest.json'));
	const extracts: Extract[] = [];
	for (let k = 0; k < variants; k++) {
		const zipFile = new yazl.ZipFile();
		for (const f of files) {
			if (f === 'manifest.json') zipFile.addBuffer(Buffer.concat([manifest, Buffer.from('\n'.repeat(k))]), f);
			else zipFile.addFile(path.join(dir, f), f);
		}
		zipFile.end();
		const zip = path.join(work, variants > 1 ? `${name}-${k + 1}.zip` : `${name}.zip`);
		await pipeline(zipFile.outputStream, createWriteStream(zip));
		extracts.push({ zip, zipBytes: statSync(zip).size, unpackedBytes: unpackedBytes + k, children });
	}
	if (keepFiles) extracts[0].files = files.map((f) => path.join(dir, f));
	else rmSync(out, { recursive: true, force: true });
	log(`extract ${name}: ${children} children, zip ${mb(extracts[0].zipBytes)}, unpacks to ${mb(unpackedBytes)}${variants > 1 ? `, ${variants} variants` : ''}`);
	return extracts;
}

/**
 * POST /api/imports (multipart, field `files`) with one .zip or the extract's files, streamed
 * from disk. `pace` sends at that many bytes a second; `onHalf` is called once half the bytes
 * of the files are sent.
 */
function upload(
	baseURL: string,
	cookie: string,
	source: string | string[],
	options: { pace?: number; onHalf?: () => void; timeoutSeconds?: number } = {}
): Promise<{ status: number; body: string }> {
	const files = typeof source === 'string' ? [source] : source;
	const boundary = `----soak${Math.random().toString(16).slice(2)}`;
	const heads = files.map((f) =>
		Buffer.from(
			`--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="${path.basename(f)}"\r\nContent-Type: ${f.endsWith('.zip') ? 'application/zip' : 'application/octet-stream'}\r\n\r\n`
		)
	);
	const crlf = Buffer.from('\r\n');
	const tail = Buffer.from(`--${boundary}--\r\n`);
	const sizes = files.map((f) => statSync(f).size);
	const size = sizes.reduce((a, b) => a + b, 0);
	const length = heads.reduce((n, h) => n + h.length + crlf.length, 0) + size + tail.length;
	return new Promise((resolve, reject) => {
		const req = httpRequest(new URL('/api/imports', baseURL), {
			method: 'POST',
			headers: {
				origin: baseURL,
				cookie,
				accept: 'application/json',
				'content-type': `multipart/form-data; boundary=${boundary}`,
				'content-length': String(length)
			},
			timeout: (options.timeoutSeconds ?? config.requestTimeoutSeconds) * 1000
		});
		const closed = new Promise<void>((r) => req.once('close', () => r()));
		req.on('timeout', () => req.destroy(new Error('upload timed out')));
		req.on('error', reject);
		req.on('response', (res) => {
			let body = '';
			res.setEncoding('utf8');
			res.on('data', (d: string) => (body += d));
			res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
			res.on('error', reject);
		});
		/** Writes with back-pressure; false once the request is gone (the server answered early, or died). */
		const write = async (chunk: Buffer): Promise<boolean> => {
			if (req.destroyed || req.writableEnded) return false;
			if (req.write(chunk)) return true;
			await Promise.race([new Promise<void>((r) => req.once('drain', () => r())), closed]);
			return !req.destroyed;
		};
		void (async () => {
			let sent = 0;
			let halfCalled = false;
			const t0 = performance.now();
			for (const [i, f] of files.entries()) {
				if (!(await write(heads[i]))) return;
				const stream = createReadStream(f, { highWaterMark: 256 * 1024 });
				try {
					for await (const chunk of stream) {
						if (!(await write(chunk as Buffer))) return;
						sent += (chunk as Buffer).length;
						if (!halfCalled && options.onHalf && sent >= size / 2) {
							halfCalled = true;
							options.onHalf();
						}
						const ahead = options.pace ? (sent / options.pace) * 1000 - (performance.now() - t0) : 0;
						if (ahead > 0) await sleep(ahead);
					}
				} finally {
					stream.destroy();
				}
				if (!(await write(crlf))) return;
			}
			if (!req.destroyed) req.end(tail);
		})().catch((e: Error) => req.destroy(e));
	});
}

interface JobView {
	stage: 'checks' | 'import' | 'done';
	step: string;
	done: number;
	total: number;
	report: { status: string; errors: { file: string | null; message: string }[]; files: { rows_loaded: number; rows_replaced: number }[] } | null;
	identifier_check: string | null;
}

// ---------------------------------------------------------------------------------------------
// Timed requests

interface Sample {
	label: string;
	/** Milliseconds since the load began. */
	at: number;
	ms: number;
	ok: boolean;
	/** For an error: status or the network error's code. */
	error?: string;
}

async function timedGet(baseURL: string, pathAndQuery: string, cookie: string, label: string, t0: number): Promise<Sample & { body?: string }> {
	const at = performance.now();
	try {
		const res = await fetch(`${baseURL}${pathAndQuery}`, {
			headers: { cookie, accept: label.startsWith('/api') || label.startsWith('poll') ? 'application/json' : 'text/html' },
			redirect: 'manual',
			signal: AbortSignal.timeout(config.requestTimeoutSeconds * 1000)
		});
		const body = await res.text();
		const ms = performance.now() - at;
		const location = res.headers.get('location') ?? '';
		// A redirect to the sign-in page means the session was lost: that is an error too.
		const ok = (res.status >= 200 && res.status < 300) || (res.status >= 300 && res.status < 400 && !location.startsWith('/login'));
		return { label, at: at - t0, ms, ok, ...(ok ? {} : { error: `HTTP ${res.status}${location ? ` → ${location.split('?')[0]}` : ''}` }), body };
	} catch (e) {
		const err = e as Error & { cause?: { code?: string } };
		const code = err.name === 'TimeoutError' ? `timeout ${config.requestTimeoutSeconds} s` : (err.cause?.code ?? err.name ?? 'error');
		return { label, at: at - t0, ms: performance.now() - at, ok: false, error: code };
	}
}

// ---------------------------------------------------------------------------------------------
// Accounts and sign-in

interface People {
	clients: { account: TestAccount; cookie?: string }[];
	analyst: TestAccount;
	analystCookie?: string;
}

async function makePeople(): Promise<People> {
	const roles: Role[] = ['viewer', 'lead', 'auditor'];
	const wanted: Record<string, TestAccount> = {};
	for (let i = 0; i < Math.max(1, config.clients); i++) {
		const name = `soak-client-${String(i + 1).padStart(3, '0')}`;
		wanted[name] = { email: `${name}@soak.invalid`, role: roles[i % roles.length], password: PASSWORD(name), secondFactor: false };
	}
	wanted.analyst = { email: 'soak-analyst@soak.invalid', role: 'analyst', password: PASSWORD('soak-analyst'), secondFactor: true };
	const made = await createAccounts(db, wanted);
	const { analyst, ...clients } = made;
	return { clients: Object.values(clients).map((account) => ({ account })), analyst };
}

async function signInAll(baseURL: string, people: People, clients: number): Promise<void> {
	for (const c of people.clients.slice(0, clients)) c.cookie ??= await within(60, `sign-in of ${c.account.email}`, httpSignIn(baseURL, c.account));
	// The analyst signs in once: a second-factor code is accepted once, and the session outlives restarts.
	people.analystCookie ??= await within(60, 'sign-in of the analyst', httpSignIn(baseURL, people.analyst));
}

// ---------------------------------------------------------------------------------------------
// Phase 1: load

interface ImportRun {
	n: number;
	extract: string;
	uploadStart: number;
	uploadEnd: number;
	importStart: number | null;
	end: number | null;
	status: string;
	message: string;
	rows?: string;
	polls: number;
	/** Each step as first seen by polling, with when (ms since the load began). */
	steps: { step: string; at: number }[];
}

interface LoadResult {
	/** CPU seconds used during the load by the server and by this process (the clients). */
	cpu: { server: number; serverMain: number; clients: number; machine: number };
	/** The machine's 1-minute load average just before the load (other work on the shared machine shows here). */
	loadBefore: number;
	samples: Sample[];
	polls: Sample[];
	uploads: Sample[];
	imports: ImportRun[];
	seconds: number;
	ok: boolean;
}

function routesFor(areas: string[], agencies: string[]): { label: string; url: string }[] {
	const filters = ['', '?period=fy:2024', '?period=q:2025-Q4', `?area=${areas[0]}`, `?agency=${agencies[0]}`, '?period=custom&from=2024-01-01&to=2025-12-31'];
	const pages = ['/', '/need', '/response', '/escalation', '/audits', '/data'];
	const metrics = ['referrals_per_10k', 'assessment_45wd_pct', 'escalations_per_100_referrals', 'audits_good_or_better_pct'];
	const routes: { label: string; url: string }[] = [];
	for (const [i, f] of filters.entries()) {
		for (const p of pages) routes.push({ label: p, url: `${p}${f}` });
		routes.push({ label: '/metrics/[key]', url: `/metrics/${metrics[i % metrics.length]}${f}` });
		routes.push({ label: '/api/metrics', url: `/api/metrics${f}` });
	}
	routes.push({ label: '/api/metrics', url: '/api/metrics?by=month' });
	routes.push({ label: '/api/metrics', url: `/api/metrics?by=area&period=fy:2024` });
	routes.push({ label: '/metrics/[key]', url: `/metrics/re_referrals_12m_pct?area=${areas[1] ?? areas[0]}` });
	return routes;
}

async function runLoad(baseURL: string, people: People, extracts: Extract[], areas: string[], agencies: string[]): Promise<LoadResult> {
	const routes = routesFor(areas, agencies);
	const clients = people.clients.slice(0, config.clients);
	// Warm-up: each route once, by one client, not counted.
	for (const r of routes) await timedGet(baseURL, r.url, clients[0].cookie!, r.label, 0);
	log(`load: ${clients.length} clients × ${routes.length} routes in rotation for ${config.seconds} s; ${config.importDelaySeconds < config.seconds ? `imports from ${config.importDelaySeconds} s` : 'no import'}`);
	const loadBefore = loadavg()[0];
	const serverCpu0 = processCpuSeconds(server?.pid);
	const serverMain0 = processCpuSeconds(server?.pid, server?.pid);
	const machine0 = machineBusySeconds();
	const clientCpu0 = process.cpuUsage();
	const t0 = performance.now();
	const deadline = t0 + config.seconds * 1000;
	const samples: Sample[] = [];
	const polls: Sample[] = [];
	const uploads: Sample[] = [];
	const imports: ImportRun[] = [];
	const since = () => performance.now() - t0;

	const client = async (index: number, cookie: string) => {
		const random = prng(index + 1); // each client's order the same from run to run
		const order = routes.map((r) => ({ r, k: random() })).sort((a, b) => a.k - b.k).map((x) => x.r);
		let i = 0;
		// Clients start spread over the first second.
		await sleep(random() * 1000);
		while (performance.now() < deadline) {
			const r = order[i++ % order.length];
			const s = await timedGet(baseURL, r.url, cookie, r.label, t0);
			delete s.body;
			samples.push(s);
		}
	};

	const importer = async () => {
		// SOAK_IMPORT_DELAY_S at or beyond SOAK_SECONDS: no import (the load alone).
		if (config.importDelaySeconds >= config.seconds) return;
		await sleep(config.importDelaySeconds * 1000);
		let n = 0;
		while (performance.now() < deadline) {
			const extract = extracts[n % extracts.length];
			const run: ImportRun = {
				n: n + 1,
				extract: path.basename(extract.zip),
				uploadStart: since(),
				uploadEnd: NaN,
				importStart: null,
				end: null,
				status: '',
				message: '',
				polls: 0,
				steps: []
			};
			n++;
			imports.push(run);
			let id: string;
			try {
				const res = await upload(baseURL, people.analystCookie!, config.uploadAs === 'files' ? extract.files! : extract.zip);
				run.uploadEnd = since();
				uploads.push({ label: 'POST /api/imports', at: run.uploadStart, ms: run.uploadEnd - run.uploadStart, ok: res.status === 202, ...(res.status === 202 ? {} : { error: `HTTP ${res.status}` }) });
				if (res.status !== 202) {
					run.status = `upload refused (${res.status})`;
					run.message = res.body.slice(0, 300);
					await sleep(1000);
					continue;
				}
				id = (JSON.parse(res.body) as { id: string }).id;
			} catch (e) {
				run.uploadEnd = since();
				run.status = 'upload failed';
				run.message = (e as Error).message;
				uploads.push({ label: 'POST /api/imports', at: run.uploadStart, ms: run.uploadEnd - run.uploadStart, ok: false, error: (e as Error).message });
				await sleep(1000);
				continue;
			}
			const importDeadline = performance.now() + config.importTimeoutSeconds * 1000;
			for (;;) {
				if (performance.now() > importDeadline) {
					run.status = 'stuck';
					run.message = `not done in ${config.importTimeoutSeconds} s`;
					break;
				}
				await sleep(500);
				const s = await timedGet(baseURL, `/api/imports/${id}`, people.analystCookie!, 'poll /api/imports/[id]', t0);
				run.polls++;
				const body = s.body;
				delete s.body;
				polls.push(s);
				if (!s.ok || !body) continue;
				let view: JobView;
				try {
					view = JSON.parse(body) as JobView;
				} catch {
					continue;
				}
				if (view.stage === 'import' && run.importStart === null) run.importStart = s.at + s.ms;
				if (view.stage !== 'done' && run.steps.at(-1)?.step !== view.step) run.steps.push({ step: view.step, at: s.at + s.ms });
				if (view.stage === 'done') {
					run.end = s.at + s.ms;
					run.status = view.report?.status ?? 'done';
					run.message = (view.report?.errors ?? []).map((e) => `${e.file ?? ''}: ${e.message}`).join('; ');
					const files = view.report?.files ?? [];
					if (files.length) run.rows = `${files.reduce((n, f) => n + f.rows_loaded, 0)} loaded, ${files.reduce((n, f) => n + f.rows_replaced, 0)} replaced`;
					break;
				}
			}
			log(`import ${run.n} (${run.extract}): ${run.status} in ${(((run.end ?? since()) - run.uploadStart) / 1000).toFixed(1)} s${run.message ? `: ${run.message}` : ''}`);
			if (run.status === 'stuck') break;
		}
	};

	await within(config.seconds + config.requestTimeoutSeconds + config.importTimeoutSeconds + 60, 'the load', Promise.all([...clients.map((c, i) => client(i, c.cookie!)), importer()]));
	const seconds = since() / 1000;
	const clientCpu = process.cpuUsage(clientCpu0);
	const cpu = {
		server: processCpuSeconds(server?.pid) - serverCpu0,
		serverMain: processCpuSeconds(server?.pid, server?.pid) - serverMain0,
		clients: (clientCpu.user + clientCpu.system) / 1e6,
		machine: machineBusySeconds() - machine0
	};
	const importsOk = imports.every((r) => r.status === 'committed' || r.status === 'unchanged');
	return { cpu, loadBefore, samples, polls, uploads, imports, seconds, ok: samples.every((s) => s.ok) && polls.every((s) => s.ok) && uploads.every((s) => s.ok) && importsOk };
}

type Stats = { n: number; errors: number; p50: number; p95: number; p99: number; max: number };
function stats(samples: Sample[]): Stats {
	const ms = samples.map((s) => s.ms).sort((a, b) => a - b);
	return { n: samples.length, errors: samples.filter((s) => !s.ok).length, p50: percentile(ms, 50), p95: percentile(ms, 95), p99: percentile(ms, 99), max: ms.at(-1) ?? NaN };
}
const fmt = (ms: number) => (Number.isNaN(ms) ? '–' : ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);
const statsRow = (name: string, s: Stats) => `| ${name} | ${s.n} | ${s.errors} | ${fmt(s.p50)} | ${fmt(s.p95)} | ${fmt(s.p99)} | ${fmt(s.max)} |`;
const STATS_HEAD = ['| | requests | errors | p50 | p95 | p99 | max |', '|---|---:|---:|---:|---:|---:|---:|'];

/** The three steps that took longest (as seen by polling), with their seconds. */
function longestSteps(run: ImportRun): string {
	const spans = run.steps.map((st, k) => ({ step: st.step, s: ((run.steps[k + 1]?.at ?? run.end ?? st.at) - st.at) / 1000 }));
	return spans
		.sort((a, b) => b.s - a.s)
		.slice(0, 3)
		.map((x) => `${x.step} ${x.s.toFixed(1)} s`)
		.join(', ');
}

/** What the import was doing when a request started. */
function phaseAt(at: number, imports: ImportRun[]): 'upload' | 'checks' | 'import' | 'none' {
	for (const r of imports) {
		const end = r.end ?? Infinity;
		if (at < r.uploadStart || at >= end) continue;
		if (!(at >= r.uploadEnd)) return 'upload';
		if (r.importStart === null || at < r.importStart) return 'checks';
		return 'import';
	}
	return 'none';
}

function loadReport(r: LoadResult): string[] {
	const out: string[] = [];
	const all = stats(r.samples);
	out.push(`### Load: ${config.clients} clients, ${config.seconds} s (ran ${r.seconds.toFixed(1)} s with the requests in flight at the end), ${(r.samples.length / r.seconds).toFixed(1)} pages/s`);
	out.push(
		'',
		`CPU meanwhile, of ${(r.seconds * cpus().length).toFixed(0)} core-seconds: the server ${r.cpu.server.toFixed(1)} s (its JavaScript thread ${r.cpu.serverMain.toFixed(1)} s, ` +
			`${((100 * r.cpu.serverMain) / r.seconds).toFixed(0)}% of one core; DuckDB and the rest ${(r.cpu.server - r.cpu.serverMain).toFixed(1)} s), the soak's clients ${r.cpu.clients.toFixed(1)} s, ` +
			`other processes on the machine ${Math.max(0, r.cpu.machine - r.cpu.server - r.cpu.clients).toFixed(1)} s; 1-minute load average before (the soak's own set-up included): ${r.loadBefore.toFixed(2)}.`
	);
	out.push('', 'Pages and API by route (client requests):', '', ...STATS_HEAD, statsRow('**all pages**', all));
	const labels = [...new Set(r.samples.map((s) => s.label))].sort();
	for (const l of labels) out.push(statsRow(l, stats(r.samples.filter((s) => s.label === l))));
	out.push(statsRow('*analyst: POST /api/imports*', stats(r.uploads)), statsRow('*analyst: poll /api/imports/[id]*', stats(r.polls)));
	out.push('', 'Pages by what the import was doing when the request started:', '', ...STATS_HEAD);
	for (const phase of ['none', 'upload', 'checks', 'import'] as const) {
		const name = { none: 'no import running', upload: 'upload being received', checks: 'import: checks stage', import: 'import: import stage' }[phase];
		out.push(statsRow(name, stats(r.samples.filter((s) => phaseAt(s.at, r.imports) === phase))));
	}
	out.push('', 'Imports (seconds from the start of the load; stages as seen by polling every 0.5 s):', '');
	out.push('| # | extract | upload | checks | import stage | outcome | longest steps |', '|---|---|---|---|---|---|---|');
	const s = (ms: number | null) => (ms === null || Number.isNaN(ms) ? '–' : (ms / 1000).toFixed(1));
	for (const i of r.imports) {
		out.push(
			`| ${i.n} | ${i.extract} | ${s(i.uploadStart)}–${s(i.uploadEnd)} | ${s(i.uploadEnd)}–${s(i.importStart ?? i.end)} | ${i.importStart === null ? '–' : `${s(i.importStart)}–${s(i.end)}`} | ${i.status}${i.rows ? ` (${i.rows} rows)` : ''}${i.message ? `: ${i.message.slice(0, 200)}` : ''} | ${longestSteps(i)} |`
		);
	}
	const errors = [...r.samples, ...r.polls, ...r.uploads].filter((x) => !x.ok);
	if (errors.length) {
		const byKind = new Map<string, number>();
		for (const e of errors) byKind.set(`${e.label}: ${e.error}`, (byKind.get(`${e.label}: ${e.error}`) ?? 0) + 1);
		out.push('', `Errors (${errors.length}):`, '', ...[...byKind].sort((a, b) => b[1] - a[1]).map(([k, n]) => `- ${k}: ${n}`));
	} else {
		out.push('', 'Errors: none.');
	}
	const idle = stats(r.samples.filter((x) => phaseAt(x.at, r.imports) === 'none'));
	out.push(
		'',
		`p95 of pages: ${fmt(all.p95)} overall, ${fmt(idle.p95)} with no import running: target ≤ 1 s ${all.p95 <= 1000 ? 'met' : 'NOT met'} overall, ${idle.n === 0 ? 'not measured' : idle.p95 <= 1000 ? 'met' : 'NOT met'} without an import.`
	);
	return out;
}

// ---------------------------------------------------------------------------------------------
// Phases 2 and 3: a full disk, a killed server

interface Check {
	phase: string;
	ok: boolean;
	lines: string[];
}

/** Serving: the sign-in page answers, and a viewer's dashboard page and the API answer 200. */
async function serves(baseURL: string, cookie: string): Promise<{ ok: boolean; what: string }> {
	const login = await timedGet(baseURL, '/login', '', '/login', 0);
	const page = await timedGet(baseURL, '/need', cookie, '/need', 0);
	const api = await timedGet(baseURL, '/api/metrics', cookie, '/api/metrics', 0);
	const ok = login.ok && page.ok && api.ok;
	return { ok, what: `/login ${login.ok ? 'ok' : login.error}, /need ${page.ok ? 'ok' : page.error} (${fmt(page.ms)}), /api/metrics ${api.ok ? 'ok' : api.error}` };
}

async function pollUntilDone(baseURL: string, cookie: string, id: string, until: (v: JobView) => boolean = (v) => v.stage === 'done'): Promise<JobView> {
	return within(config.importTimeoutSeconds, `import ${id}`, (async () => {
		for (;;) {
			const s = await timedGet(baseURL, `/api/imports/${id}`, cookie, 'poll', 0);
			if (s.ok && s.body) {
				const v = JSON.parse(s.body) as JobView;
				if (until(v)) return v;
			}
			await sleep(200);
		}
	})());
}

/** Bytes in use on the file system holding `dir` (the tmpfs): deleted files still held open count. */
function usedBytes(dir: string): number {
	const s = statfsSync(dir);
	return (s.blocks - s.bfree) * s.bsize;
}

/** Files under `dir` that process `pid` holds open although they were deleted (their space is not freed). */
function heldDeleted(pid: number | undefined, dir: string): string[] {
	if (!pid) return [];
	const out: string[] = [];
	const fds = `/proc/${pid}/fd`;
	for (const fd of existsSync(fds) ? readdirSync(fds) : []) {
		try {
			const target = readlinkSync(path.join(fds, fd));
			if (target.startsWith(dir) && target.endsWith(' (deleted)')) out.push(path.relative(dir, target.slice(0, -' (deleted)'.length)));
		} catch {
			// closed meanwhile
		}
	}
	return out;
}

async function diskFull(people: People, cases: { name: string; extract: Extract; files?: boolean }[]): Promise<Check[]> {
	const checks: Check[] = [];
	const before = await snapshot();
	const seq = await lastAuditSeq();
	mkdirSync(staging, { recursive: true });
	const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${config.diskMb}m`, 'tmpfs', staging], { encoding: 'utf8' });
	if (r.status !== 0) {
		return [{ phase: 'disk full', ok: false, lines: [`skipped: could not mount a ${config.diskMb} MiB tmpfs on the staging directory (${r.stderr.trim() || `exit ${r.status}`}); run as root where mounting is allowed`] }];
	}
	mounted = staging;
	log(`disk: a ${config.diskMb} MiB tmpfs on ${staging}`);
	try {
		// Each case on a server of its own, so that each starts with the disk empty.
		for (const c of cases) {
			const baseURL = await startServer();
			await signInAll(baseURL, people, 1);
			const lines: string[] = [
				c.files
					? `upload: the extract's ${c.extract.files!.length} files, ${mb(c.extract.unpackedBytes)}; staging directory: a tmpfs of ${config.diskMb} MiB, ${mb(usedBytes(staging))} used`
					: `upload: a zip of ${mb(c.extract.zipBytes)} that unpacks to ${mb(c.extract.unpackedBytes)}; staging directory: a tmpfs of ${config.diskMb} MiB, ${mb(usedBytes(staging))} used`
			];
			const t = performance.now();
			const res = await upload(baseURL, people.analystCookie!, c.files ? c.extract.files! : c.extract.zip).catch((e: Error & { code?: string }) => ({
				status: 0,
				body: `no answer: ${e.code ?? e.message}`
			}));
			let ok = true;
			if (res.status !== 202) {
				lines.push(`upload answered ${res.status || '(nothing)'} after ${((performance.now() - t) / 1000).toFixed(1)} s: ${res.body.slice(0, 300)}`);
				// Refused with a status and a message that says the disk is full: what a person needs.
				if (!(res.status >= 400 && /ENOSPC|no space|space left|disk/i.test(res.body))) {
					lines.push('the answer does not say the disk is full');
					ok = false;
				}
			} else {
				const id = (JSON.parse(res.body) as { id: string }).id;
				const view = await pollUntilDone(baseURL, people.analystCookie!, id);
				const messages = (view.report?.errors ?? []).map((e) => e.message);
				lines.push(`import: ${view.report?.status} after ${((performance.now() - t) / 1000).toFixed(1)} s; message: "${messages.join(' | ') || '(none)'}"`);
				if (view.report?.status !== 'failed') ok = false;
				if (!messages.some((m) => /ENOSPC|no space|space left|disk/i.test(m))) {
					lines.push('the message does not say the disk is full');
					ok = false;
				}
			}
			const up = await serves(baseURL, people.clients[0].cookie!);
			lines.push(`server still serving: ${up.ok ? 'yes' : 'NO'} (${up.what})`);
			if (!up.ok) ok = false;
			await sleep(1000);
			const left = listTree(staging);
			const held = heldDeleted(server?.pid, staging);
			lines.push(
				`staging directory afterwards: ${left.length ? left.join(', ') : 'empty'}; disk in use ${mb(usedBytes(staging))}` +
					(held.length ? ` (the server holds ${held.length} deleted file(s) open: ${held.join(', ')})` : '')
			);
			await stopServer();
			lines.push(`disk in use once the server stopped: ${mb(usedBytes(staging))}`);
			checks.push({ phase: `disk full (${c.name})`, ok, lines });
			log(`disk (${c.name}): ${ok ? 'ok' : 'FAILED'}`);
		}
	} finally {
		await stopServer();
		unmount();
	}
	const after = await snapshot();
	const cmp = compare(before, after);
	const audit = await auditActionsSince(seq);
	checks.push({
		phase: 'disk full: warehouse',
		ok: cmp.unchanged,
		lines: [
			cmp.unchanged ? `all ${cmp.dataTables} data tables unchanged (row counts and checksums)` : `data CHANGED: ${cmp.changed.join('; ')}`,
			`bookkeeping: ${cmp.bookkeeping.join('; ') || 'unchanged'}; audit entries added: ${audit.join(', ') || 'none'}`
		]
	});
	return checks;
}

async function killed(people: People, extract: Extract): Promise<Check[]> {
	const checks: Check[] = [];
	for (const when of ['mid-upload', 'mid-import'] as const) {
		const before = await snapshot();
		const seq = await lastAuditSeq();
		const lines: string[] = [];
		let ok = true;
		const baseURL = await startServer();
		await signInAll(baseURL, people, 1);
		const pid = server!.pid;
		if (when === 'mid-upload') {
			const pace = config.killMbps * 2 ** 20;
			lines.push(`upload of a ${mb(extract.zipBytes)} zip paced at ${config.killMbps} MB/s; SIGKILL once half is sent`);
			let killedAt = NaN;
			const outcome = await upload(baseURL, people.analystCookie!, extract.zip, {
				pace,
				onHalf: () => {
					killedAt = performance.now();
					server!.kill('SIGKILL');
				}
			}).then(
				(r) => `answered ${r.status}`,
				(e: Error & { code?: string }) => `ended: ${e.code ?? e.message}`
			);
			lines.push(`server PID ${pid} killed at half the upload; the upload ${outcome}${Number.isNaN(killedAt) ? ' (the kill never fired)' : ''}`);
			if (Number.isNaN(killedAt)) ok = false;
		} else {
			const res = await upload(baseURL, people.analystCookie!, extract.zip);
			if (res.status !== 202) {
				lines.push(`upload answered ${res.status}: ${res.body.slice(0, 300)}`);
				ok = false;
			} else {
				const id = (JSON.parse(res.body) as { id: string }).id;
				// Well into the import stage (judging and loading table by table, inside the transaction).
				const view = await pollUntilDone(baseURL, people.analystCookie!, id, (v) => v.stage === 'done' || (v.stage === 'import' && v.done >= v.total * 0.7));
				if (view.stage === 'done') {
					lines.push(`the import was done (${view.report?.status}) before it could be killed in its import stage`);
					ok = false;
				}
				server!.kill('SIGKILL');
				lines.push(`server PID ${pid} killed during the import stage (step "${view.step}", ${view.done} of ${view.total} steps)`);
			}
		}
		await killServer().catch(() => {});
		const leftBeforeRestart = listTree(staging);
		lines.push(`staging directory after the kill (${mb(duSize(staging))}): ${leftBeforeRestart.join(', ') || 'empty'}`);
		const t = performance.now();
		let restarted: string | undefined;
		try {
			restarted = await startServer();
			lines.push(`restarted on the same file in ${((performance.now() - t) / 1000).toFixed(1)} s`);
			const up = await serves(restarted, people.clients[0].cookie!);
			lines.push(`serving: ${up.ok ? 'yes' : 'NO'} (${up.what})`);
			if (!up.ok) ok = false;
			await sleep(1000);
			const left = listTree(staging);
			lines.push(`staging directory after the restart (${mb(duSize(staging))}): ${left.join(', ') || 'empty'}`);
		} catch (e) {
			lines.push(`restart FAILED: ${(e as Error).message}`);
			ok = false;
		} finally {
			await stopServer();
		}
		const after = await snapshot();
		const cmp = compare(before, after);
		const audit = await auditActionsSince(seq);
		lines.push(
			cmp.unchanged ? `warehouse: all ${cmp.dataTables} data tables unchanged (row counts and checksums)` : `warehouse data CHANGED: ${cmp.changed.join('; ')}`,
			`bookkeeping: ${cmp.bookkeeping.join('; ') || 'unchanged'}; audit entries added: ${audit.join(', ') || 'none'}`
		);
		if (!cmp.unchanged) ok = false;
		checks.push({ phase: `killed ${when}`, ok, lines });
		log(`kill (${when}): ${ok ? 'ok' : 'FAILED'}`);
		// The next case starts with an empty staging directory (the restart does not clean it today).
		rmSync(staging, { recursive: true, force: true });
	}
	return checks;
}

// ---------------------------------------------------------------------------------------------
// Main

async function main(): Promise<number> {
	const machine = `${cpus().length} × ${cpus()[0]?.model?.trim() ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
	log(`machine: ${machine}; work folder ${work}`);
	// Built in a child whose output goes to stderr, so that standard output holds the report alone.
	const built = spawnSync(process.execPath, ['-e', `import(${JSON.stringify(pathToFileURL(path.join(root, 'scripts', 'build-if-needed.js')).href)}).then((m) => m.buildIfNeeded())`], {
		cwd: root,
		stdio: ['ignore', 2, 2]
	});
	if (built.status !== 0) throw new Error(`the build failed (exit ${built.status})`);
	makeDemoWarehouse(db, ['--children', String(config.demoChildren), '--end', '2026-03-31']);
	log(`demo warehouse: ${config.demoChildren} children`);
	const people = await makePeople();
	log(`accounts: ${people.clients.length} clients (viewer, lead, auditor) and an analyst with a second factor`);
	const { areas, agencies } = await readOnly(async (run) => ({
		areas: (await run(`SELECT DISTINCT area_code FROM areas ORDER BY 1`)).map((r) => String(r.area_code)),
		agencies: (await run(`SELECT DISTINCT agency_code FROM agencies ORDER BY 1`)).map((r) => String(r.agency_code))
	}));

	const report: string[] = [];
	const checks: Check[] = [];
	let ok = true;

	if (config.phases.has('load')) {
		// Enough distinct batches for back-to-back imports of about 8 s each; more cycle (and are `unchanged`).
		const extracts =
			config.uploadAs === 'files'
				? await makeExtracts('load', config.importChildren, 2, 1, true)
				: await makeExtracts('load', config.importChildren, 2, Math.max(2, Math.ceil(config.seconds / 8)));
		const baseURL = await startServer();
		const t = performance.now();
		await signInAll(baseURL, people, config.clients);
		log(`signed in ${config.clients} clients and the analyst in ${((performance.now() - t) / 1000).toFixed(1)} s`);
		let load: LoadResult;
		try {
			load = await runLoad(baseURL, people, extracts, areas, agencies);
		} finally {
			await stopServer();
		}
		report.push(...loadReport(load));
		checks.push({ phase: 'load', ok: load.ok, lines: [load.ok ? 'no errors; every import committed or unchanged' : 'errors, or an import that did not commit (above)'] });
		ok &&= load.ok;
	}

	if (config.phases.has('disk') || config.phases.has('kill')) {
		// A zip that fits the staging disk but unpacks to about 1.5 times it; its files, uploaded one by one, do not fit at all.
		const perChild = 960; // bytes of CSV a generated child brings, about
		const [big] = await makeExtracts('big', Math.ceil((config.diskMb * 2 ** 20 * 1.5) / perChild), 4, 1, true);
		if (config.phases.has('disk')) {
			checks.push(
				...(await diskFull(people, [
					{ name: 'a zip that unpacks beyond the disk', extract: big },
					{ name: 'an upload larger than the disk', extract: big, files: true }
				]))
			);
		}
		if (config.phases.has('kill')) checks.push(...(await killed(people, big)));
	}
	for (const c of checks) ok &&= c.ok;

	report.push('', '### Checks', '', '| phase | outcome | details |', '|---|---|---|');
	for (const c of checks) report.push(`| ${c.phase} | ${c.ok ? 'ok' : '**FAILED**'} | ${c.lines.join('<br>').replaceAll('|', '\\|')} |`);
	console.log(`\n## Soak ${new Date().toISOString().slice(0, 10)}: ${machine}\n`);
	console.log(
		`clients ${config.clients}, ${config.seconds} s, demo warehouse ${config.demoChildren} children, imports of ${config.importChildren} children (uploaded as ${config.uploadAs === 'zip' ? 'a .zip' : 'files'}); phases ${[...config.phases].join(', ')}\n`
	);
	console.log(report.join('\n'));
	console.log(`\nsoak: ${ok ? 'passed' : 'FAILED'}`);
	return ok ? 0 : 1;
}

let status = 1;
try {
	status = await main();
} catch (e) {
	log(`soak stopped: ${(e as Error).stack ?? String(e)}`);
	status = 1;
} finally {
	await stopServer().catch(() => {});
	cleanUpNow();
}
process.exit(status);

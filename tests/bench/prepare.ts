/**
 * A tier's warehouse, made once and kept: the generated extract and the imported warehouse
 * live in a cache directory (BENCH_DIR, default `<tmpdir>/full-picture-bench/`) keyed by
 * tier, seed and children, with `meta.json` holding the generate and import figures measured
 * when they were made. The next run reuses them (and reports those figures as reused) unless
 * asked for `--fresh`. meta.json is written last: a directory without it is made again.
 *
 * Generating and importing each run in a child process (./child.ts), so that each one's peak
 * resident memory is its own.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createAccounts } from '../browser/global-setup.ts';
import { TEST_ACCOUNTS, type TestAccount } from '../browser/accounts.ts';
import { RESULT_MARK, type ChildRequest, type GenerateResult, type ImportResult } from './protocol.ts';
import { grouped, progress } from './stats.ts';
import { GENERATOR, type Tier } from './tiers.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');

/** The account the bench signs in with over HTTP: a viewer (no second factor), so every figure is suppressed as a viewer's. */
export const BENCH_ACCOUNT: TestAccount = TEST_ACCOUNTS.viewer;

/** What meta.json records about a tier's cached warehouse. */
export interface TierMeta {
	tier: string;
	seed: number;
	children: number;
	years: number;
	end: string;
	/** When it was made (ISO time), and by which code (the commit, `+changes` when the tree had changes). */
	made: string;
	commit: string;
	events: number;
	/** Rows of every generated extract file (reference tables included), and per table. */
	rows: number;
	rowsByTable: Record<string, number>;
	generate: { s: number; cpu_s: number; peak_rss_mb: number };
	import: {
		s: number;
		rows_read: number;
		rows_loaded: number;
		rows_per_s: number;
		writer_cpu_s: number;
		reader_cpu_s: number;
		writer_peak_rss_mb: number;
		reader_peak_rss_mb: number;
		/** Writer + reader: an upper bound of both at once (the reader stays alive, idle, while the writer loads). */
		peak_rss_mb: number;
	};
}

export interface PreparedTier {
	dir: string;
	/** The warehouse file (its cell key secret and audit anchor beside it). */
	warehouse: string;
	meta: TierMeta;
	/** True when this run made it; false when it was reused from an earlier run. */
	made: boolean;
}

/** The cache directory of a tier. */
export function tierDir(tier: Tier): string {
	const base = process.env.BENCH_DIR?.trim() || path.join(tmpdir(), 'full-picture-bench');
	return path.join(path.resolve(base), `${tier.name}-seed${GENERATOR.seed}-c${tier.children}`);
}

const mb = (kb: number) => Math.round(kb / 1024);

/** The tier's warehouse: the cached one, or (missing, incomplete or `fresh`) a new one, generated and imported now. */
export async function prepareTier(tier: Tier, fresh: boolean): Promise<PreparedTier> {
	const dir = tierDir(tier);
	const metaFile = path.join(dir, 'meta.json');
	const warehouse = path.join(dir, 'warehouse.duckdb');
	if (!fresh && existsSync(metaFile) && existsSync(warehouse)) {
		const meta = JSON.parse(readFileSync(metaFile, 'utf8')) as TierMeta;
		progress(`tier ${tier.name}: reusing ${dir} (made ${meta.made} at ${meta.commit ?? 'unknown'})`);
		return { dir, warehouse, meta, made: false };
	}
	rmSync(dir, { recursive: true, force: true });
	mkdirSync(dir, { recursive: true });

	progress(`tier ${tier.name}: generating ${grouped(tier.children)} children (about ${tier.events} events) into ${dir}`);
	const generated = await runChild<GenerateResult>({ kind: 'generate', outDir: path.join(dir, 'source'), children: tier.children, ...GENERATOR });
	const rows = Object.values(generated.rows).reduce((a, b) => a + b, 0);
	progress(`generated ${grouped(generated.events)} events, ${grouped(rows)} rows in ${generated.seconds.toFixed(1)} s, peak ${mb(generated.maxRssKb)} MB`);

	progress('importing it into a new warehouse');
	const imported = await runChild<ImportResult>({
		kind: 'import',
		warehouse,
		extractDir: generated.extractDir,
		prioritiesFile: generated.prioritiesFile,
		benchmarksFile: generated.benchmarksFile
	});
	progress(`imported ${grouped(imported.rowsRead)} rows in ${imported.seconds.toFixed(1)} s`);
	await createAccounts(warehouse, { viewer: BENCH_ACCOUNT });

	const meta: TierMeta = {
		tier: tier.name,
		seed: GENERATOR.seed,
		children: tier.children,
		years: GENERATOR.years,
		end: GENERATOR.end,
		made: new Date().toISOString(),
		commit: commit(),
		events: generated.events,
		rows,
		rowsByTable: generated.rows,
		generate: { s: round(generated.seconds, 2), cpu_s: round(generated.cpuS, 2), peak_rss_mb: mb(generated.maxRssKb) },
		import: {
			s: round(imported.seconds, 2),
			rows_read: imported.rowsRead,
			rows_loaded: imported.rowsLoaded,
			rows_per_s: Math.round(imported.rowsRead / imported.seconds),
			writer_cpu_s: round(imported.writerCpuS, 2),
			reader_cpu_s: round(imported.readerCpuS, 2),
			writer_peak_rss_mb: mb(imported.writerMaxRssKb),
			reader_peak_rss_mb: mb(imported.readerMaxRssKb),
			peak_rss_mb: mb(imported.writerMaxRssKb + imported.readerMaxRssKb)
		}
	};
	writeFileSync(metaFile, `${JSON.stringify(meta, null, '\t')}\n`);
	return { dir, warehouse, meta, made: true };
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

/** The commit of the code (with `+changes` when tracked files differ from it), or `unknown` outside git. */
function commit(): string {
	try {
		const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
		return `${git('rev-parse', '--short', 'HEAD')}${git('status', '--porcelain', '--untracked-files=no') ? '+changes' : ''}`;
	} catch {
		return 'unknown';
	}
}

/** Runs ./child.ts with a request (under tsx, as the import's reader is run) and answers its result; throws when it fails. */
function runChild<T>(request: ChildRequest): Promise<T> {
	const tsx = pathToFileURL(createRequire(path.join(root, 'package.json')).resolve('tsx')).href;
	const child = spawn(process.execPath, ['--import', tsx, path.join(here, 'child.ts'), JSON.stringify(request)], {
		cwd: root,
		stdio: ['ignore', 'pipe', 'inherit']
	});
	let out = '';
	child.stdout.setEncoding('utf8');
	child.stdout.on('data', (d: string) => (out += d));
	return new Promise<T>((resolve, reject) => {
		child.on('error', reject);
		child.on('exit', (code, signal) => {
			const line = out.split('\n').find((l) => l.startsWith(`${RESULT_MARK} `));
			if (code === 0 && line) resolve(JSON.parse(line.slice(RESULT_MARK.length + 1)) as T);
			else reject(new Error(`the ${request.kind} child failed (${signal ?? `exit ${code}`})${out ? `: ${out.slice(-500)}` : ''}`));
		});
	});
}

/**
 * The bench's child process: generates a tier's extract, or imports it into a new warehouse,
 * in a process of its own so that its peak resident memory is its own
 * (`process.resourceUsage().maxRSS`). Started by ./prepare.ts with one JSON argument (a
 * ChildRequest, ./protocol.ts); prints progress on stderr and, last, one line
 * `RESULT_MARK <json>` on stdout.
 */
import { generateDemo } from '../../src/lib/server/demo/generate.ts';
import { importExtract } from '../../src/lib/server/import/import.ts';
import { readerCpuSeconds, readerPeakRssKb } from '../../src/lib/server/import/reader.ts';
import { importSettings } from '../../src/lib/server/settings/settings.ts';
import { openWarehouse } from '../../src/lib/server/warehouse/warehouse.ts';
import { RESULT_MARK, type ChildRequest, type GenerateRequest, type GenerateResult, type ImportRequest, type ImportResult } from './protocol.ts';

const seconds = (start: number) => (performance.now() - start) / 1000;
const cpuSeconds = (since: NodeJS.CpuUsage) => {
	const used = process.cpuUsage(since);
	return (used.user + used.system) / 1e6;
};

/** A progress line per stage (not per step), with the time since the start. */
function stageLogger(what: string): (p: { stage: string }) => void {
	const start = performance.now();
	let last = '';
	return (p) => {
		const stage = p.stage.replace(/\s*\d+\s*\/\s*\d+.*$/, '');
		if (stage === last) return;
		last = stage;
		process.stderr.write(`bench: ${what}: ${stage} (${seconds(start).toFixed(0)} s)\n`);
	};
}

async function generate(r: GenerateRequest): Promise<GenerateResult> {
	const cpu = process.cpuUsage();
	const start = performance.now();
	const g = await generateDemo({ outDir: r.outDir, children: r.children, years: r.years, seed: r.seed, end: r.end, onProgress: stageLogger('generate') });
	return {
		seconds: seconds(start),
		cpuS: cpuSeconds(cpu),
		maxRssKb: process.resourceUsage().maxRSS,
		events: g.events,
		rows: g.rows,
		extractDir: g.extractDir,
		prioritiesFile: g.prioritiesFile,
		benchmarksFile: g.benchmarksFile
	};
}

async function importInto(r: ImportRequest): Promise<ImportResult> {
	const warehouse = await openWarehouse(r.warehouse, { create: true });
	try {
		const cpu = process.cpuUsage();
		const readerCpu = readerCpuSeconds();
		const start = performance.now();
		const report = await importExtract(warehouse, r.extractDir, { actor: 'bench', onProgress: stageLogger('import') });
		const took = seconds(start);
		const writerCpuS = cpuSeconds(cpu);
		if (report.status !== 'committed') throw new Error(`the import failed: ${report.errors.map((e) => e.message).join('; ')}`);
		// The priorities and benchmarks, as `cli demo` loads them, so that the overview has its priorities.
		for (const [table, csv] of [
			['priorities', r.prioritiesFile],
			['benchmarks', r.benchmarksFile]
		] as const) {
			const s = await importSettings(warehouse, table, csv);
			if (s.status !== 'committed') throw new Error(`the ${table} did not import: ${s.errors.map((e) => e.message).join('; ')}`);
		}
		return {
			seconds: took,
			rowsRead: report.files.reduce((a, f) => a + f.rows_read, 0),
			rowsLoaded: report.files.reduce((a, f) => a + f.rows_loaded, 0),
			writerCpuS,
			readerCpuS: readerCpuSeconds() - readerCpu,
			writerMaxRssKb: process.resourceUsage().maxRSS,
			readerMaxRssKb: readerPeakRssKb()
		};
	} finally {
		await warehouse.close();
	}
}

async function main(): Promise<void> {
	const request = JSON.parse(process.argv[2] ?? '{}') as ChildRequest;
	const result = request.kind === 'generate' ? await generate(request) : await importInto(request);
	process.stdout.write(`${RESULT_MARK} ${JSON.stringify(result)}\n`);
}

main().then(
	// The import's warm reader is left idle (unref'd): exit without waiting for it.
	() => process.exit(0),
	(e: unknown) => {
		process.stderr.write(`bench child: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
		process.exit(1);
	}
);

/**
 * `npm run bench -- --metric-set`: import speed and the time of the full metric set over a
 * generated extract of about 1 million events (BENCH_CHILDREN changes the size), with and
 * without the cell keys. Prints figures only; the figures of earlier runs and the machine
 * they were measured on live in docs/performance.md. (The tiers' page bench is ./run.ts.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { generateDemo } from '../../src/lib/server/demo/generate.ts';
import { importExtract } from '../../src/lib/server/import/import.ts';
import { readerCpuSeconds, readerPeakRssKb } from '../../src/lib/server/import/reader.ts';
import { computeMetrics, computeMetricsFor } from '../../src/lib/server/metrics/compute.ts';
import { benchWithoutCellKeys } from '../../src/lib/server/metrics/events.ts';
import { METRIC_KEYS, VERSION_1_KEYS } from '../../src/lib/server/metrics/keys.ts';
import { openWarehouse } from '../../src/lib/server/warehouse/warehouse.ts';

/** Runs the measurement, printing its figures on stdout. */
export async function metricSetBench(): Promise<void> {
	const children = Number(process.env.BENCH_CHILDREN ?? 130_000);
	const work = mkdtempSync(path.join(tmpdir(), 'fp-bench-'));
	const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;

	try {
		console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
		let t = process.hrtime.bigint();
		const generated = await generateDemo({ outDir: path.join(work, 'demo'), children, years: 3, seed: 1, end: '2026-03-31' });
		const rows = Object.values(generated.rows).reduce((a, b) => a + b, 0);
		console.log(`generate: ${generated.events} events, ${rows} rows in all, ${seconds(t).toFixed(1)} s`);

		const warehouse = await openWarehouse(path.join(work, 'bench.duckdb'), { create: true });
		t = process.hrtime.bigint();
		const cpu = process.cpuUsage();
		const readerCpu = readerCpuSeconds();
		const report = await importExtract(warehouse, generated.extractDir, { actor: 'bench' });
		const importSeconds = seconds(t);
		const used = process.cpuUsage(cpu);
		const cpuSeconds = (used.user + used.system) / 1e6;
		if (report.status !== 'committed') throw new Error(`import failed: ${JSON.stringify(report.errors)}`);
		const loaded = report.files.reduce((a, f) => a + f.rows_loaded, 0);
		const read = report.files.reduce((a, f) => a + f.rows_read, 0);
		console.log(`import: ${read} rows read, ${loaded} loaded in ${importSeconds.toFixed(1)} s = ${Math.round(read / importSeconds)} rows/s`);
		const readerSeconds = readerCpuSeconds() - readerCpu;
		const [hereMb, readerMb] = [Math.round(process.resourceUsage().maxRSS / 1024), Math.round(readerPeakRssKb() / 1024)];
		console.log(
			`import CPU: ${cpuSeconds.toFixed(1)} s in this process (DuckDB's threads included) + ${readerSeconds.toFixed(1)} s in the reader process; ` +
				`peak memory ${hereMb} MB here, ${readerMb} MB in the reader`
		);

		const periods = [
			{ label: '12 months', from: '2025-04-01', to: '2026-03-31', by: null },
			{ label: '36 months', from: '2023-04-01', to: '2026-03-31', by: null },
			{ label: '12 months by month', from: '2025-04-01', to: '2026-03-31', by: 'month' as const },
			{ label: '12 months by area', from: '2025-04-01', to: '2026-03-31', by: 'area' as const }
		];
		await computeMetrics(warehouse, { from: '2025-04-01', to: '2026-03-31' }); // warm up
		// Version 1's nineteen metrics, then all of them (version 2 added nine), then all of them
		// without their cell keys (rule 7: the key sums beside every count), to show what the keys
		// cost: wall and CPU time of this process (DuckDB's threads included), the median of five
		// runs each, the sets taking turns so that a busy moment of the machine falls on all alike.
		const sets = [
			{ label: `version 1's ${VERSION_1_KEYS.length}`, keys: VERSION_1_KEYS, keyed: true },
			{ label: `all ${METRIC_KEYS.length}`, keys: METRIC_KEYS, keyed: true },
			{ label: `all ${METRIC_KEYS.length} without cell keys`, keys: METRIC_KEYS, keyed: false }
		];
		const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
		for (const p of periods) {
			const runs = sets.map(() => [] as { wall: number; cpu: number }[]);
			for (let i = 0; i < 5; i++) {
				for (const [j, set] of sets.entries()) {
					t = process.hrtime.bigint();
					const before = process.cpuUsage();
					const compute = () => computeMetricsFor(warehouse, { from: p.from, to: p.to, by: p.by }, set.keys);
					await (set.keyed ? compute() : benchWithoutCellKeys(compute));
					const used = process.cpuUsage(before);
					runs[j].push({ wall: seconds(t) * 1000, cpu: (used.user + used.system) / 1000 });
				}
			}
			const m = runs.map((r) => ({ wall: median(r.map((x) => x.wall)), cpu: median(r.map((x) => x.cpu)) }));
			sets.forEach((set, j) => console.log(`metrics, ${set.label}, ${p.label}: median ${m[j].wall.toFixed(0)} ms wall, ${m[j].cpu.toFixed(0)} ms CPU`));
			const [keyed, bare] = [m[1], m[2]];
			const more = (a: number, b: number) => `${a >= b ? '+' : ''}${((100 * (a - b)) / b).toFixed(0)}%`;
			const cost = `${more(keyed.wall, bare.wall)} wall, ${more(keyed.cpu, bare.cpu)} CPU`;
			console.log(`metrics, cell keys' cost, ${p.label}: ${cost} (all ${METRIC_KEYS.length} with keys against without)`);
		}
		await warehouse.close();
	} finally {
		rmSync(work, { recursive: true, force: true });
	}
}

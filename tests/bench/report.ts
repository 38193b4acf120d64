/**
 * The bench's report: the figures per page and the tier's targets with PASS or MISS, as text
 * (stdout) and as JSON (`--json FILE`).
 */
import type { HttpResult } from './http.ts';
import type { InProcessResult } from './in-process.ts';
import type { FilterSet } from './pages.ts';
import type { PreparedTier } from './prepare.ts';
import { fixed, grouped, median, percentile, type BenchError, type Machine } from './stats.ts';
import type { Tier } from './tiers.ts';

/** One page's figures (ms unless said). warm_*, cpu_p95_ms and cold_ms over HTTP; data_* in process. */
export interface PageFigures {
	warm_p50_ms: number | null;
	warm_p95_ms: number | null;
	/** The server's CPU per request, p95. */
	cpu_p95_ms: number | null;
	cold_ms: number | null;
	/** The same with the server computing nothing ahead (FP_WARM=off). */
	cold_no_warm_ms: number | null;
	/** Data function CPU ÷ its statements' CPU on bare DuckDB, median over the filter sets. */
	bare_ratio: number | null;
	data_p50_ms: number | null;
	data_p95_ms: number | null;
	data_cpu_p95_ms: number | null;
	/** The statements' CPU on bare DuckDB, median. */
	bare_cpu_p50_ms: number | null;
	/** Statements the data function ran, median. */
	statements: number | null;
	/** Filter sets measured over HTTP (warm) and in process. */
	samples: { http: number; data: number };
}

/** A target: the figure (for per-page figures, the worst page's), the bound, and whether it was met. */
export interface TargetCheck {
	figure: string;
	target: number;
	/** `max`: the figure must be at most the target; `min`: at least. */
	bound: 'max' | 'min';
	value: number | null;
	unit: string;
	pass: boolean;
	/** Per-page figures: the worst page and every page that missed. */
	worst_page?: string;
	missed_pages?: string[];
}

export interface BenchReport {
	tier: string;
	events: number;
	rows: number;
	generate: TierFigures['generate'] & Measured;
	import: TierFigures['import'] & Measured;
	pages: Record<string, PageFigures>;
	server_rss_mb: number | null;
	/** Repeats over HTTP (pairs asked a second time), and the figure cache of the data functions' warehouse. */
	cache: { repeat_p50_ms: number | null; repeats: HttpResult['repeat']; data_functions: InProcessResult['figureCache'] };
	targets: Record<string, TargetCheck>;
	machine: Machine;
	filter_sets: FilterSet[];
	errors: BenchError[];
	/** Wall seconds of the whole run, and of each phase. */
	seconds: number;
	phases: Record<string, number>;
}

type TierFigures = PreparedTier['meta'];

/** Whether the generate and import figures are this run's or were measured when the cached warehouse was made (when, by which commit). */
interface Measured {
	reused: boolean;
	measured: string;
	commit: string;
}

const num = (x: number) => (Number.isFinite(x) ? Math.round(x * 100) / 100 : null);

/** Gathers the figures and checks them against the tier's targets. */
export function buildReport(args: {
	tier: Tier;
	prepared: PreparedTier;
	data: InProcessResult;
	http: HttpResult;
	machine: Machine;
	errors: BenchError[];
	phases: Record<string, number>;
	seconds: number;
}): BenchReport {
	const { tier, prepared, data, http } = args;
	const meta = prepared.meta;
	const pages: Record<string, PageFigures> = {};
	for (const [path, samples] of data.samples) {
		const warm = http.warm.get(path) ?? [];
		const ratios = samples.filter((s) => s.bare !== null && s.bare.cpuMs > 0).map((s) => s.data.cpuMs / s.bare!.cpuMs);
		pages[path] = {
			warm_p50_ms: num(percentile(warm.map((s) => s.wallMs), 50)),
			warm_p95_ms: num(percentile(warm.map((s) => s.wallMs), 95)),
			cpu_p95_ms: num(percentile(warm.map((s) => s.cpuMs), 95)),
			cold_ms: num(http.cold.get(path) ?? NaN),
			cold_no_warm_ms: num(http.coldNoWarm.get(path) ?? NaN),
			bare_ratio: num(median(ratios)),
			data_p50_ms: num(percentile(samples.map((s) => s.data.wallMs), 50)),
			data_p95_ms: num(percentile(samples.map((s) => s.data.wallMs), 95)),
			data_cpu_p95_ms: num(percentile(samples.map((s) => s.data.cpuMs), 95)),
			bare_cpu_p50_ms: num(median(samples.flatMap((s) => (s.bare ? [s.bare.cpuMs] : [])))),
			statements: num(median(samples.map((s) => s.statements))),
			samples: { http: warm.length, data: samples.length }
		};
	}

	const t = tier.targets;
	const targets: Record<string, TargetCheck> = {};
	/** A per-page figure: every page must meet it (a page without the figure misses). */
	const perPage = (name: string, figure: string, target: number | null, unit: string, of: (p: PageFigures) => number | null) => {
		if (target === null) return;
		const values = Object.entries(pages).map(([path, p]) => ({ path, value: of(p) }));
		const missed = values.filter((v) => v.value === null || v.value > target).map((v) => v.path);
		// The worst: a page without the figure, else the largest.
		const largest = (w: (typeof values)[number] | undefined, v: (typeof values)[number]) => (!w || v.value! > w.value! ? v : w);
		const worst = values.find((v) => v.value === null) ?? values.reduce(largest, undefined);
		targets[name] = { figure, target, bound: 'max', value: worst?.value ?? null, unit, pass: missed.length === 0, worst_page: worst?.path, missed_pages: missed };
	};
	const single = (name: string, figure: string, target: number | null, bound: 'max' | 'min', value: number | null, unit: string) => {
		if (target === null) return;
		const pass = value !== null && (bound === 'max' ? value <= target : value >= target);
		targets[name] = { figure, target, bound, value, unit, pass };
	};
	perPage('warm_p95_ms', 'warm p95, HTTP full page (every page)', t.warmP95Ms, 'ms', (p) => p.warm_p95_ms);
	perPage('cold_ms', 'cold, first request after a start, as deployed (every page)', t.coldMs, 'ms', (p) => p.cold_ms);
	perPage('bare_ratio', 'bare ratio (every page)', t.bareRatio, '', (p) => p.bare_ratio);
	single('import_rows_per_s', 'import rows read a second', t.importRowsPerS, 'min', meta.import.rows_per_s, 'rows/s');
	single('import_peak_rss_mb', 'import peak RSS (writer + reader)', t.importPeakRssMb, 'max', meta.import.peak_rss_mb, 'MB');
	single('server_rss_mb', 'server RSS after every page at every filter set', t.serverRssMb, 'max', num(http.serverRssMb), 'MB');
	single('generate_s', 'generate time', t.generateS, 'max', meta.generate.s, 's');
	single('generate_peak_rss_mb', 'generate peak RSS', t.generatePeakRssMb, 'max', meta.generate.peak_rss_mb, 'MB');

	const measured: Measured = { reused: !prepared.made, measured: meta.made, commit: meta.commit ?? 'unknown' };
	return {
		tier: tier.name,
		events: meta.events,
		rows: meta.rows,
		generate: { ...meta.generate, ...measured },
		import: { ...meta.import, ...measured },
		pages,
		server_rss_mb: num(http.serverRssMb),
		cache: { repeat_p50_ms: num(http.repeatP50Ms), repeats: http.repeat, data_functions: data.figureCache },
		targets,
		machine: args.machine,
		filter_sets: data.filterSets,
		errors: args.errors,
		seconds: Math.round(args.seconds),
		phases: args.phases
	};
}

// ---------------------------------------------------------------- text

/** Lays out rows of cells in columns: the first and those of `left` left-aligned, the others right-aligned. */
function columns(rows: readonly (readonly string[])[], left: readonly number[] = []): string {
	const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i]?.length ?? 0)));
	const align = (c: string, i: number) => (i === 0 || left.includes(i) ? c.padEnd(widths[i]) : c.padStart(widths[i]));
	return rows.map((r) => r.map(align).join('  ').trimEnd()).join('\n');
}

const verdict = (pass: boolean) => (pass ? 'PASS' : 'MISS');

/** A per-page cell with its verdict against the target (none: the figure alone). */
function judged(value: number | null, target: number | null, digits = 0): string {
	if (target === null) return fixed(value, digits);
	return `${fixed(value, digits)} ${verdict(value !== null && value <= target)}`;
}

/** The report as text for a person. */
export function reportText(r: BenchReport, tier: Tier): string {
	const t = tier.targets;
	const out: string[] = [];
	const m = r.machine;
	const size = `${grouped(r.events)} events, ${grouped(r.rows)} rows, ${r.filter_sets.length} filter sets`;
	out.push(`Full Picture bench, tier ${r.tier} (about ${tier.events} events): ${size}`);
	out.push(
		`machine: ${m.cores} × ${m.model}, ${m.memory_gib} GiB, Node ${m.node}; DuckDB memory limit ${m.duckdb.memory_limit}, ${m.duckdb.threads} threads; ` +
			`load average ${m.loadavg_before.join(' ')} before, ${m.loadavg_after?.join(' ') ?? '–'} after`
	);
	out.push('');

	const g = r.generate;
	const i = r.import;
	const when = (x: Measured) => (x.reused ? ` (reused, measured ${x.measured} at ${x.commit})` : ` (measured now, at ${x.commit})`);
	out.push(`generate: ${g.s.toFixed(1)} s, CPU ${g.cpu_s.toFixed(1)} s, peak RSS ${g.peak_rss_mb} MB${when(g)}`);
	out.push(
		`import: ${grouped(i.rows_read)} rows read, ${grouped(i.rows_loaded)} loaded in ${i.s.toFixed(1)} s = ${grouped(i.rows_per_s)} rows/s; ` +
			`CPU ${i.writer_cpu_s.toFixed(1)} s writer + ${i.reader_cpu_s.toFixed(1)} s reader; ` +
			`peak RSS ${i.writer_peak_rss_mb} MB writer, ${i.reader_peak_rss_mb} MB reader (${i.peak_rss_mb} MB together)${when(i)}`
	);
	out.push('');

	const rows: string[][] = [
		[
			'page',
			'data p50',
			'data p95',
			'data CPU p95',
			'HTTP p50',
			`HTTP p95 (≤ ${t.warmP95Ms})`,
			'HTTP CPU p95',
			`cold (≤ ${t.coldMs})`,
			'cold, FP_WARM=off',
			t.bareRatio === null ? 'bare ratio' : `bare ratio (≤ ${t.bareRatio})`,
			'statements'
		]
	];
	for (const [path, p] of Object.entries(r.pages)) {
		rows.push([
			path,
			fixed(p.data_p50_ms, 1),
			fixed(p.data_p95_ms, 1),
			fixed(p.data_cpu_p95_ms, 0),
			fixed(p.warm_p50_ms, 1),
			judged(p.warm_p95_ms, t.warmP95Ms, 1),
			fixed(p.cpu_p95_ms, 0),
			judged(p.cold_ms, t.coldMs, 0),
			fixed(p.cold_no_warm_ms, 0),
			judged(p.bare_ratio, t.bareRatio, 2),
			fixed(p.statements, 0)
		]);
	}
	out.push('Per page, ms: p50/p95 over the filter sets; data: the data function in process; HTTP: the built server, warm; CPU: the server process\'s;');
	out.push('cold: the first request after a start (last 12 months, no filter), as deployed and with nothing computed ahead (FP_WARM=off):');
	out.push(columns(rows));
	out.push('');
	out.push(`server RSS after every page at every filter set: ${fixed(r.server_rss_mb)} MB`);
	out.push(`repeat (5 pairs asked a second time), p50: ${fixed(r.cache.repeat_p50_ms, 1)} ms`);
	const fc = r.cache.data_functions;
	out.push(`figure cache of the data functions (measured calls): ${grouped(fc.hits)} hits, ${grouped(fc.misses)} misses, ${grouped(fc.entries)} entries kept`);
	out.push('');

	const targetRows: string[][] = [['figure', `tier ${r.tier} target`, 'measured', '', '']];
	for (const c of Object.values(r.targets)) {
		const unit = c.unit ? ` ${c.unit}` : '';
		const value = c.value === null ? '–' : c.unit === 'rows/s' ? grouped(c.value) : fixed(c.value, c.unit === '' ? 2 : c.unit === 's' ? 1 : 0);
		const missed = c.missed_pages?.length ?? 0;
		const where = c.worst_page ? `worst ${c.worst_page}${missed > 0 ? `; ${missed} of ${Object.keys(r.pages).length} pages missed` : ''}` : '';
		const bound = `${c.bound === 'max' ? '≤' : '≥'} ${c.unit === 'rows/s' ? grouped(c.target) : c.target}${unit}`;
		targetRows.push([c.figure, bound, `${value}${unit}`, verdict(c.pass), where]);
	}
	out.push('Targets:');
	out.push(columns(targetRows, [4]));
	const missed = Object.values(r.targets).filter((c) => !c.pass).length;
	out.push(`${Object.keys(r.targets).length - missed} PASS, ${missed} MISS`);

	if (r.errors.length > 0) {
		out.push('');
		out.push(`${r.errors.length} ERRORS:`);
		for (const e of r.errors) out.push(`  ${e.phase}, ${e.page} (${e.filters}): ${e.message}`);
	}
	out.push('');
	const phases = Object.entries(r.phases).map(([name, s]) => `${name} ${s} s`);
	out.push(`bench took ${r.seconds} s (${phases.join(', ')})`);
	return out.join('\n');
}

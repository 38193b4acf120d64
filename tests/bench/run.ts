/**
 * `npm run bench`: the dashboard's pages at a tier's size (issue 12), against the tier's
 * targets. `npm run bench -- --help` for the options; `--metric-set` for the earlier
 * measurement of the metric set with and without cell keys (./metric-set.ts).
 *
 * 1. The tier's warehouse (./prepare.ts): generated and imported in child processes, or
 *    reused from the cache with the figures measured when it was made.
 * 2. Every page's data function in this process, beside its statements on bare DuckDB
 *    (./in-process.ts), under every filter set (./pages.ts).
 * 3. Every page over HTTP through the built server: cold, warm and repeated (./http.ts).
 * 4. The report (./report.ts): a table on stdout, JSON with `--json FILE`. Progress goes to
 *    stderr. The exit status is 1 when a request or a call failed, 0 otherwise (a MISS is a
 *    figure, not a failure).
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { measureHttp } from './http.ts';
import { measureInProcess } from './in-process.ts';
import { metricSetBench } from './metric-set.ts';
import { BENCH_PAGES, filterSets } from './pages.ts';
import { prepareTier, tierDir } from './prepare.ts';
import { buildReport, reportText } from './report.ts';
import { elapsed, machine, progress } from './stats.ts';
import { isTierName, TIER_NAMES, TIERS } from './tiers.ts';

const DEFAULT_FILTER_SETS = 24;

const USAGE = `Usage: npm run bench -- [--tier S|M|L] [--json FILE] [--fresh] [--filters N]
       npm run bench -- --metric-set
       npm run bench -- --help

Measures every dashboard page (${BENCH_PAGES.length}: the overview, need, response, escalation, meetings,
audits, data, each metric and /api/metrics) on a generated partnership of the tier's size,
and checks the figures against the tier's targets (PASS or MISS).

  --tier S|M|L   S about 0.5M events (the default), M about 10M, L about 60M.
  --filters N    how many filter sets (period, area, agency) each page is measured under
                 (default ${DEFAULT_FILTER_SETS}; p95 needs 20 or more to mean much).
  --fresh        generate and import the tier again, even if its cache has it.
  --json FILE    also write the figures as JSON to FILE.
  --metric-set   instead: the metric set's time with and without cell keys, on a new
                 extract of BENCH_CHILDREN children (default 130,000).

The tier's extract and warehouse are kept in BENCH_DIR (default <tmpdir>/full-picture-bench/),
one directory per tier, seed and size, and reused by later runs (their generate and import
figures are then those measured when they were made). The built server (build/) is rebuilt
first if the sources are newer. Progress goes to stderr, the report to stdout.
`;

/**
 * `buildIfNeeded` (scripts/build-if-needed.js) in a child process whose stdout is our stderr:
 * vite's output (the build inherits its caller's stdout) stays out of the report.
 */
function buildIfNeededQuietly(): void {
	const script = pathToFileURL(fileURLToPath(new URL('../../scripts/build-if-needed.js', import.meta.url))).href;
	const code = `import { buildIfNeeded } from ${JSON.stringify(script)}; buildIfNeeded((m) => console.log(m));`;
	const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 2, 'inherit'] });
	if (r.status !== 0) throw new Error(`building the dashboard failed (exit ${r.status ?? r.signal})`);
}

async function main(): Promise<number> {
	const { values } = parseArgs({
		options: {
			tier: { type: 'string', default: 'S' },
			json: { type: 'string' },
			fresh: { type: 'boolean', default: false },
			filters: { type: 'string' },
			'metric-set': { type: 'boolean', default: false },
			help: { type: 'boolean', short: 'h', default: false }
		},
		strict: true,
		allowPositionals: false
	});
	if (values.help) {
		process.stdout.write(USAGE);
		return 0;
	}
	if (values['metric-set']) {
		await metricSetBench();
		return 0;
	}
	const tierName = values.tier.toUpperCase();
	if (!isTierName(tierName)) throw new UsageError(`--tier must be one of ${TIER_NAMES.join(', ')} (got "${values.tier}")`);
	const filterCount = values.filters === undefined ? DEFAULT_FILTER_SETS : Number(values.filters);
	if (!Number.isInteger(filterCount) || filterCount < 1) throw new UsageError(`--filters must be a whole number of at least 1 (got "${values.filters}")`);
	if (filterCount < 20) progress(`only ${filterCount} filter sets: a p95 over fewer than 20 is nearly the largest`);
	const tier = TIERS[tierName];
	const jsonFile = values.json ? path.resolve(values.json) : null;

	const m = machine();
	// Seconds of each phase, for the report.
	const phases: Record<string, number> = {};
	const phase = async <T>(name: string, fn: () => T | Promise<T>): Promise<T> => {
		const start = elapsed();
		const result = await fn();
		phases[name] = Math.round(elapsed() - start);
		return result;
	};
	// Built first: a failing build stops the bench before the long parts.
	progress('building the dashboard if its sources changed');
	await phase('build', buildIfNeededQuietly);
	const prepared = await phase('prepare', () => prepareTier(tier, values.fresh));
	const data = await phase('data functions', () =>
		measureInProcess(prepared.warehouse, path.join(tierDir(tier), 'bare.duckdb'), BENCH_PAGES, (options) => filterSets(options, filterCount))
	);
	const http = await measureHttp(prepared.warehouse, BENCH_PAGES, data.filterSets);
	phases['HTTP cold'] = Math.round(http.seconds.cold);
	phases['HTTP warm'] = Math.round(http.seconds.warm);
	m.loadavg_after = loadavg().map((x) => Math.round(x * 100) / 100);

	const errors = [...data.errors, ...http.errors];
	const report = buildReport({ tier, prepared, data, http, machine: m, errors, phases, seconds: elapsed() });
	process.stdout.write(`${reportText(report, tier)}\n`);
	if (jsonFile) {
		writeFileSync(jsonFile, `${JSON.stringify(report, null, '\t')}\n`);
		progress(`figures written to ${jsonFile}`);
	}
	return errors.length > 0 ? 1 : 0;
}

class UsageError extends Error {}

main().then(
	(code) => process.exit(code),
	(e: unknown) => {
		if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
			process.stderr.write(`${(e as Error).message}\n\n${USAGE}`);
			process.exit(2);
		}
		process.stderr.write(`bench: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
		process.exit(1);
	}
);

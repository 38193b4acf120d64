/**
 * What the pages should show, worked out independently of them: the command line's metrics
 * (on a copy of the served warehouse) with their counts' cell keys, passed through the
 * server's disclosure policy (the cell key method on).
 */
import { inject } from 'vitest';
import { run } from '../../src/cli/main.ts';
import { formatShown, type Unit } from '../../src/lib/components/format.ts';
import { policyFrom, suppressMetric } from '../../src/lib/server/disclosure/index.ts';
import { computeMetrics, type CellKeys, type MetricValue } from '../../src/lib/server/metrics/compute.ts';
import { openWarehouse } from '../../src/lib/server/warehouse/warehouse.ts';
import type { MetricKey } from '../../src/lib/server/metrics/keys.ts';
import { REGISTRY } from '../../src/lib/server/metrics/registry.ts';

export interface CliFilters {
	from: string;
	to: string;
	area?: string | null;
	agency?: string | null;
}

/** Runs the command line in this process; returns its standard output, failing on a non-zero exit. */
export async function cli(...argv: string[]): Promise<string> {
	let out = '';
	let err = '';
	const code = await run(argv, { out: (t) => (out += t), err: (t) => (err += t) });
	if (code !== 0) throw new Error(`cli ${argv.join(' ')} exited ${code}: ${err}`);
	return out;
}

/** A metric's figures as the command line prints them, with the cell keys of its counts. */
export interface ExpectedMetric {
	value: number | null;
	numerator: number | null;
	denominator: number | null;
	keys?: CellKeys;
	/** A rate per 10,000's child population (the command line does not print it). */
	population?: number | null;
}

/**
 * `cli metrics … --json` for these filters (exact figures), each metric with its counts' cell
 * keys: the command line never prints them, so they come from the metric layer in this process,
 * whose exact figures must agree with the command line's.
 */
export async function cliMetrics(f: CliFilters): Promise<Record<MetricKey, ExpectedMetric>> {
	const argv = ['metrics', '--db', inject('cliWarehouse'), '--from', f.from, '--to', f.to, '--json'];
	if (f.area) argv.push('--area', f.area);
	if (f.agency) argv.push('--agency', f.agency);
	const printed: Record<MetricKey, ExpectedMetric> = JSON.parse(await cli(...argv)).metrics;
	const w = await openWarehouse(inject('cliWarehouse'));
	try {
		const result = await computeMetrics(w, { from: f.from, to: f.to, area: f.area ?? null, agency: f.agency ?? null });
		if (result.by !== null) throw new Error('a whole result was asked for');
		for (const key of Object.keys(printed) as MetricKey[]) {
			const m = result.metrics[key];
			const exact = { value: m.value, numerator: m.numerator, denominator: m.denominator };
			const said = { value: printed[key].value, numerator: printed[key].numerator, denominator: printed[key].denominator };
			if (JSON.stringify(exact) !== JSON.stringify(said)) throw new Error(`${key}: the metric layer (${JSON.stringify(exact)}) and the command line (${JSON.stringify(said)}) disagree`);
			printed[key].keys = m.keys;
			printed[key].population = m.population;
		}
	} finally {
		await w.close();
	}
	return printed;
}

/**
 * The text a page should show for a metric's figure: the command line's value, numerator and
 * denominator through the server's disclosure policy (a deployment's: primary suppression,
 * the cell key method by the counts' keys, derived figures; the CLI's JSON carries no status,
 * so a null value is shown as a symbol either way).
 */
export function expectedText(key: MetricKey, m: ExpectedMetric): string {
	const def = REGISTRY[key];
	const value: MetricValue = {
		value: m.value,
		numerator: m.numerator,
		denominator: m.denominator,
		status: m.value === null ? 'z' : 'ok',
		// The CLI does not print how many values a median has: a median shown is over more than 5.
		n: def.kind === 'median' ? (m.value === null ? 0 : 6) : null,
		population: def.kind === 'per_10k' ? (m.population ?? null) : null,
		keys: m.keys
	};
	return formatShown(suppressMetric(key, value, SERVER_POLICY).value, def.unit as Unit);
}

/** The served dashboard's policy (no DISCLOSURE_THRESHOLD is set for it). */
export const SERVER_POLICY = policyFrom({});

/**
 * What the pages should show, worked out independently of them: the command line's metrics
 * (on a copy of the served warehouse) passed through the same disclosure policy.
 */
import { inject } from 'vitest';
import { run } from '../../src/cli/main.ts';
import { formatShown, type Unit } from '../../src/lib/components/format.ts';
import { DEFAULT_POLICY, suppressMetric } from '../../src/lib/server/disclosure/index.ts';
import type { MetricValue } from '../../src/lib/server/metrics/compute.ts';
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

/** `cli metrics … --json` for these filters. */
export async function cliMetrics(f: CliFilters): Promise<Record<MetricKey, { value: number | null; numerator: number | null; denominator: number | null }>> {
	const argv = ['metrics', '--db', inject('cliWarehouse'), '--from', f.from, '--to', f.to, '--json'];
	if (f.area) argv.push('--area', f.area);
	if (f.agency) argv.push('--agency', f.agency);
	return JSON.parse(await cli(...argv)).metrics;
}

/**
 * The text a page should show for a metric's figure: the command line's value, numerator and
 * denominator through the dashboard's disclosure policy (primary suppression and derived
 * figures; the CLI's JSON carries no status, so a null value is shown as a symbol either way).
 */
export function expectedText(key: MetricKey, m: { value: number | null; numerator: number | null; denominator: number | null }): string {
	const def = REGISTRY[key];
	const value: MetricValue = {
		value: m.value,
		numerator: m.numerator,
		denominator: m.denominator,
		status: m.value === null ? 'z' : 'ok',
		// The CLI does not print how many values a median has: a median shown is over more than 5.
		n: def.kind === 'median' ? (m.value === null ? 0 : 6) : null,
		population: def.kind === 'per_10k' ? 1 : null
	};
	return formatShown(suppressMetric(key, value, DEFAULT_POLICY).value, def.unit as Unit);
}

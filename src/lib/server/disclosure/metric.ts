/**
 * Metrics (disclosure-control.md, policies 1, 3 and 6; metrics.md for what each kind is).
 *
 * - `z` and `x` statuses show as their symbols.
 * - A ratio (percentage, per 100) is `c` when its numerator or denominator is suppressed;
 *   the count shown beside it that is small is `c` too.
 * - A rate per 10,000 is `c` when its numerator is suppressed. Its denominator is the child
 *   population: an estimate of every child living in the area, not a count of children
 *   known to the services, so it is shown as it is (never suppressed, never rounded).
 * - A median over 1 to the threshold values is `c`.
 * - A count (`escalations_open_at_end`) is suppressed like any count.
 * - Publication profile: counts to the nearest 5, percentages and figures per 100 to whole
 *   numbers, rates per 10,000 to one decimal place (the DfE's convention); medians as they
 *   are (not counts, and not percentages). All derived from the unrounded counts, and every
 *   suppression decided on unrounded counts before any rounding.
 */
import type { MetricSet, MetricValue } from '../metrics/compute.ts';
import type { MetricKind, Unit } from '../metrics/definition.ts';
import { METRIC_KEYS, type MetricKey } from '../metrics/keys.ts';
import { REGISTRY } from '../metrics/registry.ts';
import { assertCount, isSmall, showCount, showDerived, symbolOnly, type Precision } from './counts.ts';
import { perturbed } from './perturbation.ts';
import { checkPolicy } from './policy.ts';
import type { DisclosurePolicy, DisclosureSymbol, Shown, ShownMetric, ShownMetricSet } from './types.ts';

/** The fields of a `MetricValue` that count children or events (so are suppressed as counts). */
export type CountField = 'numerator' | 'denominator' | 'value';

export const COUNT_FIELDS: Readonly<Record<MetricKind, readonly CountField[]>> = {
	per_10k: ['numerator'],
	ratio: ['numerator', 'denominator'],
	median: [],
	count: ['value']
};

/** How each unit's value is rounded under the publication profile. */
const PUBLICATION_PRECISION: Readonly<Record<Unit, Precision>> = {
	percent: 'whole',
	per_100: 'whole',
	per_10k: 'tenth',
	working_days: 'asis',
	hours: 'asis',
	days: 'asis',
	count: 'asis' // unused: a count metric's value is rounded as a count
};

/** Which count fields are suppressed (primary or secondary); fields not named are not. */
export type SuppressedCounts = Partial<Record<CountField, boolean>>;

/** Primary suppression of a metric's counts. */
export function primaryCounts(key: MetricKey, m: MetricValue, policy: DisclosurePolicy): SuppressedCounts {
	const out: SuppressedCounts = {};
	for (const field of COUNT_FIELDS[REGISTRY[key].kind]) {
		const n = m[field];
		out[field] = n !== null && isSmall(n, policy);
	}
	return out;
}

/** Refuses a metric value that breaks compute.ts's contract (a bug upstream, never shown half-checked). */
function checkValue(key: MetricKey, m: MetricValue): void {
	const kind = REGISTRY[key].kind;
	for (const field of COUNT_FIELDS[kind]) {
		const n = m[field];
		if (n !== null) assertCount(n, `${key}'s ${field}`);
		else if (m.status === 'ok') throw new Error(`${key} is ok but has no ${field}`);
	}
	if (m.status === 'ok' && (m.value === null || !Number.isFinite(m.value))) throw new Error(`${key} is ok but has no value`);
	if (m.status === 'ok' && kind === 'median' && (m.n === null || !Number.isSafeInteger(m.n) || m.n < 1)) {
		throw new Error(`${key} is a median of ${m.n} values`);
	}
}

/**
 * A metric as shown, its count fields' suppression decided (`suppressed`: at least the
 * primary suppression, plus any secondary suppression of a breakdown). The value follows.
 */
export function showMetric(key: MetricKey, m: MetricValue, suppressed: SuppressedCounts, policy: DisclosurePolicy): ShownMetric {
	checkValue(key, m);
	// Not applicable with nothing counted (the metrics a page does not show, in a whole set):
	// every part `z`, as the steps below would find, without them (a page shows a few of 28).
	if (m.status === 'z' && m.numerator === null && m.denominator === null && m.population === null) {
		return { value: symbolOnly('z'), numerator: symbolOnly('z'), denominator: symbolOnly('z') };
	}
	const { kind, unit } = REGISTRY[key];
	const fields = COUNT_FIELDS[kind];
	// A count that is missing: not applicable for this kind of metric, else as the metric's status says.
	const missing: DisclosureSymbol = m.status === 'x' ? 'x' : 'z';
	const cellKey = (field: CountField) => m.keys?.[field];
	// Under the cell key method (rule 7), the counts as perturbed (unrounded): a percentage's
	// numerator (a subset of its denominator's rows) capped at its denominator.
	const perturbing = policy.cellKey === true;
	const adjusted = (field: CountField): number | null => {
		const n = m[field];
		if (n === null || !perturbing || n === 0 || isSmall(n, policy)) return n;
		const k = cellKey(field);
		if (k === undefined || k === null) throw new Error(`${key}'s ${field} has no cell key to perturb it by`);
		return perturbed(n, k, policy.threshold);
	};
	const num = adjusted('numerator');
	const den = kind === 'ratio' ? adjusted('denominator') : null;
	const capped = unit === 'percent' && num !== null && den !== null && num > den ? den : num;
	const show = (field: CountField, n: number | null): Shown => {
		if (!fields.includes(field)) return symbolOnly('z');
		if (n === null) return symbolOnly(missing);
		if (suppressed[field] === true) return symbolOnly('c');
		return showCount(n, false, { ...policy, cellKey: false });
	};
	const population = (): Shown => (m.population === null ? symbolOnly(missing) : { value: m.population, symbol: null });

	const numerator = show('numerator', capped);
	const denominator = kind === 'per_10k' ? population() : show('denominator', den ?? m.denominator);
	if (m.status !== 'ok') return { value: symbolOnly(m.status), numerator, denominator };

	const precision = PUBLICATION_PRECISION[unit];
	const shown = ((): Shown => {
		switch (kind) {
			case 'count': {
				if (suppressed.value === true) return symbolOnly('c');
				return show('value', adjusted('value'));
			}
			case 'median':
				return isSmall(m.n as number, policy) ? symbolOnly('c') : showDerived(m.value as number, precision, policy);
			case 'per_10k':
			case 'ratio': {
				if (fields.some((f) => suppressed[f] === true)) return symbolOnly('c');
				// From the shown (perturbed, unrounded) counts; exactly as computed without perturbation.
				if (!perturbing) return showDerived(m.value as number, precision, policy);
				const value = kind === 'per_10k' ? (10_000 * (capped as number)) / (m.population as number) : (100 * (capped as number)) / (den as number);
				return showDerived(value, precision, policy);
			}
		}
	})();
	return { value: shown, numerator, denominator };
}

/** One metric standing alone (no breakdown beside it): primary suppression, the value following its counts. */
export function suppressMetric(key: MetricKey, m: MetricValue, policy: DisclosurePolicy): ShownMetric {
	checkPolicy(policy);
	return showMetric(key, m, primaryCounts(key, m, policy), policy);
}

/** Every metric of a set standing alone (a result without a breakdown). */
export function suppressMetricSet(set: MetricSet, policy: DisclosurePolicy): ShownMetricSet {
	checkPolicy(policy);
	return Object.fromEntries(METRIC_KEYS.map((key) => [key, suppressMetric(key, set[key], policy)])) as ShownMetricSet;
}

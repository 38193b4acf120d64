/**
 * Charts (disclosure-control.md, policy 5; metrics.md, "Monthly series and SPC"): a point not
 * shown is not drawn, a gap with a note, never a guessed value; an XmR chart's mean, limits
 * and signals come from the shown points only.
 */
import type { MetricKey } from '../metrics/keys.ts';
import { xmrChart, type SpcPoint, type XmrChart } from '../metrics/spc.ts';
import { suppressCount } from './counts.ts';
import { checkPolicy } from './policy.ts';
import type { DisclosurePolicy, DisclosureSymbol, SeriesPoint, Shown, ShownBreakdown, ShownSeries } from './types.ts';
import { symbolText } from './words.ts';

/** A point of a series before it is drawn: a figure shown already, or a count not yet suppressed. */
export interface SeriesInput {
	label: string;
	value: Shown | number | null;
	/** A bare count's cell key (needed under the cell key method). */
	key?: number | null;
}

const isShown = (v: Shown | number | null): v is Shown => v !== null && typeof v === 'object';

/**
 * A chart's series. Figures already through disclosure control (a breakdown by month from
 * `suppressGroups`, a table's row) pass as they are; a bare count or null is suppressed as
 * a count standing alone (`suppressCount`), so counts that add up to a total shown beside
 * the chart must go through `suppressTable` or `suppressComplement` first. A point with a
 * symbol has value null, and the note names every point not drawn and why.
 */
export function suppressSeries(points: readonly SeriesInput[], policy: DisclosurePolicy): ShownSeries {
	checkPolicy(policy);
	const shown: SeriesPoint[] = points.map((p) => {
		const s = isShown(p.value) ? p.value : suppressCount(p.value, policy, p.key);
		// A symbol always wins: a figure with a symbol is never drawn, whatever value it carries.
		const symbol = s.symbol ?? (s.value === null ? 'x' : null);
		return { label: p.label, value: symbol === null ? s.value : null, symbol };
	});
	return { points: shown, note: gapNote(shown, policy) };
}

/** "Not drawn: 2024-05 and 2024-07 (c, suppressed to protect …); 2024-09 (x, not available)." */
function gapNote(points: readonly SeriesPoint[], policy: DisclosurePolicy): string | null {
	const parts: string[] = [];
	for (const symbol of ['c', 'z', 'x'] as const satisfies readonly DisclosureSymbol[]) {
		const labels = points.filter((p) => p.symbol === symbol).map((p) => p.label);
		if (labels.length > 0) parts.push(`${listed(labels)} (${symbol}, ${symbolText(symbol, policy)})`);
	}
	return parts.length === 0 ? null : `Not drawn: ${parts.join('; ')}.`;
}

function listed(labels: readonly string[]): string {
	return labels.length === 1 ? labels[0] : `${labels.slice(0, -1).join(', ')} and ${labels[labels.length - 1]}`;
}

/** A metric's series over a breakdown by month, from `suppressGroups`. */
export function metricSeries(breakdown: ShownBreakdown, key: MetricKey, policy: DisclosurePolicy): ShownSeries {
	if (breakdown.by !== 'month') throw new Error(`a series is over months, not ${breakdown.by}`);
	return suppressSeries(
		breakdown.groups.map((g) => ({ label: g.group, value: g.metrics[key].value })),
		policy
	);
}

/** An XmR point with the symbol of a point not shown (the charts' `XmrPoint`). */
export type ShownSpcPoint = SpcPoint & { symbol: DisclosureSymbol | null };
export type ShownXmrChart = Omit<XmrChart, 'points'> & { points: ShownSpcPoint[] };

/** The XmR chart of the shown points only (points not shown are gaps, left out of every statistic). */
export function shownXmr(series: ShownSeries | readonly SeriesPoint[]): ShownXmrChart {
	const points = 'points' in series ? series.points : series;
	const chart = xmrChart(points.map((p) => ({ label: p.label, value: p.symbol === null ? p.value : null })));
	return { ...chart, points: chart.points.map((p, i) => ({ ...p, symbol: points[i].symbol })) };
}

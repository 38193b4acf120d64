/**
 * What disclosure control takes and gives (../shared/spec/disclosure-control.md). Everything a
 * person sees passes through ./index.ts between the metric layer and the page, API or export;
 * these types are the contract between them. Shown values are plain JSON.
 */
import type { Dimension } from '../metrics/dimensions.ts';
import type { MetricKey } from '../metrics/keys.ts';

/** GSS / DfE symbols: c suppressed, z not applicable, x not available. */
export type DisclosureSymbol = 'c' | 'z' | 'x';

/**
 * One figure as it may be shown: a value, or a symbol instead of it (value null). The value
 * is as it may be shown (rounded under the publication profile), never the raw count.
 */
export interface Shown {
	value: number | null;
	symbol: DisclosureSymbol | null;
}

export interface DisclosurePolicy {
	/** Counts from 1 to `threshold` are suppressed (default 5, never below 3). */
	threshold: number;
	/**
	 * `publication` also rounds counts to the nearest 5 and percentages to whole numbers.
	 * `unsuppressed` suppresses nothing: only for an analyst or admin who switched to it (each
	 * switch logged; never from configuration), and for nothing that leaves the server as an export.
	 */
	profile: 'dashboard' | 'publication' | 'unsuppressed';
	/**
	 * Whether shown counts are perturbed by their cell keys (rule 7, ./perturbation.ts). A
	 * deployment's policy (`policyFrom`) always perturbs under the dashboard and publication
	 * profiles and never under `unsuppressed`; a policy built by hand without it (tests of the
	 * other rules) shows exact counts.
	 */
	cellKey?: boolean;
}

/** A metric's figure as shown: its value and, for ratios and rates, the counts behind it. */
export interface ShownMetric {
	value: Shown;
	/** `z` for a median or a count. */
	numerator: Shown;
	/**
	 * For a rate per 10,000, the child population it is per (an estimate of every child in the
	 * area, not a count of children known to the services: shown, never suppressed or
	 * rounded); `z` for a median or a count.
	 */
	denominator: Shown;
}

/**
 * A table of counts as a page or export will show it. `rowTotals` / `columnTotals` say
 * whether totals are shown (then secondary suppression applies along that direction); the
 * grand total is shown when both are. Cells hold counts (never negative), or null where not
 * available. Totals are not given: they are computed here, from the unrounded counts.
 */
export interface CountTable {
	rows: string[];
	columns: string[];
	counts: (number | null)[][];
	/**
	 * Each cell's cell key (rule 7: the sum modulo 256 of the record keys of the rows it
	 * counts), as `counts` is laid out; the totals' keys are the sums of their cells'. Needed
	 * for a table shown under the cell key method.
	 */
	keys?: (number | null)[][];
	rowTotals: boolean;
	columnTotals: boolean;
}

export interface ShownTable {
	rows: string[];
	columns: string[];
	cells: Shown[][];
	/** Present when the table shows them. */
	rowTotals?: Shown[];
	columnTotals?: Shown[];
	total?: Shown;
}

/** The settings a deployment gives (environment variables, as text or numbers). */
export interface PolicySettings {
	threshold?: string | number | null;
	profile?: string | null;
}

/** Every metric of a set as shown. */
export type ShownMetricSet = Record<MetricKey, ShownMetric>;

/** A breakdown as shown: its groups and the whole they belong to, protected together. */
export interface ShownBreakdown {
	by: Dimension;
	/** The figure of the whole (the same query without a breakdown). Pages show this one. */
	total: ShownMetricSet;
	groups: { group: string; metrics: ShownMetricSet }[];
}

/** One point of a chart's series (structurally the charts' `MonthValue`). */
export interface SeriesPoint {
	label: string;
	/** Null when not drawn: a gap, never a guessed value. */
	value: number | null;
	symbol: DisclosureSymbol | null;
}

export interface ShownSeries {
	points: SeriesPoint[];
	/** Words for under the chart when a point is not drawn (null when every point is). */
	note: string | null;
}

/**
 * Histogram: a distribution of durations in bins given as data (e.g. assessments by working
 * days from start to completion), each bar labelled with its count, with a threshold marker
 * (e.g. 45 working days). A bin not shown has no bar: its symbol sits on the axis instead.
 */
import * as Plot from '@observablehq/plot';
import { count, formatNumber, formatShown, missingNote, ranked, symbolOf, type Missing } from './format.ts';
import {
	COLOURS,
	DEFAULT_WIDTH,
	FONT_SIZE,
	HALO,
	LINE_STYLES,
	baseOptions,
	finishSvg,
	marginFor,
	niceDomain,
	topLabelRows,
	verticalLines,
	type Frame,
	type LabelledLine
} from './plot-kit.ts';
import type { BuildOptions, HistogramBin, HistogramData, TableData } from './types.ts';

/** Counts. */
const DECIMALS = 0;
/** Default height (px). */
export const HISTOGRAM_HEIGHT = 300;
/** Tick labels on the duration axis are at least this far apart (px). */
const TICK_SPACING = 36;

/** A bin in words: `0 to 4` (whole numbers), `0 to under 5`, `5` (one value) or `60 or more`. */
export function binLabel(bin: HistogramBin, integer = true): string {
	const n = (v: number) => v.toLocaleString('en-GB');
	if (bin.open) return `${n(bin.x0)} or more`;
	if (!integer) return `${n(bin.x0)} to under ${n(bin.x1)}`;
	return bin.x1 - bin.x0 === 1 ? n(bin.x0) : `${n(bin.x0)} to ${n(bin.x1 - 1)}`;
}

function thresholdLine(data: HistogramData): LabelledLine[] {
	return data.threshold ? [{ value: data.threshold.value, text: data.threshold.label, style: LINE_STYLES.threshold }] : [];
}

function missing(data: HistogramData): Missing[] {
	return data.bins.flatMap((b) => {
		const symbol = symbolOf(b);
		return symbol ? [{ label: binLabel(b, data.integer), symbol }] : [];
	});
}

export function histogramSummary(data: HistogramData): string {
	const bins = data.bins;
	const parts = [`Histogram of ${data.yLabel.toLowerCase()} by ${data.xLabel.toLowerCase()}, ${count(bins.length, 'bin')}`];
	if (bins.length > 0) parts[0] += ` from ${binLabel(bins[0], data.integer)} to ${binLabel(bins[bins.length - 1], data.integer)}`;
	parts[0] += '.';
	const top = ranked(bins, (b) => b)[0];
	if (top) parts.push(`Most common: ${binLabel(top, data.integer)}, ${formatShown(top, data, DECIMALS)}.`);
	if (data.threshold) parts.push(`Marker at ${data.threshold.label}.`);
	const gaps = missing(data).length;
	if (gaps > 0) parts.push(`${count(gaps, 'bin')} not drawn.`);
	return parts.join(' ');
}

export function histogramNote(data: HistogramData): string | null {
	return missingNote(missing(data), 'bin');
}

export function histogramTable(data: HistogramData): TableData {
	return {
		rowHeader: data.xLabel,
		columns: [{ label: data.yLabel, decimals: data.decimals ?? DECIMALS, unit: data.unit }],
		rows: data.bins.map((b) => ({ header: binLabel(b, data.integer), cells: [b] })),
		notes: data.threshold ? [`The marker is at ${data.threshold.label}.`] : []
	};
}

/**
 * Bin edges to tick, thinned so labels keep apart. An open bin's edges are left to its own
 * `x0+` label (its far edge is not a value).
 */
function edgeTicks(bins: readonly HistogramBin[], plotWidth: number, span: number): number[] {
	const openAt = new Set(bins.filter((b) => b.open).map((b) => b.x0));
	const edges = [...new Set(bins.flatMap((b) => (b.open ? [] : [b.x0, b.x1])))].filter((e) => !openAt.has(e)).sort((a, b) => a - b);
	const minGap = (TICK_SPACING * span) / Math.max(1, plotWidth);
	const kept: number[] = [];
	for (const e of edges) if (kept.length === 0 || e - kept[kept.length - 1] >= minGap) kept.push(e);
	return kept;
}

export function buildHistogram(data: HistogramData, document: Document, options: BuildOptions = {}): SVGSVGElement {
	const lines = thresholdLine(data);
	const width = options.width ?? DEFAULT_WIDTH;
	const yDomain = niceDomain(data.bins.map((b) => b.value), true);
	// The y axis's label takes the top row; the threshold's words the row below.
	const marginTop = lines.length > 0 ? topLabelRows(lines.length, 24) : 28;
	const frame: Frame = {
		width,
		height: options.height ?? HISTOGRAM_HEIGHT,
		marginTop,
		marginRight: 24,
		marginBottom: 44,
		marginLeft: marginFor([yDomain[1].toLocaleString('en-GB')], 40, 80)
	};
	const xs = data.bins.flatMap((b) => [b.x0, b.x1]);
	const xDomain: [number, number] = xs.length > 0 ? [Math.min(...xs), Math.max(...xs)] : [0, 1];
	const bins = data.bins.map((b) => ({ ...b, mid: (b.x0 + b.x1) / 2 }));
	const shown = bins.filter((b) => b.value !== null);
	const notShown = bins.filter((b) => b.value === null);
	const plotWidth = width - frame.marginLeft - frame.marginRight;
	const plot = Plot.plot({
		...baseOptions(document, frame),
		x: {
			domain: xDomain,
			label: data.xLabel,
			labelAnchor: 'center',
			labelOffset: 38,
			ticks: edgeTicks(data.bins, plotWidth, xDomain[1] - xDomain[0]),
			tickFormat: (v: number) => v.toLocaleString('en-GB'),
			tickSize: 4
		},
		y: { domain: yDomain, label: data.yLabel, grid: true, tickSize: 4 },
		marks: [
			Plot.rectY(shown, { x1: 'x0', x2: 'x1', y: 'value', fill: COLOURS.point, inset: 1 }),
			Plot.ruleY([0], { stroke: COLOURS.ink }),
			...verticalLines(lines, frame, 24),
			Plot.text(shown, {
				x: 'mid',
				y: 'value',
				text: (b: HistogramBin) => formatShown(b, data, DECIMALS),
				lineAnchor: 'bottom',
				dy: -3,
				fill: COLOURS.ink,
				fontSize: FONT_SIZE,
				...HALO
			}),
			// No bar for a bin not shown: its symbol on the axis.
			Plot.text(notShown, {
				x: 'mid',
				y: 0,
				text: (b: HistogramBin) => symbolOf(b) ?? '',
				lineAnchor: 'bottom',
				dy: -3,
				fill: COLOURS.ink,
				fontSize: FONT_SIZE,
				fontWeight: 'bold'
			}),
			// An open last bin says so under the axis (its far edge is not a value).
			Plot.text(
				bins.filter((b) => b.open),
				{
					x: 'mid',
					frameAnchor: 'bottom',
					lineAnchor: 'top',
					dy: 8,
					text: (b: HistogramBin) => `${formatNumber(b.x0, {}, 0)}+`,
					fill: COLOURS.ink,
					fontSize: FONT_SIZE
				}
			)
		]
	});
	return finishSvg(plot, { label: histogramSummary(data), idPrefix: options.idPrefix });
}

/**
 * BarChart: horizontal bars ranked by value (e.g. rates per 10,000 by area), each labelled
 * with its value. A row whose value is not shown keeps its place and label but has no bar:
 * its symbol (`c`, `z` or `x`) is written where the bar would start. Optional benchmark line.
 */
import * as Plot from '@observablehq/plot';
import { count, formatNumber, formatShown, missingNote, ranked, symbolOf, type Missing } from './format.ts';
import {
	COLOURS,
	DEFAULT_WIDTH,
	FONT_SIZE,
	HALO,
	baseOptions,
	finishSvg,
	marginFor,
	niceDomain,
	targetAndBenchmarks,
	textWidth,
	topLabelRows,
	verticalLines,
	type Frame,
	type LabelledLine
} from './plot-kit.ts';
import type { BarChartData, BarDatum, BuildOptions, TableData } from './types.ts';

const DECIMALS = 1;
/** Height of a row (px), bar and gap. */
export const BAR_ROW_HEIGHT = 28;

/** Rows in chart order: by value, highest first, rows not shown last in their given order. */
export function barOrder(data: BarChartData): BarDatum[] {
	if (data.order === 'given') return [...data.bars];
	return [...ranked(data.bars, (b) => b), ...data.bars.filter((b) => b.value === null)];
}

function benchmarkLine(data: BarChartData): LabelledLine[] {
	return targetAndBenchmarks(null, data.benchmark ? [data.benchmark] : [], (v) => formatNumber(v, data, DECIMALS));
}

function missing(data: BarChartData): Missing[] {
	return barOrder(data).flatMap((b) => {
		const symbol = symbolOf(b);
		return symbol ? [{ label: b.label, symbol }] : [];
	});
}

export function barSummary(data: BarChartData): string {
	const rows = barOrder(data);
	const shown = ranked(rows, (b) => b);
	const order = data.order === 'given' ? '' : ', highest first';
	const parts = [`Bar chart of ${data.xLabel} by ${data.rowLabel.toLowerCase()} (${count(rows.length, 'row')}${order}).`];
	if (shown.length > 0) {
		const [top, bottom] = [shown[0], shown[shown.length - 1]];
		parts.push(`Highest ${top.label}, ${formatShown(top, data, DECIMALS)}; lowest ${bottom.label}, ${formatShown(bottom, data, DECIMALS)}.`);
	}
	for (const l of benchmarkLine(data)) parts.push(`${l.text}.`);
	const gaps = missing(data).length;
	if (gaps > 0) parts.push(`${gaps} not drawn.`);
	return parts.join(' ');
}

export function barNote(data: BarChartData): string | null {
	return missingNote(missing(data), 'bar');
}

export function barTable(data: BarChartData): TableData {
	return {
		rowHeader: data.rowLabel,
		columns: [{ label: data.xLabel, decimals: data.decimals ?? DECIMALS, unit: data.unit }],
		rows: barOrder(data).map((b) => ({ header: b.label, cells: [b] })),
		notes: benchmarkLine(data).map((l) => `${l.text}.`)
	};
}

export function buildBarChart(data: BarChartData, document: Document, options: BuildOptions = {}): SVGSVGElement {
	const rows = barOrder(data);
	const lines = benchmarkLine(data);
	const labels = rows.map((b) => formatShown(b, data, DECIMALS));
	const marginTop = lines.length > 0 ? topLabelRows(lines.length) : 8;
	const marginBottom = 40;
	const width = options.width ?? DEFAULT_WIDTH;
	const frame: Frame = {
		width,
		height: options.height ?? marginTop + marginBottom + rows.length * BAR_ROW_HEIGHT,
		marginTop,
		marginBottom,
		marginLeft: marginFor(rows.map((b) => b.label), 60, Math.round(width * 0.4)),
		// Room for the value written after the longest bar.
		marginRight: Math.max(24, ...labels.map((l) => textWidth(l) + 10))
	};
	const domain = niceDomain([...rows.map((b) => b.value), ...lines.map((l) => l.value)], true);
	const shown = rows.filter((b) => b.value !== null);
	const notShown = rows.filter((b) => b.value === null);
	const plot = Plot.plot({
		...baseOptions(document, frame),
		x: { domain, label: data.xLabel, grid: true, tickSize: 4, labelAnchor: 'right' },
		y: { domain: rows.map((b) => b.label), label: null, padding: 0.25, tickSize: 0 },
		marks: [
			Plot.barX(shown, { x: 'value', y: 'label', fill: COLOURS.point }),
			Plot.ruleX([0], { stroke: COLOURS.ink }),
			// The benchmark crosses the bars; the values' white outline keeps them readable over it.
			...verticalLines(lines, frame),
			Plot.text(shown, {
				x: 'value',
				y: 'label',
				text: (b: BarDatum) => formatShown(b, data, DECIMALS),
				textAnchor: 'start',
				dx: 4,
				fill: COLOURS.ink,
				fontSize: FONT_SIZE,
				...HALO
			}),
			// No bar for a value not shown: its symbol, in words' place.
			Plot.text(notShown, {
				x: 0,
				y: 'label',
				text: (b: BarDatum) => symbolOf(b) ?? '',
				textAnchor: 'start',
				dx: 6,
				fill: COLOURS.ink,
				fontSize: FONT_SIZE,
				fontWeight: 'bold'
			})
		]
	});
	return finishSvg(plot, { label: barSummary(data), idPrefix: options.idPrefix });
}

/**
 * TrendChart: one or more monthly series as lines with a point at each shown month. A month
 * that is not shown (null, with its symbol) breaks the line and has no point: a gap, never a
 * guessed value. Optional target and benchmark lines, labelled in words.
 */
import * as Plot from '@observablehq/plot';
import { count, formatNumber, listWords, missingNote, monthName, monthSpan, SYMBOL_MEANING, SYMBOL_ORDER, symbolOf, type Missing, type NoteSummary } from './format.ts';
import { monthlyLayout } from './monthly.ts';
import { baseOptions, finishSvg, legend, seriesStyle, targetAndBenchmarks, type LabelledLine } from './plot-kit.ts';
import type { BuildOptions, DisclosureSymbol, TableData, TrendChartData } from './types.ts';

/** Rates and percentages: one decimal unless the data says otherwise. */
const DECIMALS = 1;

/** Every month of any series, in order. */
function monthsOf(data: TrendChartData): string[] {
	return [...new Set(data.series.flatMap((s) => s.points.map((p) => p.label)))].sort();
}

function lines(data: TrendChartData): LabelledLine[] {
	return targetAndBenchmarks(data.target, data.benchmarks, (v) => formatNumber(v, data, DECIMALS));
}

/** The months (per series when several) not drawn, and why. */
function missing(data: TrendChartData): Missing[] {
	const several = data.series.length > 1;
	return data.series.flatMap((s) =>
		s.points.flatMap((p) => {
			const symbol = symbolOf(p);
			return symbol ? [{ label: several ? `${monthName(p.label)} (${s.name})` : monthName(p.label), symbol }] : [];
		})
	);
}

/** The short summary read out for the chart. */
export function trendSummary(data: TrendChartData): string {
	const span = monthSpan(monthsOf(data));
	const parts = [`Line chart of ${data.yLabel} by month${span ? `, ${span}` : ''}.`];
	for (const s of data.series) {
		const latest = [...s.points].reverse().find((p) => p.value !== null);
		const name = data.series.length > 1 ? `${s.name}: latest` : 'Latest';
		if (latest && latest.value !== null) parts.push(`${name} ${formatNumber(latest.value, data, DECIMALS)} in ${monthName(latest.label)}.`);
	}
	for (const l of lines(data)) parts.push(`${l.text}.`);
	const gaps = missing(data).length;
	if (gaps > 0) parts.push(`${count(gaps, 'value')} not drawn.`);
	return parts.join(' ');
}

/**
 * The note under the chart about gaps, or null when there are none. With `summary` (narrow
 * charts: `LONG_LIST`), a long list of months is summarised: how many, and the first few.
 */
export function trendNote(data: TrendChartData, summary?: NoteSummary): string | null {
	return missingNote(missing(data), data.series.length > 1 ? 'value' : 'month', [], summary);
}

/**
 * Null when the chart has something to draw; otherwise what is missing and why, shown in place
 * of empty axes, e.g. "Nothing to draw: every month's figure is suppressed to protect
 * confidentiality (c)."
 */
export function trendEmpty(data: TrendChartData): string | null {
	const points = data.series.flatMap((s) => s.points);
	if (points.some((p) => p.value !== null)) return null;
	if (points.length === 0) return 'Nothing to draw: there are no months to show.';
	const several = data.series.length > 1;
	const what = several ? 'value' : 'month';
	const kinds = SYMBOL_ORDER.map((symbol) => ({ symbol, n: points.filter((p) => symbolOf(p) === symbol).length })).filter((k) => k.n > 0);
	const words = (symbol: DisclosureSymbol) => `${SYMBOL_MEANING[symbol]} (${symbol})`;
	const lead =
		kinds.length === 1
			? points.length === 1
				? `the only ${what} is ${words(kinds[0].symbol)}`
				: `${several ? 'every value' : 'every month’s figure'} is ${words(kinds[0].symbol)}`
			: `of ${count(points.length, what)}, ${listWords(kinds.map((k) => `${k.n.toLocaleString('en-GB')} ${k.n === 1 ? 'is' : 'are'} ${words(k.symbol)}`))}`;
	return `Nothing to draw: ${lead}. The table gives every ${what}.`;
}

/** The numbers behind the chart: a row per month, a column per series. */
export function trendTable(data: TrendChartData): TableData {
	const columns = data.series.map((s) => ({ label: s.name, decimals: data.decimals ?? DECIMALS, unit: data.unit }));
	const rows = monthsOf(data).map((month) => ({
		header: monthName(month),
		cells: data.series.map((s) => s.points.find((p) => p.label === month) ?? { value: null, symbol: 'x' as const })
	}));
	return { rowHeader: 'Month', columns, rows, notes: lines(data).map((l) => `${l.text}.`) };
}

/** Builds the chart in `document` (the browser's, or linkedom's on the server and in tests). */
export function buildTrendChart(data: TrendChartData, document: Document, options: BuildOptions = {}): SVGSVGElement {
	const layout = monthlyLayout(
		{
			months: monthsOf(data),
			values: data.series.flatMap((s) => s.points.map((p) => p.value)),
			lines: lines(data),
			yLabel: data.yLabel,
			zero: data.zero ?? true,
			legendRow: data.series.length > 1
		},
		options
	);
	const seriesMarks = data.series.flatMap((s, i) => {
		const style = seriesStyle(i);
		const points = s.points.map((p) => ({ date: layout.date(p.label), value: p.value }));
		const shown = points.filter((p) => p.value !== null);
		return [
			// Null values break the line: Plot leaves a gap rather than joining across.
			Plot.lineY(points, { x: 'date', y: 'value', stroke: style.colour, strokeWidth: 2, strokeDasharray: style.dash }),
			Plot.dot(shown, { x: 'date', y: 'value', symbol: style.symbol, fill: style.colour, stroke: 'white', strokeWidth: 1, r: 4 })
		];
	});
	const legendMarks =
		data.series.length > 1
			? legend(
					data.series.map((s, i) => ({ label: s.name, symbol: seriesStyle(i).symbol, colour: seriesStyle(i).colour })),
					layout.frame
				)
			: [];
	const plot = Plot.plot({
		...baseOptions(document, layout.frame),
		x: layout.x,
		y: layout.y,
		marks: [...layout.marks, ...seriesMarks, ...legendMarks]
	});
	return finishSvg(plot, { label: trendSummary(data), idPrefix: options.idPrefix });
}

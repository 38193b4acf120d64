/**
 * XmrChart: the SPC chart of metrics.md ("Monthly series and SPC", NHS England's "Making Data
 * Count"): the monthly points joined by a line, the centre line (mean) and the upper and lower
 * process limits, target and benchmark lines. Points with a special-cause signal are drawn as
 * orange diamonds, the others as blue circles: shape and colour differ, and a legend and the
 * table say which is which. A month not shown is a gap with no point; the mean, limits and
 * signals come to this chart already computed from the shown months only (server spc.ts).
 */
import * as Plot from '@observablehq/plot';
import { count, formatNumber, listWords, missingNote, monthName, monthSpan, symbolOf, type Missing } from './format.ts';
import { monthlyLayout } from './monthly.ts';
import {
	COLOURS,
	LINE_STYLES,
	baseOptions,
	finishSvg,
	legend,
	targetAndBenchmarks,
	type LabelledLine,
	type LegendItem
} from './plot-kit.ts';
import type { BuildOptions, SpcSignalsData, TableData, XmrChartData, XmrPoint } from './types.ts';

const DECIMALS = 1;

/** How each point kind is drawn: different shape, colour and size. */
export const XMR_MARKS = {
	common: { symbol: 'circle', colour: COLOURS.point, r: 4, label: 'Common cause' },
	special: { symbol: 'diamond', colour: COLOURS.signal, r: 6.5, label: 'Special cause' }
} as const;

/** The rules of metrics.md in words, as the table and summary give them. */
export const SIGNAL_WORDS: Readonly<Record<keyof SpcSignalsData, string>> = {
	outsideLimits: 'outside the process limits',
	run: 'run of 7 or more on one side of the mean',
	trend: '6 or more rising or falling in a row',
	nearLimit: '2 of 3 near a process limit'
};

function fmt(data: XmrChartData): (v: number) => string {
	return (v) => formatNumber(v, data, DECIMALS);
}

/** Mean and limits (when known), then target and benchmarks, as labelled lines. */
function lines(data: XmrChartData): LabelledLine[] {
	const f = fmt(data);
	const out: LabelledLine[] = [];
	if (data.upperLimit !== null) out.push({ value: data.upperLimit, text: `Upper limit ${f(data.upperLimit)}`, style: LINE_STYLES.limit });
	if (data.mean !== null) out.push({ value: data.mean, text: `Mean ${f(data.mean)}`, style: LINE_STYLES.mean });
	if (data.lowerLimit !== null) out.push({ value: data.lowerLimit, text: `Lower limit ${f(data.lowerLimit)}`, style: LINE_STYLES.limit });
	return [...out, ...targetAndBenchmarks(data.target, data.benchmarks, f)];
}

function missing(data: XmrChartData): Missing[] {
	return data.points.flatMap((p) => {
		const symbol = symbolOf(p);
		return symbol ? [{ label: monthName(p.label), symbol }] : [];
	});
}

/** Whether a point is drawn as a special cause (only shown points can be). */
function isSpecial(p: XmrPoint): boolean {
	return p.value !== null && p.specialCause;
}

/** The signals of a point in words, e.g. `outside the process limits; run of 7 …`. */
export function signalWords(p: XmrPoint): string {
	if (!p.signals) return 'special cause';
	const words = (Object.keys(SIGNAL_WORDS) as (keyof SpcSignalsData)[]).filter((k) => p.signals?.[k]).map((k) => SIGNAL_WORDS[k]);
	return words.length > 0 ? words.join('; ') : 'special cause';
}

export function xmrSummary(data: XmrChartData): string {
	const f = fmt(data);
	const span = monthSpan(data.points.map((p) => p.label));
	const parts = [`SPC chart (XmR) of ${data.yLabel} by month${span ? `, ${span}` : ''}.`];
	if (data.mean !== null) parts.push(`Mean ${f(data.mean)}.`);
	if (data.lowerLimit !== null && data.upperLimit !== null)
		parts.push(`Process limits ${f(data.lowerLimit)} to ${f(data.upperLimit)}.`);
	const special = data.points.filter(isSpecial).map((p) => monthName(p.label));
	parts.push(special.length > 0 ? `Special cause in ${listWords(special)}.` : 'No special-cause signals.');
	for (const l of targetAndBenchmarks(data.target, data.benchmarks, f)) parts.push(`${l.text}.`);
	const gaps = missing(data).length;
	if (gaps > 0) parts.push(`${count(gaps, 'month')} not drawn.`);
	return parts.join(' ');
}

export function xmrNote(data: XmrChartData): string | null {
	return missingNote(missing(data), 'month', ['The mean, the process limits and the signals are computed from the months shown only.']);
}

/** The numbers behind the chart: month, value, and the special-cause signals in words. */
export function xmrTable(data: XmrChartData): TableData {
	const f = fmt(data);
	const notes: string[] = [];
	if (data.mean !== null) notes.push(`Centre line (mean): ${f(data.mean)}.`);
	if (data.lowerLimit !== null && data.upperLimit !== null)
		notes.push(`Process limits: ${f(data.lowerLimit)} to ${f(data.upperLimit)} (the mean ± 2.66 × the mean moving range).`);
	for (const l of targetAndBenchmarks(data.target, data.benchmarks, f)) notes.push(`${l.text}.`);
	return {
		rowHeader: 'Month',
		columns: [
			{ label: data.yLabel, decimals: data.decimals ?? DECIMALS, unit: data.unit },
			{ label: 'Special cause', numeric: false }
		],
		rows: data.points.map((p) => ({
			header: monthName(p.label),
			cells: [p, p.value === null ? 'not assessed' : isSpecial(p) ? `Yes: ${signalWords(p)}` : 'No']
		})),
		notes
	};
}

export function buildXmrChart(data: XmrChartData, document: Document, options: BuildOptions = {}): SVGSVGElement {
	const layout = monthlyLayout(
		{
			months: data.points.map((p) => p.label),
			values: data.points.map((p) => p.value),
			lines: lines(data),
			yLabel: data.yLabel,
			zero: false,
			legendRow: true
		},
		options
	);
	const points = data.points.map((p) => ({ date: layout.date(p.label), value: p.value, special: isSpecial(p) }));
	const shown = points.filter((p) => p.value !== null);
	const dots = (special: boolean) => {
		const kind = special ? XMR_MARKS.special : XMR_MARKS.common;
		return Plot.dot(
			shown.filter((p) => p.special === special),
			{ x: 'date', y: 'value', symbol: kind.symbol, r: kind.r, fill: kind.colour, stroke: COLOURS.background, strokeWidth: 1 }
		);
	};
	const items: LegendItem[] = [XMR_MARKS.common, XMR_MARKS.special].map((k) => ({ label: k.label, symbol: k.symbol, colour: k.colour }));
	const plot = Plot.plot({
		...baseOptions(document, layout.frame),
		x: layout.x,
		y: layout.y,
		marks: [
			...layout.marks,
			// Null values break the line: a gap, never joined across.
			Plot.lineY(points, { x: 'date', y: 'value', stroke: COLOURS.muted, strokeWidth: 1.5 }),
			dots(false),
			dots(true),
			...legend(items, layout.frame)
		]
	});
	return finishSvg(plot, { label: xmrSummary(data), idPrefix: options.idPrefix });
}

/**
 * The layout shared by the monthly charts (trend and XmR): a UTC month axis, a y axis fitted
 * to the values and the reference lines, and those lines labelled in the right margin.
 */
import * as Plot from '@observablehq/plot';
import { monthDate } from './format.ts';
import {
	DEFAULT_WIDTH,
	horizontalLines,
	marginFor,
	monthScale,
	niceDomain,
	yPixels,
	COLOURS,
	type Frame,
	type LabelledLine
} from './plot-kit.ts';
import type { BuildOptions } from './types.ts';

/** Default height of the monthly charts (px). */
export const MONTHLY_HEIGHT = 320;

export interface MonthlyInput {
	/** Every month shown on the axis, `YYYY-MM`, in order. */
	months: readonly string[];
	/** The values drawn (nulls ignored): with the lines, they set the y domain. */
	values: readonly (number | null)[];
	/** Horizontal lines labelled in the right margin (target, benchmarks, mean, limits). */
	lines: readonly LabelledLine[];
	yLabel: string;
	/** Start the y axis at zero when every value is ≥ 0. */
	zero: boolean;
	/** Leave a row above the chart for a legend. */
	legendRow: boolean;
}

export interface MonthlyLayout {
	frame: Frame;
	/** Plot's scale options for x and y. */
	x: Plot.ScaleOptions;
	y: Plot.ScaleOptions;
	/** The zero baseline (when in the domain) and the labelled lines. */
	marks: Plot.Markish[];
	/** A month's position on the x scale. */
	date: (label: string) => Date;
}

/** Lays out a monthly chart of the given size. */
export function monthlyLayout(input: MonthlyInput, options: BuildOptions = {}): MonthlyLayout {
	const width = options.width ?? DEFAULT_WIDTH;
	const height = options.height ?? MONTHLY_HEIGHT;
	const domain = niceDomain([...input.values, ...input.lines.map((l) => l.value)], input.zero);
	const tickTexts = domain.map((v) => v.toLocaleString('en-GB', { maximumFractionDigits: 1 }) + '.0');
	const frame: Frame = {
		width,
		height,
		// The y axis's label sits 17 px above the frame; a legend takes a row above that.
		marginTop: input.legendRow ? 42 : 24,
		marginRight: input.lines.length > 0 ? marginFor(input.lines.map((l) => l.text), 16, Math.round(width / 3)) : 16,
		marginBottom: 36,
		marginLeft: marginFor(tickTexts, 40, 90)
	};
	const dates = new Map(input.months.map((m) => [m, monthDate(m)]));
	const date = (label: string): Date => dates.get(label) ?? monthDate(label);
	const marks: Plot.Markish[] = [];
	if (domain[0] <= 0 && domain[1] >= 0) marks.push(Plot.ruleY([0], { stroke: COLOURS.ink, strokeWidth: 1 }));
	marks.push(...horizontalLines(input.lines, yPixels(domain, frame), frame));
	return {
		frame,
		x: monthScale([...dates.values()], width - frame.marginLeft - frame.marginRight),
		y: { type: 'linear', domain, label: input.yLabel, grid: true, tickSize: 4 },
		marks,
		date
	};
}

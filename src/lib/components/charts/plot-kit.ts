/**
 * The one place the charts share how they use Observable Plot: colours (checked for contrast),
 * text size, axes, reference lines, the in-chart legend, and the finishing of the SVG
 * (role and label for assistive technology, deterministic ids, serialisation).
 *
 * Every builder takes the `document` to build in: the browser's, or linkedom's on the server
 * and in tests (stack-on-these-machines.md: Plot on the server). Nothing here relies on hover:
 * Plot's `tip` and `title` do nothing in print or on the server, so every value a reader needs
 * is drawn as text or is in the data table.
 */
import * as Plot from '@observablehq/plot';
import type { ReferenceLine } from './types.ts';

// ---------------------------------------------------------------- colours

/**
 * Colours on a white background. Every colour used for marks also labels them in text, so
 * each reaches 4.5:1 (WCAG 1.4.3; marks need 3:1, 1.4.11); charts.test.ts checks them.
 */
export const COLOURS = {
	/** Text, axes and the mean line: black (so `inkOn` always finds 4.5:1). */
	ink: '#000000',
	background: '#ffffff',
	/** Secondary text and lines (process limits, cell outlines): 7:1. */
	muted: '#505a5f',
	/** Ordinary (common-cause) points. */
	point: '#1d70b8',
	/** Special-cause points: a different colour and a different shape. */
	signal: '#b34700',
	target: '#00703c',
	benchmark: '#4c2c92',
	/** The ends of the sequential scale of grids (values are printed in the cells too). */
	scaleLow: '#f3f7fb',
	scaleHigh: '#0b3a6e'
} as const;

/** Series colours in order, each ≥ 4.5:1 on white (so usable for their labels too). */
export const SERIES_COLOURS = ['#1d70b8', '#b34700', '#00703c', '#4c2c92', '#a3141d', '#505a5f'] as const;
/** Series symbols in order: with the dashes, series differ by more than colour. */
export const SERIES_SYMBOLS = ['circle', 'square', 'triangle', 'diamond', 'cross', 'star'] as const;
/** Series line dashes in order (none for the first). */
export const SERIES_DASHES = [undefined, '6,3', '2,3', '8,3,2,3', '12,4', '1,2'] as const;

/** The i-th series' colour, symbol and dash (cycling). */
export function seriesStyle(i: number): { colour: string; symbol: string; dash: string | undefined } {
	return {
		colour: SERIES_COLOURS[i % SERIES_COLOURS.length],
		symbol: SERIES_SYMBOLS[i % SERIES_SYMBOLS.length],
		dash: SERIES_DASHES[i % SERIES_DASHES.length]
	};
}

function rgbOf(hex: string): [number, number, number] {
	const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
	if (!m) throw new Error(`Not a #rrggbb colour: ${hex}`);
	return [parseInt(m[1], 16), parseInt(m[2], 16), parseInt(m[3], 16)];
}

/** WCAG relative luminance of a `#rrggbb` colour. */
export function luminance(hex: string): number {
	const [r, g, b] = rgbOf(hex).map((v) => {
		const s = v / 255;
		return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
	});
	return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG contrast ratio of two `#rrggbb` colours (1 to 21). */
export function contrastRatio(a: string, b: string): number {
	const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
	return (hi + 0.05) / (lo + 0.05);
}

/** The colour a fraction t (0 to 1) of the way from a to b, as `#rrggbb`. */
export function mixColours(a: string, b: string, t: number): string {
	const [ca, cb] = [rgbOf(a), rgbOf(b)];
	const u = Math.min(1, Math.max(0, t));
	return `#${ca.map((v, i) => Math.round(v + (cb[i] - v) * u).toString(16).padStart(2, '0')).join('')}`;
}

/**
 * Text colour on a fill: black or white, whichever contrasts more. One of them always reaches
 * 4.5:1 (the worst case, a fill of luminance ~0.18, gives about 4.58:1 with either).
 */
export function inkOn(fill: string): string {
	return contrastRatio(fill, COLOURS.ink) >= contrastRatio(fill, COLOURS.background) ? COLOURS.ink : COLOURS.background;
}

// ---------------------------------------------------------------- text

/** Every text in a chart is at least this size (px). */
export const FONT_SIZE = 12;

/** A white outline behind text that may cross a line or grid, so it stays readable. */
export const HALO = { stroke: '#ffffff', strokeWidth: 3, paintOrder: 'stroke' } as const;

/** A generous estimate of a text's width in px at FONT_SIZE (no layout on the server). */
export function textWidth(text: string, fontSize = FONT_SIZE): number {
	return Math.ceil(text.length * fontSize * 0.62);
}

/** Margin that fits the longest of some labels, plus padding, within [min, max]. */
export function marginFor(labels: readonly string[], min: number, max: number, padding = 12): number {
	const widest = labels.reduce((w, l) => Math.max(w, textWidth(l)), 0);
	return Math.min(max, Math.max(min, widest + padding));
}

// ---------------------------------------------------------------- options and scales

/** Default chart width (px). */
export const DEFAULT_WIDTH = 640;

export interface Frame {
	width: number;
	height: number;
	marginTop: number;
	marginRight: number;
	marginBottom: number;
	marginLeft: number;
}

/**
 * The Plot options every chart starts from: the document, the frame, black text on white at
 * FONT_SIZE, and a fixed class name (Plot's default is fixed too, but ours is ours). The
 * accessible name and role are added by `finishSvg`.
 */
export function baseOptions(document: Document, frame: Frame): Plot.PlotOptions {
	return {
		document,
		...frame,
		className: 'fp-plot',
		style: { color: COLOURS.ink, background: COLOURS.background, fontSize: `${FONT_SIZE}px`, overflow: 'visible' }
	};
}

/**
 * A continuous domain covering the values (nulls ignored), made nice, from zero when `zero`
 * and all values are ≥ 0. With no values, [0, 1].
 */
export function niceDomain(values: readonly (number | null | undefined)[], zero: boolean): [number, number] {
	const finite = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
	if (finite.length === 0) return [0, 1];
	let lo = Math.min(...finite);
	let hi = Math.max(...finite);
	if (zero && lo >= 0) lo = 0;
	if (lo === hi) [lo, hi] = zero ? [Math.min(0, lo), Math.max(0, hi)] : [lo - 1, hi + 1];
	if (lo === hi) hi = lo + 1;
	const domain = Plot.scale({ y: { domain: [lo, hi], nice: true } }).domain as [number, number];
	return [domain[0], domain[1]];
}

/** A linear map between values and pixels. */
export interface LinearScale {
	apply: (v: number) => number;
	invert: (p: number) => number;
}

/** A linear map from a domain to a range (pixel positions we must know before Plot draws). */
export function linear(domain: readonly [number, number], range: readonly [number, number]): LinearScale {
	const [d0, d1] = domain;
	const [r0, r1] = range;
	const k = (r1 - r0) / (d1 - d0 || 1);
	return { apply: (v) => r0 + (v - d0) * k, invert: (p) => d0 + (p - r0) / k };
}

/** The y pixels of a frame: the domain's low end at the frame's bottom. */
export function yPixels(domain: readonly [number, number], frame: Frame): LinearScale {
	return linear(domain, [frame.height - frame.marginBottom, frame.marginTop]);
}

/** Months between two first-of-month UTC dates. */
function monthsBetween(a: Date, b: Date): number {
	return (b.getUTCFullYear() - a.getUTCFullYear()) * 12 + b.getUTCMonth() - a.getUTCMonth();
}

/**
 * The x scale of a monthly chart: UTC, ticks every 1, 2, 3, 6 or 12 months so that ticks are
 * at least ~44 px apart, and a single month padded so it has room.
 */
export function monthScale(months: readonly Date[], plotWidth: number): Plot.ScaleOptions {
	const first = months[0];
	const last = months[months.length - 1];
	const span = first && last ? monthsBetween(first, last) : 0;
	const step = [1, 2, 3, 6, 12].find((s) => (plotWidth / Math.max(1, span)) * s >= 44) ?? 12;
	const pad = (d: Date, by: number) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + by, 1));
	const domain = span === 0 && first ? [pad(first, -1), pad(first, 1)] : [first, last];
	return {
		type: 'utc',
		domain,
		label: null,
		ticks: step === 12 ? 'year' : step === 1 ? 'month' : `${step} months`,
		tickSize: 4
	};
}

// ---------------------------------------------------------------- reference lines

/** How a reference line looks; every kind also has its own words, never colour alone. */
export interface LineStyle {
	stroke: string;
	strokeWidth: number;
	strokeDasharray?: string;
}

export const LINE_STYLES = {
	target: { stroke: COLOURS.target, strokeWidth: 2 },
	benchmark: { stroke: COLOURS.benchmark, strokeWidth: 1.5, strokeDasharray: '6,4' },
	mean: { stroke: COLOURS.ink, strokeWidth: 1.5 },
	limit: { stroke: COLOURS.muted, strokeWidth: 1.5, strokeDasharray: '3,3' },
	threshold: { stroke: COLOURS.ink, strokeWidth: 2, strokeDasharray: '5,3' }
} satisfies Record<string, LineStyle>;

/** A line to draw across the frame with its words. */
export interface LabelledLine {
	value: number;
	/** Words beside the line, e.g. `Target 20.0`. */
	text: string;
	style: LineStyle;
}

/** Target and benchmarks as labelled lines, with their values written by `format`. */
export function targetAndBenchmarks(
	target: ReferenceLine | null | undefined,
	benchmarks: readonly ReferenceLine[] | undefined,
	format: (v: number) => string
): LabelledLine[] {
	const lines: LabelledLine[] = [];
	if (target) lines.push({ value: target.value, text: `${target.label} ${format(target.value)}`, style: LINE_STYLES.target });
	for (const b of benchmarks ?? []) lines.push({ value: b.value, text: `${b.label} ${format(b.value)}`, style: LINE_STYLES.benchmark });
	return lines;
}

/**
 * Moves label positions (px) apart so no two are closer than `gap`, keeping their order,
 * within [min, max] where there is room, and staying as near their lines as that allows.
 */
export function spreadPositions(positions: readonly number[], bounds: readonly [number, number], gap = FONT_SIZE + 2): number[] {
	const [min, max] = bounds;
	const order = positions.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p);
	const placed = order.map((o) => Math.min(max, Math.max(min, o.p)));
	for (let k = 1; k < placed.length; k++) placed[k] = Math.max(placed[k], placed[k - 1] + gap);
	for (let k = placed.length - 1; k >= 0; k--) {
		const limit = k === placed.length - 1 ? max : placed[k + 1] - gap;
		placed[k] = Math.min(placed[k], limit);
	}
	const out = new Array<number>(positions.length);
	order.forEach((o, k) => (out[o.i] = placed[k]));
	return out;
}

/**
 * Horizontal lines across the frame with their words in the right margin, spread so they do
 * not overlap. `y` maps values to pixels as the chart's y scale does.
 */
export function horizontalLines(lines: readonly LabelledLine[], y: LinearScale, frame: Frame): Plot.Markish[] {
	const bounds: [number, number] = [frame.marginTop / 2, frame.height - frame.marginBottom];
	const labelAt = spreadPositions(lines.map((l) => y.apply(l.value)), bounds).map((p) => y.invert(p));
	return lines.flatMap((l, i) => [
		Plot.ruleY([l.value], { ...l.style }),
		Plot.text([l.text], {
			y: [labelAt[i]],
			text: (d: string) => d,
			frameAnchor: 'right',
			textAnchor: 'start',
			dx: 6,
			fill: l.style.stroke,
			fontSize: FONT_SIZE,
			...HALO
		})
	]);
}

/**
 * Vertical lines (bars, histograms) with their words above the frame, left-aligned at the
 * line, one row each from `top` px below the top of the chart (see `topLabelRows`).
 */
export function verticalLines(lines: readonly LabelledLine[], frame: Frame, top = 6): Plot.Markish[] {
	return lines.flatMap((l, i) => [
		Plot.ruleX([l.value], { ...l.style }),
		Plot.text([l.text], {
			x: [l.value],
			text: (d: string) => d,
			frameAnchor: 'top',
			textAnchor: 'start',
			lineAnchor: 'top',
			dx: 4,
			dy: top - frame.marginTop + i * LABEL_ROW,
			fill: l.style.stroke,
			fontSize: FONT_SIZE,
			...HALO
		})
	]);
}

/** Height of a row of labels (px). */
export const LABEL_ROW = FONT_SIZE + 4;

/** Height of the top margin that holds `count` rows of labels from `top` px, and a gap. */
export function topLabelRows(count: number, top = 6): number {
	return top + count * LABEL_ROW + 4;
}

// ---------------------------------------------------------------- legend

export interface LegendItem {
	label: string;
	symbol: string;
	colour: string;
	/** Draw the symbol filled (default) or as an outline. */
	filled?: boolean;
}

/** Where the legend row's middle sits, px from the top (below the y axis's label, which Plot puts at the very top). */
export const LEGEND_Y = 28;

/** A one-row legend in the top margin, from the frame's left edge: each symbol then its words. */
export function legend(items: readonly LegendItem[], frame: Frame): Plot.Markish[] {
	let x = -frame.marginLeft + 8;
	const dy = LEGEND_Y - frame.marginTop;
	return items.flatMap((item) => {
		const at = x;
		x += 14 + textWidth(item.label) + 16;
		return [
			Plot.dot([item], {
				frameAnchor: 'top-left',
				dx: at + 5,
				dy,
				r: 4.5,
				symbol: item.symbol,
				stroke: item.colour,
				fill: item.filled === false ? COLOURS.background : item.colour,
				strokeWidth: 1.5
			}),
			Plot.text([item.label], {
				frameAnchor: 'top-left',
				lineAnchor: 'middle',
				text: (d: string) => d,
				dx: at + 14,
				dy,
				textAnchor: 'start',
				fill: COLOURS.ink,
				fontSize: FONT_SIZE
			})
		];
	});
}

// ---------------------------------------------------------------- the finished SVG

/**
 * Renumbers every `id` in the element as `${prefix}-1`, `${prefix}-2`, … in document order and
 * rewrites the references to them (`url(#…)`, `href="#…"`, aria id lists), so snapshots are
 * stable (Plot counts clip paths across all charts it has drawn) and ids are unique on a page
 * when each chart has its own prefix.
 */
export function renumberIds(root: Element, prefix: string): void {
	const renamed = new Map<string, string>();
	const withIds = [root, ...Array.from(root.querySelectorAll('[id]'))].filter((el) => el.hasAttribute('id'));
	withIds.forEach((el, i) => {
		const next = `${prefix}-${i + 1}`;
		renamed.set(el.getAttribute('id') as string, next);
		el.setAttribute('id', next);
	});
	if (renamed.size === 0) return;
	const idLists = new Set(['aria-labelledby', 'aria-describedby', 'aria-controls', 'aria-owns']);
	for (const el of [root, ...Array.from(root.querySelectorAll('*'))]) {
		for (const attr of Array.from(el.attributes)) {
			let value = attr.value;
			if (idLists.has(attr.name)) value = value.split(/\s+/).map((id) => renamed.get(id) ?? id).join(' ');
			else if ((attr.name === 'href' || attr.name === 'xlink:href') && value.startsWith('#'))
				value = `#${renamed.get(value.slice(1)) ?? value.slice(1)}`;
			else value = value.replace(/url\(#([^)]+)\)/g, (all, id: string) => (renamed.has(id) ? `url(#${renamed.get(id)})` : all));
			if (value !== attr.value) el.setAttribute(attr.name, value);
		}
	}
}

export interface FinishOptions {
	/** The short text summary (the accessible name). */
	label: string;
	/** A longer description, if any (`aria-description`). */
	description?: string | null;
	idPrefix?: string;
}

/**
 * Makes Plot's output an accessible, stable image: `role="img"` with the summary as
 * `aria-label` (Plot's own `aria-label`s on its groups describe marks, not data, and are
 * dropped: inside an image they are not read), text at FONT_SIZE, and renumbered ids.
 */
export function finishSvg(plot: Element, options: FinishOptions): SVGSVGElement {
	if (plot.tagName.toLowerCase() !== 'svg') throw new Error('Expected Plot to return an <svg> (no legend, title or caption options)');
	const svg = plot as SVGSVGElement;
	for (const el of Array.from(svg.querySelectorAll('[aria-label],[aria-description]'))) {
		el.removeAttribute('aria-label');
		el.removeAttribute('aria-description');
	}
	svg.setAttribute('role', 'img');
	svg.setAttribute('aria-label', options.label);
	if (options.description) svg.setAttribute('aria-description', options.description);
	else svg.removeAttribute('aria-description');
	svg.setAttribute('font-size', String(FONT_SIZE));
	renumberIds(svg, options.idPrefix ?? 'chart');
	return svg;
}

/** The SVG as a standalone document fragment (for reports, exports and snapshots). */
export function serializeSvg(svg: Element): string {
	svg.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
	return svg.outerHTML;
}

/**
 * The chart builders under linkedom: SVG snapshots of each chart with fixed data (each with a
 * value not shown), and the behaviours a snapshot would not make obvious: a value not shown is
 * not drawn (no point, no line vertex, no bar, no shade), special-cause points differ by shape
 * and colour, every SVG is an image with a label, text is large enough and colours contrast.
 */
import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { xmrChart } from '../../server/metrics/spc.ts';
import { buildBarChart, barNote, barTable } from './bar.ts';
import { formatNumber, missingNote, monthName, symbolExplanation } from './format.ts';
import { buildHeatmap, heatmapNote, heatmapTable } from './heatmap.ts';
import { binLabel, buildHistogram, histogramNote, histogramTable } from './histogram.ts';
import { buildMatrix, matrixNote, matrixTable } from './matrix.ts';
import {
	COLOURS,
	FONT_SIZE,
	SERIES_COLOURS,
	contrastRatio,
	inkOn,
	mixColours,
	renumberIds,
	serializeSvg,
	spreadPositions
} from './plot-kit.ts';
import { barData, heatmapData, histogramData, overlapData, trendData, XMR_VALUES, xmrData } from './test-fixtures.ts';
import { buildTrendChart, trendEmpty, trendNote, trendTable } from './trend.ts';
import type { XmrChartData } from './types.ts';
import { buildXmrChart, XMR_MARKS, xmrNote, xmrTable } from './xmr.ts';

function newDocument(): Document {
	return parseHTML('<!doctype html><html><body></body></html>').document as unknown as Document;
}

/** One element per line, so a snapshot's diff shows what changed. */
function pretty(svg: SVGSVGElement): string {
	return `${serializeSvg(svg).replace(/></g, '>\n<')}\n`;
}

/** Plot leaves its scales on the figure it returns: the x pixel of a value, as drawn. */
function scaleOf(svg: SVGSVGElement, name: 'x' | 'y'): { apply: (v: unknown) => number } {
	return (svg as unknown as { scale: (n: string) => { apply: (v: unknown) => number } }).scale(name);
}

/** Every vertex of every line path (absolute M/L commands, as Plot writes them). */
function lineVertices(svg: SVGSVGElement): { x: number; y: number }[] {
	return Array.from(svg.querySelectorAll('path[d]'))
		.map((p) => p.getAttribute('d') as string)
		.filter((d) => /^M[\d.-]+,[\d.-]+(?:[LM][\d.-]+,[\d.-]+)+$/.test(d))
		.flatMap((d) => Array.from(d.matchAll(/[ML]([\d.-]+),([\d.-]+)/g), (m) => ({ x: Number(m[1]), y: Number(m[2]) })));
}

/** The position of a mark: a circle's centre or a path symbol's translation. */
function positionOf(el: Element): { x: number; y: number } | null {
	if (el.tagName.toLowerCase() === 'circle') return { x: Number(el.getAttribute('cx')), y: Number(el.getAttribute('cy')) };
	const m = /translate\(([\d.-]+),([\d.-]+)\)/.exec(el.getAttribute('transform') ?? '');
	return m ? { x: Number(m[1]), y: Number(m[2]) } : null;
}

/** The marks (circles and symbol paths) inside groups filled with a colour. */
function marksFilled(svg: SVGSVGElement, fill: string): Element[] {
	return Array.from(svg.querySelectorAll(`g[fill="${fill}"]`)).flatMap((g) => Array.from(g.querySelectorAll('circle, path')));
}

function texts(svg: SVGSVGElement): string[] {
	return Array.from(svg.querySelectorAll('text')).map((t) => t.textContent ?? '');
}

/** What every chart must be: an image with a summary, stable, large text, no Plot-generated names. */
function expectAccessibleAndStable(svg: SVGSVGElement, build: () => SVGSVGElement): void {
	expect(svg.getAttribute('role')).toBe('img');
	expect(svg.getAttribute('aria-label')?.length).toBeGreaterThan(20);
	// Inner labels describe marks, not data; inside an image they are dropped.
	expect(svg.querySelectorAll('[aria-label]').length).toBe(0);
	for (const el of [svg, ...Array.from(svg.querySelectorAll('[font-size]'))])
		expect(Number(el.getAttribute('font-size'))).toBeGreaterThanOrEqual(FONT_SIZE);
	expect(svg.getAttribute('style')).toContain('background:#ffffff');
	const out = serializeSvg(svg);
	expect(out).not.toMatch(/plot-(?:clip|marker|d6a7b5)/);
	expect(out.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
	// Plot numbers clip paths across every chart it draws: a second build must still match.
	expect(serializeSvg(build())).toBe(out);
}

describe('TrendChart', () => {
	const build = () => buildTrendChart(trendData, newDocument());
	const svg = build();

	it('matches its snapshot', async () => {
		await expect(pretty(svg)).toMatchFileSnapshot('./__snapshots__/trend.svg');
	});

	it('is an image with a summary, and stable', () => {
		expectAccessibleAndStable(svg, build);
		expect(svg.getAttribute('aria-label')).toContain('Line chart of Referrals per 10,000 children by month, Apr 2025 to Nov 2025.');
		expect(svg.getAttribute('aria-label')).toContain('Target 50.0.');
	});

	it('draws no point and no line vertex for the suppressed month', () => {
		const x = scaleOf(svg, 'x').apply(new Date(Date.UTC(2025, 5, 1)));
		const partnership = marksFilled(svg, SERIES_COLOURS[0]).map(positionOf);
		expect(partnership.filter((p) => p !== null)).toHaveLength(7 + 1); // seven months and the legend's symbol
		expect(partnership.some((p) => p && Math.abs(p.x - x) < 0.5)).toBe(false);
		const north = marksFilled(svg, SERIES_COLOURS[1]).map(positionOf);
		expect(north.some((p) => p && Math.abs(p.x - x) < 0.5)).toBe(true);
		// The partnership's line breaks: two runs, neither with a vertex at June.
		const line = svg.querySelector(`g[stroke="${SERIES_COLOURS[0]}"] path`)?.getAttribute('d') ?? '';
		expect(line.match(/M/g)).toHaveLength(2);
		const partnershipVertices = Array.from(line.matchAll(/[ML]([\d.-]+),/g), (m) => Number(m[1]));
		expect(partnershipVertices.some((v) => Math.abs(v - x) < 0.5)).toBe(false);
	});

	it('labels series, target and benchmark in words', () => {
		expect(texts(svg)).toEqual(expect.arrayContaining(['Partnership', 'North', 'Target 50.0', 'England 47.5']));
	});

	it('gives a note and a table', () => {
		expect(trendNote(trendData)).toBe(
			'1 value not drawn: Jun 2025 (Partnership) (c: suppressed to protect confidentiality). The table gives every value.'
		);
		const table = trendTable(trendData);
		expect(table.columns.map((c) => c.label)).toEqual(['Partnership', 'North']);
		expect(table.rows[2]).toEqual({ header: 'Jun 2025', cells: [{ label: '2025-06', value: null, symbol: 'c' }, { label: '2025-06', value: 34 }] });
		expect(trendNote({ ...trendData, series: [trendData.series[1]] })).toBeNull();
	});

	it('says what is missing and why when nothing can be drawn', () => {
		expect(trendEmpty(trendData)).toBeNull();
		const one = (symbols: ('c' | 'x')[]) => ({
			...trendData,
			series: [{ name: 'Partnership', points: symbols.map((symbol, i) => ({ label: `2025-0${i + 1}`, value: null, symbol })) }]
		});
		expect(trendEmpty(one(['c', 'c', 'c']))).toBe(
			'Nothing to draw: every month’s figure is suppressed to protect confidentiality (c). The table gives every month.'
		);
		expect(trendEmpty(one(['c', 'x', 'c']))).toBe(
			'Nothing to draw: of 3 months, 2 are suppressed to protect confidentiality (c) and 1 is not available (x). The table gives every month.'
		);
		expect(trendEmpty(one(['x']))).toBe('Nothing to draw: the only month is not available (x). The table gives every month.');
		expect(trendEmpty(one([]))).toBe('Nothing to draw: there are no months to show.');
	});

	it('shrinks to a narrower width with ticks kept apart', () => {
		const narrow = buildTrendChart(trendData, newDocument(), { width: 320 });
		expect(narrow.getAttribute('width')).toBe('320');
		expect(texts(narrow).filter((t) => /^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)/.test(t)).length).toBeLessThan(8);
	});
});

describe('XmrChart', () => {
	const build = () => buildXmrChart(xmrData, newDocument());
	const svg = build();

	it('is fed what the server computes (spc.ts)', () => {
		const server = xmrChart(XMR_VALUES.map((value, i) => ({ label: xmrData.points[i].label, value })));
		// The server's result is assignable to the component's data (plus the label and symbol).
		const fromServer: XmrChartData = { ...server, yLabel: xmrData.yLabel };
		expect(fromServer.mean).toBe(xmrData.mean);
		expect(server.upperLimit).toBe(xmrData.upperLimit);
		expect(server.lowerLimit).toBe(xmrData.lowerLimit);
		expect(server.points.map((p) => p.specialCause)).toEqual(xmrData.points.map((p) => p.specialCause));
		expect(server.points.map((p) => p.signals)).toEqual(xmrData.points.map((p) => p.signals));
	});

	it('matches its snapshot', async () => {
		await expect(pretty(svg)).toMatchFileSnapshot('./__snapshots__/xmr.svg');
	});

	it('is an image with a summary, and stable', () => {
		expectAccessibleAndStable(svg, build);
		const label = svg.getAttribute('aria-label') ?? '';
		expect(label).toContain('Mean 24.1%. Process limits 17.3% to 30.9%.');
		expect(label).toContain('Special cause in Apr 2025, May 2025, Jun 2025, Jul 2025, Sep 2025, Oct 2025, Nov 2025 and Apr 2026.');
	});

	it('marks special-cause points with another shape and another colour', () => {
		expect(XMR_MARKS.special.symbol).not.toBe(XMR_MARKS.common.symbol);
		expect(XMR_MARKS.special.colour).not.toBe(XMR_MARKS.common.colour);
		const special = marksFilled(svg, XMR_MARKS.special.colour);
		const common = marksFilled(svg, XMR_MARKS.common.colour);
		// Eight special points and four common ones, each plus its legend entry.
		expect(special).toHaveLength(8 + 1);
		expect(common).toHaveLength(4 + 1);
		// Diamonds are paths, circles are circles.
		expect(special.every((el) => el.tagName.toLowerCase() === 'path')).toBe(true);
		expect(common.every((el) => el.tagName.toLowerCase() === 'circle')).toBe(true);
		const y = scaleOf(svg, 'y');
		const last = positionOf(special[special.length - 2]);
		expect(last?.y).toBeCloseTo(y.apply(38), 1);
		expect(texts(svg)).toEqual(expect.arrayContaining(['Common cause', 'Special cause']));
	});

	it('leaves a gap for the suppressed month, with the limits from the shown months', () => {
		const x = scaleOf(svg, 'x').apply(new Date(Date.UTC(2025, 7, 1)));
		const all = [...marksFilled(svg, XMR_MARKS.special.colour), ...marksFilled(svg, XMR_MARKS.common.colour)].map(positionOf);
		expect(all.some((p) => p && Math.abs(p.x - x) < 0.5)).toBe(false);
		expect(lineVertices(svg).some((v) => Math.abs(v.x - x) < 0.5)).toBe(false);
		expect(texts(svg)).toEqual(expect.arrayContaining(['Upper limit 30.9%', 'Mean 24.1%', 'Lower limit 17.3%', 'Target 22.0%']));
		expect(xmrNote(xmrData)).toBe(
			'1 month not drawn: Aug 2025 (c: suppressed to protect confidentiality). ' +
				'The mean, the process limits and the signals are computed from the months shown only. The table gives every value.'
		);
	});

	it('names the signals in the table', () => {
		const table = xmrTable(xmrData);
		expect(table.rows[4]).toEqual({ header: 'Aug 2025', cells: [xmrData.points[4], 'not assessed'] });
		expect(table.rows[12].cells[1]).toBe('Yes: outside the process limits');
		expect(table.rows[0].cells[1]).toBe('Yes: run of 7 or more on one side of the mean');
		expect(table.rows[8].cells[1]).toBe('No');
		expect(table.notes).toContain('Centre line (mean): 24.1%.');
	});
});

describe('BarChart', () => {
	const build = () => buildBarChart(barData, newDocument());
	const svg = build();

	it('matches its snapshot', async () => {
		await expect(pretty(svg)).toMatchFileSnapshot('./__snapshots__/bar.svg');
	});

	it('is an image with a summary, and stable', () => {
		expectAccessibleAndStable(svg, build);
		expect(svg.getAttribute('aria-label')).toContain('Highest Northgate, 604.9; lowest Southbank, 388.1.');
	});

	it('ranks the bars and draws none for the suppressed row, which is labelled c', () => {
		const bars = Array.from(svg.querySelectorAll(`g[fill="${COLOURS.point}"] rect`));
		expect(bars).toHaveLength(4);
		const y = scaleOf(svg, 'y');
		const tops = bars.map((b) => Number(b.getAttribute('y')));
		expect(tops).toEqual([...tops].sort((a, b) => a - b));
		expect(tops[0]).toBeCloseTo(y.apply('Northgate'), 1);
		expect(texts(svg)).toEqual(expect.arrayContaining(['604.9', '512.3', '455.0', '388.1', 'c', 'England 2024-25 498.1']));
		// Riverside's row is last, with its label and symbol but no bar.
		const riverside = y.apply('Riverside');
		expect(tops.some((t) => Math.abs(t - riverside) < 0.5)).toBe(false);
		expect(barTable(barData).rows.map((r) => r.header)).toEqual(['Northgate', 'Eastmoor', 'West Hill', 'Southbank', 'Riverside']);
		expect(barNote(barData)).toBe('1 bar not drawn: Riverside (c: suppressed to protect confidentiality). The table gives every value.');
	});
});

describe('Heatmap', () => {
	const build = () => buildHeatmap(heatmapData, newDocument());
	const svg = build();

	it('matches its snapshot', async () => {
		await expect(pretty(svg)).toMatchFileSnapshot('./__snapshots__/heatmap.svg');
	});

	it('is an image with a summary, and stable', () => {
		expectAccessibleAndStable(svg, build);
		expect(svg.getAttribute('aria-label')).toContain('Highest: Education × Children\'s social care, 31.');
	});

	it('writes every value in its cell, in a colour that contrasts with the shade', () => {
		const valueTexts = Array.from(svg.querySelectorAll('text[fill]'));
		expect(valueTexts.map((t) => t.textContent)).toEqual(['14', '0', '8', '22', '0', '31', '6']);
		const shades = Array.from(svg.querySelectorAll('rect[fill]')).map((r) => r.getAttribute('fill') as string);
		expect(shades).toHaveLength(7);
		valueTexts.forEach((t, i) => expect(contrastRatio(t.getAttribute('fill') as string, shades[i])).toBeGreaterThanOrEqual(4.5));
	});

	it('shows a suppressed cell as c without a shade', () => {
		const outlined = Array.from(svg.querySelectorAll(`g[stroke="${COLOURS.muted}"] rect`));
		expect(outlined).toHaveLength(2);
		expect(outlined[0].closest('g')?.getAttribute('fill')).toBe(COLOURS.background);
		expect(texts(svg).filter((t) => t === 'c')).toHaveLength(2);
		expect(heatmapNote(heatmapData)).toBe(
			'2 cells not drawn: Health × Police and Education × Health (c: suppressed to protect confidentiality). The table gives every value.'
		);
		expect(heatmapTable(heatmapData).rows[1].cells[1]).toEqual({ value: null, symbol: 'c' });
	});

	it('summarises a long list of cells not drawn: how many and the first five', () => {
		const rows = Array.from({ length: 8 }, (_, i) => `Criterion ${i + 1}`);
		const many = { ...heatmapData, rows, cells: rows.map((_, r) => heatmapData.columns.map((_, c) => (r === 7 && c === 2 ? { value: null } : { value: null, symbol: 'c' as const }))) };
		expect(heatmapNote(many)).toBe(
			"24 cells not drawn: 23 cells (c: suppressed to protect confidentiality), the first 5: Criterion 1 × Children's social care, Criterion 1 × Police, Criterion 1 × Health, Criterion 2 × Children's social care and Criterion 2 × Police; Criterion 8 × Health (x: not available). The table gives every value."
		);
		const allC = { ...many, cells: many.cells.map((row) => row.map(() => ({ value: null, symbol: 'c' as const }))) };
		expect(heatmapNote(allC)).toBe(
			"24 cells not drawn (c: suppressed to protect confidentiality); the first 5: Criterion 1 × Children's social care, Criterion 1 × Police, Criterion 1 × Health, Criterion 2 × Children's social care and Criterion 2 × Police. The table gives every value."
		);
	});
});

describe('Histogram', () => {
	const build = () => buildHistogram(histogramData, newDocument());
	const svg = build();

	it('matches its snapshot', async () => {
		await expect(pretty(svg)).toMatchFileSnapshot('./__snapshots__/histogram.svg');
	});

	it('is an image with a summary, and stable', () => {
		expectAccessibleAndStable(svg, build);
		expect(svg.getAttribute('aria-label')).toContain('Most common: 20 to 29, 74. Marker at 45 working days.');
	});

	it('draws the shown bins with their counts, no bar for the suppressed one, and the threshold', () => {
		expect(svg.querySelectorAll(`g[fill="${COLOURS.point}"] rect`)).toHaveLength(6);
		expect(texts(svg)).toEqual(expect.arrayContaining(['31', '58', '74', '49', '17', '12', 'c', '60+', '45 working days']));
		const x = scaleOf(svg, 'x').apply(46);
		const threshold = svg.querySelector(`g[stroke="${COLOURS.ink}"][stroke-dasharray] line`);
		expect(Number(threshold?.getAttribute('x1'))).toBeCloseTo(x, 1);
		expect(binLabel(histogramData.bins[4])).toBe('40 to 45');
		expect(binLabel(histogramData.bins[6])).toBe('60 or more');
		expect(binLabel({ x0: 5, x1: 6, value: 1 })).toBe('5');
		expect(binLabel({ x0: 0, x1: 2.5, value: 1 }, false)).toBe('0 to under 2.5');
		expect(histogramTable(histogramData).rows.map((r) => r.header)[6]).toBe('60 or more');
		expect(histogramNote(histogramData)).toContain('1 bin not drawn: 60 or more (c');
	});
});

describe('Matrix', () => {
	const build = () => buildMatrix(overlapData, newDocument());
	const svg = build();

	it('matches its snapshot', async () => {
		await expect(pretty(svg)).toMatchFileSnapshot('./__snapshots__/matrix.svg');
	});

	it('is an image with a summary, and stable', () => {
		expectAccessibleAndStable(svg, build);
		expect(svg.getAttribute('aria-label')).toContain("Most shared: Education with Children's social care, 97.");
	});

	it('draws each pair once, the diagonal outlined and unshaded, the suppressed pair as c', () => {
		const shaded = svg.querySelectorAll('rect[fill]');
		const diagonal = svg.querySelectorAll(`g[stroke="${COLOURS.ink}"][fill="${COLOURS.background}"] rect`);
		const suppressed = svg.querySelectorAll(`g[stroke="${COLOURS.muted}"] rect`);
		expect(shaded.length + diagonal.length + suppressed.length).toBe((4 * 5) / 2);
		expect(diagonal).toHaveLength(4);
		expect(suppressed).toHaveLength(1);
		expect(texts(svg)).toEqual(expect.arrayContaining(['240', '112', '150', '176', 'c']));
		expect(matrixNote(overlapData)).toContain('1 cell not drawn: Education with Police (c');
		// The table gives the full square.
		expect(matrixTable(overlapData).rows[1].cells[3]).toEqual({ value: null, symbol: 'c' });
	});
});

describe('shared helpers', () => {
	it('keeps text colours at 4.5:1 and the shade scale readable', () => {
		for (const c of [...SERIES_COLOURS, COLOURS.ink, COLOURS.muted, COLOURS.point, COLOURS.signal, COLOURS.target, COLOURS.benchmark])
			expect(contrastRatio(c, COLOURS.background), c).toBeGreaterThanOrEqual(4.5);
		for (let t = 0; t <= 1; t += 0.01) {
			const fill = mixColours(COLOURS.scaleLow, COLOURS.scaleHigh, t);
			expect(contrastRatio(inkOn(fill), fill), fill).toBeGreaterThanOrEqual(4.5);
		}
		expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
	});

	it('renumbers ids and their references deterministically', () => {
		const document = newDocument();
		const make = (tag: string, attrs: Record<string, string>) => {
			const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
			for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
			return el;
		};
		const svg = make('svg', { id: 'plot-1' });
		const clip = make('clipPath', { id: 'plot-clip-7' });
		const clipped = make('g', { 'clip-path': 'url(#plot-clip-7)' });
		const use = make('use', { href: '#plot-clip-7' });
		const labelled = make('g', { 'aria-labelledby': 'plot-1 other' });
		svg.append(clip, clipped, use, labelled);
		renumberIds(svg, 'fig');
		expect([svg.id, clip.id]).toEqual(['fig-1', 'fig-2']);
		expect(clipped.getAttribute('clip-path')).toBe('url(#fig-2)');
		expect(use.getAttribute('href')).toBe('#fig-2');
		expect(labelled.getAttribute('aria-labelledby')).toBe('fig-1 other');
	});

	it('spreads labels apart within bounds, keeping their order', () => {
		expect(spreadPositions([100, 101, 200], [0, 300], 14)).toEqual([100, 114, 200]);
		expect(spreadPositions([299, 295], [0, 300], 14)).toEqual([300, 286]);
	});

	it('writes numbers, months and notes in plain words', () => {
		expect(formatNumber(1204.55, { decimals: 1 })).toBe('1,204.6');
		expect(formatNumber(21, { decimals: 0, unit: '%' })).toBe('21%');
		expect(monthName('2026-03')).toBe('Mar 2026');
		expect(symbolExplanation('c', 5)).toBe('suppressed to protect confidentiality: a count from 1 to 5, or a figure that would reveal one');
		expect(missingNote([], 'month')).toBeNull();
		expect(
			missingNote(
				[
					{ label: 'A', symbol: 'x' },
					{ label: 'B', symbol: 'c' },
					{ label: 'C', symbol: 'c' }
				],
				'area'
			)
		).toBe('3 areas not drawn: B and C (c: suppressed to protect confidentiality); A (x: not available). The table gives every value.');
	});
});

/**
 * The Svelte components on the server (`svelte/server`): the data table is a real table with
 * a caption, scoped headers, right-aligned numbers and explained symbols; the figure frames
 * a chart with its heading, definition, note and table; the chart components render on the
 * server without a document (they draw in the browser).
 */
import { createRawSnippet } from 'svelte';
import { render } from 'svelte/server';
import { describe, expect, it } from 'vitest';
import { barData, heatmapData, histogramData, overlapData, trendData, xmrData } from './charts/test-fixtures.ts';
import type { TableData } from './charts/types.ts';
import FilterBar from './FilterBar.svelte';
import {
	BarChart,
	DataTable,
	Figure,
	Heatmap,
	Histogram,
	Matrix,
	TrendChart,
	XmrChart,
	trendNote,
	trendTable,
	xmrTable
} from './index.ts';

/** The body's HTML without Svelte's hydration comments. */
function html(out: { body: string }): string {
	return out.body.replace(/<!--[\s\S]*?-->/g, '');
}

const table: TableData = {
	caption: 'Referrals per 10,000 children, by area',
	rowHeader: 'Area',
	columns: [
		{ label: 'Rate', decimals: 1 },
		{ label: 'Referrals', decimals: 0 },
		{ label: 'Comment', numeric: false }
	],
	rows: [
		{ header: 'Northgate', cells: [{ value: 604.9 }, 1204, 'Highest'] },
		{ header: 'Riverside', cells: [{ value: null, symbol: 'c' }, { value: null, symbol: 'c' }, 'Small area'] },
		{ header: 'Eastmoor', cells: [{ value: null, symbol: 'z' }, 0, null] }
	],
	notes: ['Rates are for the period, not annualised.']
};

describe('DataTable', () => {
	const out = html(render(DataTable, { props: { table, threshold: 5 } }));

	it('is a table with a caption and scoped headers', () => {
		expect(out).toMatch(/<table[^>]*>\s*<caption[^>]*>Referrals per 10,000 children, by area<\/caption>/);
		expect(out.match(/<th scope="col"/g)).toHaveLength(4);
		expect(out.match(/<th scope="row"/g)).toHaveLength(3);
		expect(out).toContain('>Northgate</th>');
	});

	it('right-aligns numbers and writes them in en-GB style', () => {
		expect(out).toMatch(/<td class="[^"]*\bnum\b[^"]*">\s*604\.9\s*<\/td>/);
		expect(out).toMatch(/<td class="[^"]*\bnum\b[^"]*">\s*1,204\s*<\/td>/);
		expect(out).toMatch(/<td class="[^"]*\bnum\b[^"]*">\s*0\s*<\/td>/);
		// A words column is not right-aligned.
		expect(out).toMatch(/<td class="[^"]*">\s*Highest\s*<\/td>/);
		expect(out).not.toMatch(/<td class="[^"]*\bnum\b[^"]*">\s*Highest/);
	});

	it('shows symbols as letters with their meaning for screen readers, and explains each that appears', () => {
		expect(out).toContain('<abbr title="suppressed to protect confidentiality"');
		expect(out).toMatch(/>c<\/abbr><span class="visually-hidden[^"]*"> \(suppressed to protect confidentiality\)<\/span>/);
		expect(out).toMatch(/>z<\/abbr><span class="visually-hidden[^"]*"> \(not applicable\)<\/span>/);
		// A null cell with no symbol is not available.
		expect(out).toMatch(/>x<\/abbr>/);
		expect(out).toContain('<strong>c</strong>: suppressed to protect confidentiality: a count from 1 to 5, or a figure that would reveal one');
		expect(out).toContain('<strong>z</strong>: not applicable');
		expect(out).toContain('<strong>x</strong>: not available');
		expect(out).toMatch(/<p[^>]*>Rates are for the period, not annualised\.<\/p>/);
		// The footnotes describe the table.
		const notesId = /<div class="fp-table-notes[^"]*" id="([^"]+)"/.exec(out)?.[1];
		expect(notesId).toBeTruthy();
		expect(out).toContain(`aria-describedby="${notesId}"`);
	});

	it('explains only the symbols that appear', () => {
		const small: TableData = { rowHeader: 'Area', columns: [{ label: 'Rate' }], rows: [{ header: 'A', cells: [3.5] }] };
		const plain = html(render(DataTable, { props: { table: small, caption: 'Rates' } }));
		expect(plain).toContain('>Rates</caption>');
		expect(plain).not.toContain('fp-table-notes');
		expect(plain).toMatch(/<td class="[^"]*\bnum\b[^"]*">\s*3\.5\s*<\/td>/);
	});

	it('takes the chart modules’ tables', () => {
		const xmr = html(render(DataTable, { props: { table: xmrTable(xmrData), caption: 'Re-referrals' } }));
		expect(xmr).toMatch(/<td class="[^"]*\bnum\b[^"]*">\s*20\.0%\s*<\/td>/);
		expect(xmr).toContain('Yes: outside the process limits');
		expect(xmr).toContain('Centre line (mean): 24.1%.');
	});
});

describe('Figure', () => {
	const chart = createRawSnippet(() => ({ render: () => '<div class="chart-stub">chart</div>' }));
	const out = html(
		render(Figure, {
			props: {
				title: 'Referrals per 10,000 children, by month',
				definition: 'Referrals received in the month, per 10,000 children living in the partnership.',
				table: trendTable(trendData),
				note: trendNote(trendData),
				threshold: 5,
				children: chart
			}
		})
	);

	it('has a heading that says what the chart shows, then the definition one click away', () => {
		expect(out).toMatch(/<figure[^>]*>\s*<figcaption[^>]*>\s*<h3[^>]*>Referrals per 10,000 children, by month<\/h3>/);
		expect(out).toMatch(/<details[^>]*>\s*<summary[^>]*>Definition<\/summary>\s*<p[^>]*>Referrals received in the month/);
	});

	it('holds the chart, the note about gaps and the table (in the page, behind “Show the numbers”)', () => {
		expect(out).toContain('<div class="chart-stub">chart</div>');
		expect(out).toContain('1 value not drawn: Jun 2025 (Partnership) (c: suppressed to protect confidentiality).');
		expect(out).toMatch(/<summary[^>]*>Show the numbers<\/summary>[\s\S]*<table/);
		// The table's caption is the figure's title.
		expect(out).toMatch(/<caption[^>]*>Referrals per 10,000 children, by month<\/caption>/);
		expect(out).toContain('a count from 1 to 5');
	});

	it('takes a heading level and can show the table open', () => {
		const open = html(
			render(Figure, {
				props: { title: 'T', level: 2, definition: 'D', table: trendTable(trendData), tableOpen: true, children: chart }
			})
		);
		expect(open).toMatch(/<h2[^>]*>T<\/h2>/);
		expect(open).toMatch(/<details class="fp-numbers[^"]*" open/);
		expect(open).not.toContain('fp-figure-note');
	});
});

describe('chart components on the server', () => {
	it('render an empty container (they draw in the browser)', () => {
		const cases = [
			render(TrendChart, { props: { data: trendData } }),
			render(XmrChart, { props: { data: xmrData } }),
			render(BarChart, { props: { data: barData, width: 480 } }),
			render(Heatmap, { props: { data: heatmapData } }),
			render(Histogram, { props: { data: histogramData, height: 240 } }),
			render(Matrix, { props: { data: overlapData } })
		];
		for (const out of cases) expect(html(out)).toMatch(/^<div class="fp-chart[^"]*"><\/div>$/);
	});
});

describe('TrendChart with nothing to draw', () => {
	it('says what is missing and why instead of drawing empty axes', () => {
		const allSuppressed = { ...trendData, series: [{ name: 'Partnership', points: trendData.series[0].points.map((p) => ({ label: p.label, value: null, symbol: 'c' as const })) }] };
		const out = html(render(TrendChart, { props: { data: allSuppressed } }));
		expect(out).toContain('<p class="fp-chart-empty');
		expect(out).toContain('Nothing to draw: every month’s figure is suppressed to protect confidentiality (c).');
		expect(out).not.toContain('fp-chart"');
	});
});

describe('FilterBar', () => {
	const props = {
		period: { preset: 'last12', from: '2025-04-01', to: '2026-03-31', label: '12 months to March 2026' },
		area: null,
		agency: null,
		areas: [{ code: 'N', name: 'North' }],
		agencies: [{ code: 'POL', name: 'Police' }],
		firstEventDate: '2024-01-05',
		lastEventDate: '2026-03-31'
	};

	it("carries the page's own parameters (a metric page's by) as hidden fields, never a filter twice", () => {
		const out = html(
			render(FilterBar, {
				props: { ...props, params: [['by', 'area'], ['by', 'sector'], ['area', 'N'], ['period', 'fy:2024']] as [string, string][] }
			})
		);
		expect(out).toContain('<input type="hidden" name="by" value="area"');
		expect(out).toContain('<input type="hidden" name="by" value="sector"');
		expect(out).not.toMatch(/type="hidden" name="(area|period)"/);
	});

	it('offers fixed periods only, without date fields, unless custom dates are allowed', () => {
		const out = html(render(FilterBar, { props }));
		expect(out).not.toContain('id="filter-from"');
		expect(out).not.toContain('value="custom"');
		expect(out).not.toContain('From and To are used');
	});

	it('works without JavaScript: with custom dates allowed, the date fields are enabled in the page as served', () => {
		const out = html(render(FilterBar, { props: { ...props, customDates: true } }));
		expect(out).toMatch(/<input id="filter-from" type="date" name="from" value="2025-04-01"[^>]*>/);
		expect(out).not.toMatch(/<input id="filter-(from|to)"[^>]*disabled/);
		expect(out).toContain('From and To are used when the period is Custom dates (unsuppressed figures only).');
	});
});

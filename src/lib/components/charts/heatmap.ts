/**
 * Heatmap: rows × columns of values (e.g. audit findings by criterion × agency, escalations
 * by raised-by × raised-with), each cell shaded and with its value written in it; a cell not
 * shown has its symbol and no shade. Drawn by the shared grid (grid.ts).
 */
import { count, formatShown, LONG_LIST, missingNote, ranked, symbolOf, type Missing } from './format.ts';
import { buildGrid, type GridCell } from './grid.ts';
import type { BuildOptions, GridData, TableData } from './types.ts';

/** Counts, unless the data says otherwise. */
const DECIMALS = 0;

function gridCells(data: GridData): GridCell[] {
	return data.rows.flatMap((row, r) => data.columns.map((column, c) => ({ row, column, shown: data.cells[r]?.[c] ?? { value: null } })));
}

function missing(data: GridData): Missing[] {
	return gridCells(data).flatMap((c) => {
		const symbol = symbolOf(c.shown);
		return symbol ? [{ label: `${c.row} × ${c.column}`, symbol }] : [];
	});
}

export function heatmapSummary(data: GridData): string {
	const rows = `${data.rowLabel.toLowerCase()} (${count(data.rows.length, 'row')})`;
	const columns = `${data.columnLabel.toLowerCase()} (${count(data.columns.length, 'column')})`;
	const parts = [`Heat map of ${data.valueLabel} by ${rows} and ${columns}.`];
	const top = ranked(gridCells(data), (c) => c.shown)[0];
	if (top) parts.push(`Highest: ${top.row} × ${top.column}, ${formatShown(top.shown, data, DECIMALS)}.`);
	const gaps = missing(data).length;
	if (gaps > 0) parts.push(`${count(gaps, 'cell')} not drawn.`);
	return parts.join(' ');
}

/** What is not drawn: every cell when few; a grid may leave out dozens, then how many and the first few (the table gives them all). */
export function heatmapNote(data: GridData): string | null {
	return missingNote(missing(data), 'cell', [], LONG_LIST);
}

/** The same grid as a table: a row per row, a column per column. */
export function heatmapTable(data: GridData): TableData {
	return {
		rowHeader: data.rowLabel,
		columns: data.columns.map((label) => ({ label, decimals: data.decimals ?? DECIMALS, unit: data.unit })),
		rows: data.rows.map((header, r) => ({ header, cells: data.columns.map((_, c) => data.cells[r]?.[c] ?? null) })),
		notes: [`Rows: ${data.rowLabel.toLowerCase()}; columns: ${data.columnLabel.toLowerCase()}; each cell counts ${data.valueLabel}.`]
	};
}

export function buildHeatmap(data: GridData, document: Document, options: BuildOptions = {}): SVGSVGElement {
	return buildGrid(
		{
			rows: data.rows,
			columns: data.columns,
			cells: gridCells(data),
			rowLabel: data.rowLabel,
			columnLabel: data.columnLabel,
			decimals: data.decimals,
			unit: data.unit,
			summary: heatmapSummary(data)
		},
		document,
		options
	);
}

/**
 * Matrix: which agencies share children. An agency × agency grid where a cell counts the
 * children known to both agencies; the matrix is symmetric, so only its lower half is drawn
 * (each pair once), with the diagonal (children known to the agency) outlined in bold and not
 * shaded (it is not a pair). Drawn by the shared grid (grid.ts); the table gives the full square.
 */
import { count, formatShown, LONG_LIST, missingNote, ranked, symbolOf, type Missing } from './format.ts';
import { buildGrid, type GridCell } from './grid.ts';
import type { BuildOptions, OverlapData, ShownValue, TableData } from './types.ts';

const DECIMALS = 0;

function valueLabel(data: OverlapData): string {
	return data.valueLabel ?? 'children';
}

function at(data: OverlapData, i: number, j: number): ShownValue {
	return data.cells[i]?.[j] ?? { value: null };
}

/** The lower half and the diagonal: cell (i, j) with j ≤ i. */
function halfCells(data: OverlapData): GridCell[] {
	return data.agencies.flatMap((row, i) =>
		data.agencies.slice(0, i + 1).map((column, j) => ({ row, column, shown: at(data, i, j), emphasis: i === j }))
	);
}

function missing(data: OverlapData): Missing[] {
	return halfCells(data).flatMap((c) => {
		const symbol = symbolOf(c.shown);
		return symbol ? [{ label: c.row === c.column ? c.row : `${c.row} with ${c.column}`, symbol }] : [];
	});
}

export function matrixSummary(data: OverlapData): string {
	const what = valueLabel(data);
	const agencies = count(data.agencies.length, 'agency', 'agencies');
	const parts = [`Matrix of ${what} known to both of two agencies, for ${agencies}; the diagonal gives the ${what} known to each.`];
	const top = ranked(
		halfCells(data).filter((c) => !c.emphasis),
		(c) => c.shown
	)[0];
	if (top) parts.push(`Most shared: ${top.row} with ${top.column}, ${formatShown(top.shown, data, DECIMALS)}.`);
	const gaps = missing(data).length;
	if (gaps > 0) parts.push(`${count(gaps, 'cell')} not drawn.`);
	return parts.join(' ');
}

/** What is not drawn: every cell when few; a grid may leave out dozens, then how many and the first few (the table gives them all). */
export function matrixNote(data: OverlapData): string | null {
	return missingNote(missing(data), 'cell', [], LONG_LIST);
}

/** The full square as a table (both halves, so each row reads on its own). */
export function matrixTable(data: OverlapData): TableData {
	const what = valueLabel(data);
	return {
		rowHeader: 'Agency',
		columns: data.agencies.map((label) => ({ label, decimals: data.decimals ?? DECIMALS, unit: data.unit })),
		rows: data.agencies.map((header, i) => ({ header, cells: data.agencies.map((_, j) => at(data, i, j)) })),
		notes: [`Each cell counts the ${what} known to both its row's and its column's agency; the diagonal counts the ${what} known to the agency.`]
	};
}

export function buildMatrix(data: OverlapData, document: Document, options: BuildOptions = {}): SVGSVGElement {
	return buildGrid(
		{
			rows: data.agencies,
			columns: data.agencies,
			cells: halfCells(data),
			rowLabel: 'Agency',
			columnLabel: 'With agency',
			decimals: data.decimals,
			unit: data.unit,
			summary: matrixSummary(data)
		},
		document,
		options
	);
}

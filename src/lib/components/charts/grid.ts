/**
 * The grid shared by the heat map and the overlap matrix: a cell per row and column, shaded
 * from light to dark by value and always with the value written in it (colour is never the
 * only signal; the text's colour is chosen for contrast on the shade). A value not shown is a
 * white, dashed-outlined cell with its symbol (`c`, `z`, `x`), no shade. Emphasised cells (the
 * matrix's diagonal) are outlined, in bold, and not shaded.
 */
import * as Plot from '@observablehq/plot';
import { formatShown } from './format.ts';
import {
	COLOURS,
	DEFAULT_WIDTH,
	FONT_SIZE,
	baseOptions,
	finishSvg,
	inkOn,
	marginFor,
	mixColours,
	textWidth,
	type Frame
} from './plot-kit.ts';
import type { BuildOptions, ShownValue, ValueFormat } from './types.ts';

/** Height of a row of cells (px). */
export const GRID_ROW_HEIGHT = 34;

export interface GridCell {
	row: string;
	column: string;
	shown: ShownValue;
	/** Outlined and bold, not shaded (e.g. a matrix's diagonal). */
	emphasis?: boolean;
}

export interface GridSpec extends ValueFormat {
	rows: readonly string[];
	columns: readonly string[];
	/** The cells drawn; a position with no cell is left blank (e.g. a matrix's upper half). */
	cells: readonly GridCell[];
	rowLabel: string;
	columnLabel: string;
	/** The short summary read out for the chart. */
	summary: string;
}

/** A drawn cell with its shade and text colour worked out. */
interface PlacedCell {
	row: string;
	column: string;
	text: string;
	fill: string;
	ink: string;
	kind: 'value' | 'symbol' | 'emphasis';
}

/** Decimals for grid values: counts, unless the spec says otherwise. */
const DECIMALS = 0;

/** Shades and texts of the cells: the scale runs from 0 to the largest shaded value. */
function placeCells(spec: GridSpec): PlacedCell[] {
	const shaded = spec.cells.filter((c) => !c.emphasis && c.shown.value !== null).map((c) => c.shown.value as number);
	const max = Math.max(0, ...shaded);
	return spec.cells.map((c) => {
		const text = formatShown(c.shown, spec, DECIMALS);
		if (c.shown.value === null) return { row: c.row, column: c.column, text, fill: COLOURS.background, ink: COLOURS.ink, kind: 'symbol' };
		if (c.emphasis) return { row: c.row, column: c.column, text, fill: COLOURS.background, ink: COLOURS.ink, kind: 'emphasis' };
		const fill = mixColours(COLOURS.scaleLow, COLOURS.scaleHigh, max > 0 ? c.shown.value / max : 0);
		return { row: c.row, column: c.column, text, fill, ink: inkOn(fill), kind: 'value' };
	});
}

export function buildGrid(spec: GridSpec, document: Document, options: BuildOptions = {}): SVGSVGElement {
	const width = options.width ?? DEFAULT_WIDTH;
	const corner = [`${spec.columnLabel} →`, `${spec.rowLabel} ↓`];
	const marginLeft = marginFor([...spec.rows, ...corner], 60, Math.round(width * 0.4));
	const marginRight = 8;
	const band = (width - marginLeft - marginRight) / Math.max(1, spec.columns.length);
	// Column names go on top, turned when they do not fit across their cells.
	const widest = Math.max(0, ...spec.columns.map((c) => textWidth(c)));
	const turn = widest > band - 6;
	// Room for the turned names, and for the two corner lines.
	const marginTop = Math.max(2 * (FONT_SIZE + 4) + 8, turn ? Math.ceil(widest * Math.SQRT1_2) + 14 : 24);
	const marginBottom = 8;
	const frame: Frame = {
		width,
		height: options.height ?? marginTop + marginBottom + spec.rows.length * GRID_ROW_HEIGHT,
		marginTop,
		marginRight,
		marginBottom,
		marginLeft
	};
	const cells = placeCells(spec);
	const byKind = (kind: PlacedCell['kind']) => cells.filter((c) => c.kind === kind);
	const plot = Plot.plot({
		...baseOptions(document, frame),
		x: { domain: [...spec.columns], axis: 'top', label: null, tickSize: 0, tickRotate: turn ? -45 : 0, padding: 0 },
		y: { domain: [...spec.rows], label: null, tickSize: 0, padding: 0 },
		color: { type: 'identity' },
		marks: [
			Plot.cell(byKind('value'), { x: 'column', y: 'row', fill: 'fill', inset: 1 }),
			Plot.cell(byKind('symbol'), {
				x: 'column',
				y: 'row',
				fill: COLOURS.background,
				stroke: COLOURS.muted,
				strokeDasharray: '3,3',
				inset: 2
			}),
			Plot.cell(byKind('emphasis'), { x: 'column', y: 'row', fill: COLOURS.background, stroke: COLOURS.ink, strokeWidth: 1.5, inset: 2 }),
			Plot.text(byKind('value'), { x: 'column', y: 'row', text: 'text', fill: 'ink', fontSize: FONT_SIZE }),
			Plot.text([...byKind('symbol'), ...byKind('emphasis')], {
				x: 'column',
				y: 'row',
				text: 'text',
				fill: COLOURS.ink,
				fontSize: FONT_SIZE,
				fontWeight: 'bold'
			}),
			// What the rows and the columns are, in the top-left corner.
			Plot.text([corner.join('\n')], {
				frameAnchor: 'top-left',
				text: (d: string) => d,
				dx: -marginLeft + 4,
				dy: -marginTop + 4,
				lineAnchor: 'top',
				textAnchor: 'start',
				lineHeight: 1.3,
				fill: COLOURS.ink,
				fontSize: FONT_SIZE,
				fontWeight: 'bold'
			})
		]
	});
	return finishSvg(plot, { label: spec.summary, idPrefix: options.idPrefix });
}

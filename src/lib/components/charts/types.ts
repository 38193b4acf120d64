/**
 * The plain data the chart components take (no fetching, no SQL): what a page's `load` or an
 * export builds from the metric layer after disclosure control. Every value may be null, with
 * a symbol saying why (disclosure-control.md): a null value is never drawn, never guessed.
 *
 * The shapes are structurally compatible with the server's: `ShownValue` with
 * `server/disclosure/types.ts`'s `Shown`, `GridData`'s `rows`/`columns`/`cells` with its
 * `ShownTable`, and `XmrChartData` with `server/metrics/spc.ts`'s `XmrChart` (add `yLabel`
 * and, for suppressed months, the symbol). Components never import server modules.
 */

/** GSS / DfE symbols: c suppressed to protect confidentiality, z not applicable, x not available. */
export type DisclosureSymbol = 'c' | 'z' | 'x';

/**
 * One figure as it may be shown: a value, or null with the symbol saying why. A null value
 * without a symbol is shown as `x` (not available).
 */
export interface ShownValue {
	value: number | null;
	symbol?: DisclosureSymbol | null;
}

/** How values are written in labels and tables. */
export interface ValueFormat {
	/** Decimal places (default: 1 for rates and percentages, 0 for counts; each chart says). */
	decimals?: number;
	/** Written after the number, e.g. `%` (no space) or ` days`. */
	unit?: string;
}

/** A labelled horizontal (or, for bars and histograms, vertical) reference line. */
export interface ReferenceLine {
	/** Words shown beside the line, e.g. `Target` or `England 2024-25`. */
	label: string;
	value: number;
}

/** Options every chart takes besides its data. */
export interface ChartSize {
	/** Width in pixels (default 640; the components shrink it to the space available). */
	width?: number;
	/** Height in pixels (each chart has a default; bar and grid charts size by their rows). */
	height?: number;
}

/** Options of the pure builders (the components fill `idPrefix` with a page-unique id). */
export interface BuildOptions extends ChartSize {
	/** Prefix of the SVG's element ids (clip paths), so several charts can share a page. Default `chart`. */
	idPrefix?: string;
}

// ---------------------------------------------------------------- trend and XmR (monthly)

/** One month of a series. */
export interface MonthValue extends ShownValue {
	/** The month, `YYYY-MM`. */
	label: string;
}

export interface TrendSeries {
	/** The series' name, e.g. `Referrals per 10,000` or an area's name. */
	name: string;
	/** Every month in order, null where not shown (a gap, never bridged). */
	points: MonthValue[];
}

export interface TrendChartData extends ValueFormat {
	series: TrendSeries[];
	/** The y axis's label, e.g. `Referrals per 10,000 children`. */
	yLabel: string;
	target?: ReferenceLine | null;
	benchmarks?: ReferenceLine[];
	/** Force the y axis to start at zero (default true: rates and percentages). */
	zero?: boolean;
}

/** The special-cause rules of metrics.md, as `spc.ts` reports them. */
export interface SpcSignalsData {
	outsideLimits: boolean;
	run: boolean;
	trend: boolean;
	nearLimit: boolean;
}

/** One month of an XmR chart. `specialCause` is false for a month not shown. */
export interface XmrPoint extends MonthValue {
	specialCause: boolean;
	signals?: SpcSignalsData;
}

export interface XmrChartData extends ValueFormat {
	points: XmrPoint[];
	/** Centre line: the mean of the shown points (null with none). */
	mean: number | null;
	upperLimit: number | null;
	lowerLimit: number | null;
	yLabel: string;
	target?: ReferenceLine | null;
	benchmarks?: ReferenceLine[];
}

// ---------------------------------------------------------------- bars

export interface BarDatum extends ShownValue {
	/** The row's label, e.g. an area's name. */
	label: string;
}

export interface BarChartData extends ValueFormat {
	bars: BarDatum[];
	/** The value axis's label, e.g. `Referrals per 10,000 children, Apr 2025 to Mar 2026`. */
	xLabel: string;
	/** What the rows are, e.g. `Area` (the table's first column). */
	rowLabel: string;
	benchmark?: ReferenceLine | null;
	/** `value`: highest first, rows not shown last (default); `given`: as given. */
	order?: 'value' | 'given';
}

// ---------------------------------------------------------------- grids (heat map, matrix)

/** Rows × columns of values, e.g. audit findings by criterion × agency. */
export interface GridData extends ValueFormat {
	rows: string[];
	columns: string[];
	/** `cells[r][c]`, one per row and column. */
	cells: ShownValue[][];
	/** What the rows are, e.g. `Criterion` or `Raised by`. */
	rowLabel: string;
	/** What the columns are, e.g. `Agency` or `Raised with`. */
	columnLabel: string;
	/** What a cell counts, e.g. `findings` or `escalations`. */
	valueLabel: string;
}

/**
 * Which agencies share children: `cells[i][j]` counts children known to both agency i and
 * agency j in the period (symmetric); the diagonal `cells[i][i]` the children known to agency i.
 */
export interface OverlapData extends ValueFormat {
	agencies: string[];
	cells: ShownValue[][];
	/** What a cell counts (default `children`). */
	valueLabel?: string;
}

// ---------------------------------------------------------------- histogram

/** One bin: the count of durations d with x0 ≤ d < x1 (the last bin may say `open`). */
export interface HistogramBin extends ShownValue {
	x0: number;
	x1: number;
	/** The bin holds everything from x0 upwards: drawn from x0 to x1, labelled `x0+`. */
	open?: boolean;
}

export interface HistogramData extends ValueFormat {
	bins: HistogramBin[];
	/** The duration axis's label, e.g. `Working days from start to completion`. */
	xLabel: string;
	/** What is counted, e.g. `Assessments`. */
	yLabel: string;
	/** E.g. `{label: 'Within 45 working days', value: 45.5}`: a vertical marker where it falls. */
	threshold?: ReferenceLine | null;
	/** Durations are whole numbers (default true): bin [0, 5) is written `0 to 4`. */
	integer?: boolean;
}

// ---------------------------------------------------------------- tables

/** A column of a data table (after the row-header column). */
export interface TableColumn extends ValueFormat {
	label: string;
	/** Numbers and symbols, right-aligned (default true). Text columns say false. */
	numeric?: boolean;
}

/** A cell: a number, a figure that may be a symbol, words, or null (shown as `x`). */
export type TableCell = number | string | ShownValue | null;

export interface TableRow {
	/** The row's header cell (`<th scope="row">`). */
	header: string;
	cells: TableCell[];
}

/** The numbers behind a chart, for `DataTable` (plain data: may come from a server `load`). */
export interface TableData {
	/** Defaults to the figure's title. */
	caption?: string;
	/** Header of the row-header column, e.g. `Month` or `Area`. */
	rowHeader: string;
	columns: TableColumn[];
	rows: TableRow[];
	/** Footnotes shown under the table (symbols are explained without being listed here). */
	notes?: string[];
}

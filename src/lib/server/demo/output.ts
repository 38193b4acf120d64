/**
 * Writes a staged table as an extract file, in the spec's CSV dialect or as Parquet, with
 * the schema's columns in the schema's order and rows in a fixed order (so that the
 * same data always gives the same bytes, whatever DuckDB's thread count).
 */
import type { Column, Table } from '../schema/types.ts';
import { ident, literal } from '../warehouse/sql.ts';

export type DemoFormat = 'csv' | 'parquet';
export const DEMO_FORMATS: readonly DemoFormat[] = ['csv', 'parquet'];

/** The column as written: text in the spec's formats for CSV, typed values for Parquet. */
function columnExpr(c: Column, format: DemoFormat): string {
	const col = ident(c.name);
	if (format === 'csv') {
		switch (c.type) {
			case 'timestamp':
				// Local time without an offset; the generator never makes one the clocks skip.
				return `strftime(${col}, '%Y-%m-%d %H:%M:%S') AS ${col}`;
			case 'date':
				return `strftime(${col}, '%Y-%m-%d') AS ${col}`;
			case 'list':
				return `array_to_string(${col}, ';') AS ${col}`;
			default:
				return col;
		}
	}
	switch (c.type) {
		case 'timestamp':
			// Parquet TIMESTAMP (no time zone) is UK local time, as in CSV.
			return `CAST(${col} AS TIMESTAMP) AS ${col}`;
		case 'date':
			return `CAST(${col} AS DATE) AS ${col}`;
		case 'int':
			return `CAST(${col} AS INTEGER) AS ${col}`;
		case 'number':
			return `CAST(${col} AS DOUBLE) AS ${col}`;
		case 'bool':
			return `CAST(${col} AS BOOLEAN) AS ${col}`;
		case 'list':
			return `CAST(${col} AS VARCHAR[]) AS ${col}`;
		default:
			return `CAST(${col} AS VARCHAR) AS ${col}`;
	}
}

/** Rows in order of the table's first required date or time, then its primary key: a total order. */
export function rowOrder(table: Table): string[] {
	const when = table.columns.find((c) => c.required && (c.type === 'date' || c.type === 'timestamp'));
	return [...(when ? [when.name] : []), ...table.primaryKey.filter((k) => k !== when?.name)];
}

/** The COPY statement writing staged table `source` to `file`. */
export function copyStatement(table: Table, source: string, file: string, format: DemoFormat): string {
	const select = `SELECT ${table.columns.map((c) => columnExpr(c, format)).join(', ')}
		FROM ${ident(source)} ORDER BY ${rowOrder(table).map(ident).join(', ')}`;
	// CSV: comma, double quotes as RFC 4180 where needed, a header row, NULL as an empty field, LF.
	const options = format === 'csv' ? `FORMAT csv, HEADER true, DELIMITER ',', QUOTE '"', ESCAPE '"', NULLSTR ''` : 'FORMAT parquet';
	return `COPY (${select}) TO ${literal(file)} (${options})`;
}

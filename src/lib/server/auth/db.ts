/**
 * Small helpers the auth modules share for the warehouse: transactions on the writer and
 * timestamps. Times go in as ISO-8601 UTC text cast to TIMESTAMPTZ (so the connection's
 * Europe/London time zone never shifts them) and come out as Date.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { exec } from '../warehouse/warehouse.ts';

/** A Date as the text DuckDB casts to the same instant: use with `CAST($n AS TIMESTAMPTZ)`. */
export function iso(date: Date): string {
	return date.toISOString();
}

/** Runs `fn` inside BEGIN … COMMIT on `conn` (the writer), rolling back on any error. */
export async function inTransaction<T>(conn: DuckDBConnection, fn: () => Promise<T>): Promise<T> {
	await exec(conn, 'BEGIN TRANSACTION');
	try {
		const result = await fn();
		await exec(conn, 'COMMIT');
		return result;
	} catch (e) {
		await exec(conn, 'ROLLBACK');
		throw e;
	}
}

/** A stored TIMESTAMPTZ as a Date (null stays null). */
export function dateOf(value: unknown): Date | null {
	if (value === null || value === undefined) return null;
	if (value instanceof Date) return value;
	return new Date(String(value));
}

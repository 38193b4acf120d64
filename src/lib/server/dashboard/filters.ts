/**
 * What the filter bar offers (areas, agencies, the span of the data), and the event dates of
 * each table, which the filter bar and the data page share.
 */
import { SECTORS, type Sector } from '../schema/codes.ts';
import { eventDateColumns, EXTRACT_TABLES } from '../schema/tables.ts';

export { eventDateColumns };
import type { Table } from '../schema/types.ts';
import { ident } from '../warehouse/sql.ts';
import { query, type Warehouse } from '../warehouse/warehouse.ts';

/** Extract tables that have event dates. */
export const DATED_TABLES: readonly Table[] = EXTRACT_TABLES.filter((t) => eventDateColumns(t).length > 0);

/**
 * `greatest(CAST(max(c) AS DATE), …)` (or least/min) over a table's event dates: a timestamp
 * by its date in Europe/London, the connection's time zone. Nulls are skipped. The date is
 * taken of the latest instant rather than the latest of every row's date (the same, as a
 * later instant never has an earlier date), so that only one value a column is converted.
 */
export function eventDateAggregate(table: Table, which: 'first' | 'last'): string {
	const [outer, inner] = which === 'last' ? ['greatest', 'max'] : ['least', 'min'];
	return `${outer}(${eventDateColumns(table)
		.map((c) => `CAST(${inner}(${ident(c)}) AS DATE)`)
		.join(', ')})`;
}

export interface NamedArea {
	code: string;
	/** The name of its latest population row. */
	name: string;
}

export interface NamedAgency {
	code: string;
	name: string;
	sector: Sector;
}

export interface FilterOptions {
	areas: NamedArea[];
	agencies: NamedAgency[];
	/** The sectors of the warehouse's agencies, in the code list's order. */
	sectors: Sector[];
	/** The first and last event dates of the data (null with no events). */
	firstEventDate: string | null;
	lastEventDate: string | null;
}

export async function listAreas(warehouse: Warehouse): Promise<NamedArea[]> {
	return warehouse.read((conn) =>
		query<NamedArea>(conn, `SELECT area_code AS code, arg_max(area_name, population_year) AS name FROM areas GROUP BY area_code ORDER BY code`)
	);
}

export async function listAgencies(warehouse: Warehouse): Promise<NamedAgency[]> {
	return warehouse.read((conn) => query<NamedAgency>(conn, `SELECT agency_code AS code, agency_name AS name, sector FROM agencies ORDER BY code`));
}

/** The first and last event dates over every extract table (the last is `latestEventDate` of ../metrics/priorities.ts). */
export async function eventDateSpan(warehouse: Warehouse): Promise<{ first: string | null; last: string | null }> {
	const parts = DATED_TABLES.map(
		(t) => `SELECT ${eventDateAggregate(t, 'first')} AS first, ${eventDateAggregate(t, 'last')} AS last FROM ${ident(t.name)}`
	);
	const [row] = await warehouse.read((conn) =>
		query<{ first: string | null; last: string | null }>(
			conn,
			`SELECT CAST(min(first) AS VARCHAR) AS first, CAST(max(last) AS VARCHAR) AS last FROM (${parts.join(' UNION ALL ')})`
		)
	);
	return { first: row?.first ?? null, last: row?.last ?? null };
}

/** The filter bar's options, computed once per data version (every page's layout asks for them). */
export async function filterOptions(warehouse: Warehouse): Promise<FilterOptions> {
	return warehouse.cached('filter-options', () => computeFilterOptions(warehouse));
}

async function computeFilterOptions(warehouse: Warehouse): Promise<FilterOptions> {
	const [areas, agencies, span] = await Promise.all([listAreas(warehouse), listAgencies(warehouse), eventDateSpan(warehouse)]);
	const present = new Set(agencies.map((a) => a.sector));
	const sectors = SECTORS.filter((s) => present.has(s));
	return { areas, agencies, sectors, firstEventDate: span.first, lastEventDate: span.last };
}

/**
 * What the presenters' tests share: someone with the page in front of them, working out what
 * was not shown from what was (every "these add up to that" the page implies). Tests only.
 */

/** Members adding up to a total, by the names of their figures. */
export interface Line {
	members: string[];
	total: string;
}

/**
 * Whenever every figure of a line but one is known, the last one is worked out; repeated
 * until nothing more can be. `known` grows; returns the figures worked out that were not shown.
 */
export function workedOut(known: Map<string, number>, lines: readonly Line[]): Map<string, number> {
	const out = new Map<string, number>();
	for (let changed = true; changed; ) {
		changed = false;
		for (const line of lines) {
			const all = [...line.members, line.total];
			const unknown = all.filter((id) => !known.has(id));
			if (unknown.length !== 1) continue;
			const [id] = unknown;
			const sum = (ids: string[]) => ids.reduce((a, m) => a + (known.get(m) as number), 0);
			const v = id === line.total ? sum(line.members) : (known.get(line.total) as number) - sum(line.members.filter((m) => m !== id));
			known.set(id, v);
			out.set(id, v);
			changed = true;
		}
	}
	return out;
}

/** A figure of a table named `name`: a cell `r,c`, a row total `r,T`, a column total `T,c`, the grand total `T,T`. */
export const cellId = (name: string, r: number | 'T', c: number | 'T') => `${name}:${r},${c}`;

const range = (n: number) => [...Array(n).keys()];

/** The lines of a table with row and column totals, its figures named by `cellId`. */
export function tableLines(name: string, rows: number, columns: number): Line[] {
	return [
		...range(rows).map((r) => ({ members: range(columns).map((c) => cellId(name, r, c)), total: cellId(name, r, 'T') })),
		...range(columns).map((c) => ({ members: range(rows).map((r) => cellId(name, r, c)), total: cellId(name, 'T', c) })),
		{ members: range(rows).map((r) => cellId(name, r, 'T')), total: cellId(name, 'T', 'T') },
		{ members: range(columns).map((c) => cellId(name, 'T', c)), total: cellId(name, 'T', 'T') }
	];
}

/** The true figures of a table of counts (null counts nothing), by `cellId`. */
export function truthOf(name: string, counts: readonly (readonly (number | null)[])[], columns: number, into: Map<string, number>): void {
	const rowT = counts.map((row) => row.reduce<number>((a, n) => a + (n ?? 0), 0));
	const colT = range(columns).map((c) => counts.reduce<number>((a, row) => a + (row[c] ?? 0), 0));
	counts.forEach((row, r) => row.forEach((n, c) => into.set(cellId(name, r, c), n ?? 0)));
	rowT.forEach((n, r) => into.set(cellId(name, r, 'T'), n));
	colT.forEach((n, c) => into.set(cellId(name, 'T', c), n));
	into.set(cellId(name, 'T', 'T'), rowT.reduce((a, n) => a + n, 0));
}

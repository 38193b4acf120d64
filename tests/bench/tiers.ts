/**
 * The bench's tiers (issue 12): the size of the generated partnership and the figures each
 * must reach. Sizes are in the generator's children (about 7.9 events a child over three
 * years); targets are p95 over the filter sets where a figure is per request.
 */

export const TIER_NAMES = ['S', 'M', 'L'] as const;
export type TierName = (typeof TIER_NAMES)[number];

const MIB = 1;
const GIB = 1024 * MIB;

/** What a tier's figures must reach; null where the tier sets no target. */
export interface Targets {
	/** p95 wall ms of a full page over HTTP, warm server, over the filter sets (each page). */
	warmP95Ms: number;
	/** Wall ms of the first request of a page after the server started (each page). */
	coldMs: number;
	/** The page's data function CPU ÷ the same statements' CPU on bare DuckDB (each page, median over the filter sets). */
	bareRatio: number | null;
	/** Rows the import reads a second; null: it need only finish. */
	importRowsPerS: number | null;
	/** Peak resident memory of the import, MiB (writer + reader). */
	importPeakRssMb: number | null;
	/** The server's resident memory after every page at every filter set, MiB. */
	serverRssMb: number;
	/** Generating the extract: seconds and peak resident memory, MiB. */
	generateS: number | null;
	generatePeakRssMb: number | null;
}

export interface Tier {
	name: TierName;
	/** About how many events it makes (for the words). */
	events: string;
	/** The generator's `children`. */
	children: number;
	targets: Targets;
}

/** The generator's other options, the same for every tier: data to a fixed date, so every run sees the same figures. */
export const GENERATOR = { years: 3, seed: 1, end: '2026-03-31' } as const;

export const TIERS: Record<TierName, Tier> = {
	S: {
		name: 'S',
		events: '0.5M',
		children: 63_000,
		targets: {
			warmP95Ms: 50,
			coldMs: 300,
			bareRatio: 1.3,
			importRowsPerS: 250_000,
			importPeakRssMb: null,
			serverRssMb: 500,
			generateS: null,
			generatePeakRssMb: null
		}
	},
	M: {
		name: 'M',
		events: '10M',
		children: 1_270_000,
		targets: {
			warmP95Ms: 150,
			coldMs: 1000,
			bareRatio: 1.3,
			importRowsPerS: 250_000,
			importPeakRssMb: 3 * GIB,
			serverRssMb: 1.5 * GIB,
			generateS: 60,
			generatePeakRssMb: 2 * GIB
		}
	},
	L: {
		name: 'L',
		events: '60M',
		children: 7_600_000,
		targets: {
			warmP95Ms: 1000,
			coldMs: 5000,
			bareRatio: null,
			importRowsPerS: null,
			importPeakRssMb: 6 * GIB,
			serverRssMb: 4 * GIB,
			generateS: null,
			generatePeakRssMb: null
		}
	}
};

export function isTierName(s: string): s is TierName {
	return (TIER_NAMES as readonly string[]).includes(s);
}

/** What ./prepare.ts asks of ./child.ts and what the child answers (its last stdout line: `RESULT_MARK <json>`). */

export const RESULT_MARK = 'BENCH-CHILD-RESULT';

export interface GenerateRequest {
	kind: 'generate';
	outDir: string;
	children: number;
	years: number;
	seed: number;
	end: string;
}

export interface ImportRequest {
	kind: 'import';
	/** The new warehouse file. */
	warehouse: string;
	extractDir: string;
	prioritiesFile: string;
	benchmarksFile: string;
}

export type ChildRequest = GenerateRequest | ImportRequest;

export interface GenerateResult {
	seconds: number;
	cpuS: number;
	maxRssKb: number;
	events: number;
	rows: Record<string, number>;
	extractDir: string;
	prioritiesFile: string;
	benchmarksFile: string;
}

export interface ImportResult {
	/** Wall seconds of importExtract alone (not the opening, nor the priorities and benchmarks after). */
	seconds: number;
	rowsRead: number;
	rowsLoaded: number;
	/** CPU seconds of this process during importExtract (DuckDB's threads included), and of its reader process. */
	writerCpuS: number;
	readerCpuS: number;
	/** Peak resident memory of this process (the whole child: open, import, settings) and of its reader. */
	writerMaxRssKb: number;
	readerMaxRssKb: number;
}

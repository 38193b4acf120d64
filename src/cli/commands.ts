/** The command line's commands: each parses its flags, calls the data core and prints. */
import path from 'node:path';
import { importExtract } from '../lib/server/import/import.ts';
import { shownSource } from '../lib/server/import/names.ts';
import { listBatches, listQuarantine } from '../lib/server/import/quarantine.ts';
import type { ImportReport } from '../lib/server/import/types.ts';
import { undoBatch, UndoError } from '../lib/server/import/undo.ts';
import { dataDictionary } from '../lib/server/schema/dictionary.ts';
import { exportSettings, importSettings, type SettingsTable } from '../lib/server/settings/settings.ts';
import { osActor } from '../lib/server/warehouse/audit.ts';
import { CommandFailed, parse, positiveInt, requireValue, UsageError, writeOut } from './args.ts';
import type { Context } from './main.ts';
import { progressBar } from './progress.ts';

export interface Command {
	help: string;
	run(args: string[], ctx: Context): Promise<number>;
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

const IMPORT_HELP = `Usage: cli import --db <warehouse> <extract folder or .zip> [--json]

Imports a multi-agency extract (manifest.json and <table>.csv or <table>.parquet files) into
the warehouse, creating the warehouse file if it does not exist. Valid rows are loaded (a row
whose key exists replaces it); invalid rows are quarantined with their file, line and every
reason. Importing the same extract again changes nothing.

  --db FILE   the warehouse (a DuckDB file)
  --json      print the report as JSON: {batch_id, status, files, errors, retried}
              (always, even when the import fails)

The extract is read in a child process with its own memory limits; the import is then loaded in
one transaction with its audit entry. Limits, each refused naming the file and the limit
(docs/import.md, "Limits"):
  FP_IMPORT_MAX_LINES           lines per file, header and blank lines included (50000000)
  FP_IMPORT_MAX_RECORD_KB       bytes per record (1024)
  FP_IMPORT_MAX_FIELD_KB        bytes per field (64)
  FP_IMPORT_MAX_COLUMNS         columns per header (1000)
  FP_UNZIP_LIMIT_MB             what a zip may unpack to (4096)
  FP_IMPORT_TIME_LIMIT_MINUTES  wall-clock time from opening to commit (120)
  FP_IMPORT_READER_HEAP_MB      the reader's JavaScript heap (1024)

Exit status: 0 committed or unchanged, 1 failed (nothing was loaded), 2 usage error.
`;

function summary(report: ImportReport): string {
	if (report.status === 'failed') {
		return `Import failed; nothing was loaded.\n${report.errors.map((e) => `  ${e.message}${e.line ? ` (line ${e.line})` : ''}`).join('\n')}\n`;
	}
	if (report.status === 'unchanged') return `Unchanged: this extract was already imported as batch ${report.batch_id}.\n`;
	const lines = [`Imported batch ${report.batch_id}.`];
	const w = Math.max(...report.files.map((f) => f.file.length), 4);
	lines.push(`  ${'file'.padEnd(w)}  ${'read'.padStart(9)} ${'loaded'.padStart(9)} ${'replaced'.padStart(9)} ${'quarantined'.padStart(11)}`);
	for (const f of report.files) {
		lines.push(
			`  ${f.file.padEnd(w)}  ${String(f.rows_read).padStart(9)} ${String(f.rows_loaded).padStart(9)} ${String(f.rows_replaced).padStart(9)} ${String(f.rows_quarantined).padStart(11)}`
		);
	}
	for (const r of report.retried) {
		lines.push(`  retried ${r.table}: ${r.rows_loaded} loaded from the quarantine, ${r.rows_waiting} still waiting for a reference`);
	}
	const quarantined = report.files.reduce((n, f) => n + f.rows_quarantined, 0);
	if (quarantined > 0) lines.push(`${quarantined} rows quarantined: see them with "cli quarantine --db <warehouse>".`);
	return `${lines.join('\n')}\n`;
}

const importCommand: Command = {
	help: IMPORT_HELP,
	async run(args, ctx) {
		const { values, positionals } = parse(args, { db: { type: 'string' }, json: { type: 'boolean' } });
		const db = requireValue(values.db, '--db');
		if (positionals.length !== 1) throw new UsageError('give exactly one extract folder or .zip');
		const source = positionals[0];
		let report: ImportReport;
		const bar = values.json ? null : progressBar();
		try {
			const warehouse = await ctx.warehouse(db, { create: true });
			report = await importExtract(warehouse, source, {
				actor: osActor(),
				onProgress: bar?.update,
				// Written in the import's own transaction when it commits; after it otherwise.
				audit: (r) => ({
					actor: osActor(),
					action: 'cli.import',
					details: {
						source: shownSource(path.basename(path.resolve(source))),
						status: r.status,
						batch_id: r.batch_id,
						files: r.files.map((f) => ({ file: f.file, rows_read: f.rows_read, rows_loaded: f.rows_loaded, rows_quarantined: f.rows_quarantined })),
						reasons: r.errors.slice(0, 20).map((e) => e.message)
					}
				})
			});
		} catch (e) {
			// Even a warehouse that cannot be opened gets its report, as --json promises.
			if (!values.json) throw e;
			report = { batch_id: null, status: 'failed', files: [], errors: [{ file: null, message: e instanceof Error ? e.message : String(e) }], retried: [] };
		} finally {
			bar?.finish();
		}
		if (values.json) ctx.out(json(report));
		else if (report.status === 'failed') ctx.err(summary(report));
		else ctx.out(summary(report));
		return report.status === 'failed' ? 1 : 0;
	}
};

const undoCommand: Command = {
	help: `Usage: cli undo --db <warehouse> --batch <id> [--json]

Undoes an import: the rows it inserted go, the rows it replaced come back, and its quarantined
rows go. Refused while a later import depends on it (undo that one first).
`,
	async run(args, ctx) {
		const { values } = parse(args, { db: { type: 'string' }, batch: { type: 'string' }, json: { type: 'boolean' } }, false);
		const db = requireValue(values.db, '--db');
		const batch = positiveInt(requireValue(values.batch, '--batch'), '--batch', 0);
		const warehouse = await ctx.warehouse(db);
		try {
			const report = await undoBatch(warehouse, batch, osActor());
			await ctx.audit('undo', { batch_id: batch, rows_removed: report.rows_removed, rows_restored: report.rows_restored });
			ctx.out(values.json ? json(report) : `Undid batch ${batch}: ${report.rows_removed} rows removed, ${report.rows_restored} rows restored.\n`);
			return 0;
		} catch (e) {
			if (e instanceof UndoError) throw new CommandFailed(e.message);
			throw e;
		}
	}
};

const quarantineCommand: Command = {
	help: `Usage: cli quarantine --db <warehouse> [--batch <id>] [--table <name>] [--all] [--json]

Lists quarantined rows with their file, line (record number; the header is line 1) and every
reason. By default only rows still out of the warehouse; --all adds rows later loaded or
superseded.
`,
	async run(args, ctx) {
		const { values } = parse(
			args,
			{ db: { type: 'string' }, batch: { type: 'string' }, table: { type: 'string' }, all: { type: 'boolean' }, json: { type: 'boolean' } },
			false
		);
		const warehouse = await ctx.warehouse(requireValue(values.db, '--db'));
		const rows = await listQuarantine(warehouse, {
			batch: values.batch ? positiveInt(values.batch, '--batch', 0) : undefined,
			table: values.table,
			status: values.all ? 'all' : 'open'
		});
		await ctx.audit('quarantine', { batch: values.batch ?? null, table: values.table ?? null, rows: rows.length });
		if (values.json) {
			ctx.out(json(rows));
			return 0;
		}
		if (rows.length === 0) ctx.out('No quarantined rows.\n');
		for (const r of rows) {
			ctx.out(`batch ${r.batch_id} ${r.file} line ${r.line}${r.waiting_for_reference ? ' (waiting for a reference)' : ''}\n`);
			for (const reason of r.reasons) ctx.out(`  - ${reason}\n`);
		}
		return 0;
	}
};

const batchesCommand: Command = {
	help: `Usage: cli batches --db <warehouse> [--json]

Lists the import batches with their rows read, loaded, replaced and quarantined.
`,
	async run(args, ctx) {
		const { values } = parse(args, { db: { type: 'string' }, json: { type: 'boolean' } }, false);
		const warehouse = await ctx.warehouse(requireValue(values.db, '--db'));
		const batches = await listBatches(warehouse);
		if (values.json) ctx.out(json(batches));
		else if (batches.length === 0) ctx.out('No imports yet.\n');
		else {
			for (const b of batches) {
				ctx.out(
					`batch ${b.batch_id} ${b.status} ${b.imported_at} by ${b.imported_by}: ${b.source} from ${b.supplied_by} (extracted ${b.extracted_on}); read ${b.rows_read}, loaded ${b.rows_loaded}, replaced ${b.rows_replaced}, quarantined ${b.rows_quarantined}\n`
				);
			}
		}
		return 0;
	}
};

function settingsCommand(table: SettingsTable): Command {
	return {
		help: `Usage: cli ${table} import --db <warehouse> <file.csv> [--json]
       cli ${table} export --db <warehouse> <file.csv | ->

import: loads ${table} from a CSV file of the columns in docs/data-dictionary.md, validated like
extract rows. A file with any invalid row loads nothing; each broken rule is listed with its
line. Rows with an existing ${table === 'priorities' ? 'priority_id' : 'benchmark_id'} replace it; others stay.
export: writes every row of ${table} as CSV ("-" for standard output).
`,
		async run(args, ctx) {
			const [action, ...rest] = args;
			if (action !== 'import' && action !== 'export') throw new UsageError(`say "import" or "export"`);
			const { values, positionals } = parse(rest, { db: { type: 'string' }, json: { type: 'boolean' } });
			const db = requireValue(values.db, '--db');
			if (positionals.length !== 1) throw new UsageError('give exactly one CSV file');
			const warehouse = await ctx.warehouse(db);
			if (action === 'export') {
				const file = positionals[0];
				const { csv, rows } = await exportSettings(warehouse, table);
				await writeOut(ctx.out, file, csv);
				await ctx.audit(`${table}.export`, { rows });
				if (file !== '-') ctx.err(`Wrote ${rows} ${table} to ${file}.\n`);
				return 0;
			}
			const report = await importSettings(warehouse, table, positionals[0]);
			await ctx.audit(`${table}.import`, { file: report.file, status: report.status, rows_loaded: report.rows_loaded });
			if (values.json) ctx.out(json(report));
			else if (report.status === 'committed') {
				ctx.out(`Loaded ${report.rows_loaded} ${table} (${report.rows_replaced} replaced existing ones).\n`);
			} else {
				ctx.err(`Nothing loaded: ${report.file} has errors.\n${report.errors.map((e) => `  ${e.line ? `line ${e.line}: ` : ''}${e.message}`).join('\n')}\n`);
			}
			return report.status === 'committed' ? 0 : 1;
		}
	};
}

const docsCommand: Command = {
	help: `Usage: cli docs [--out <file | ->] [--metrics <file | ->]

Writes the generated documentation as Markdown: the data dictionary (every table, column,
rule and code list, from the schema) to --out, and the metric definitions (from the registry)
to --metrics. With neither, the data dictionary goes to standard output.
`,
	async run(args, ctx) {
		const { values } = parse(args, { out: { type: 'string' }, metrics: { type: 'string' } }, false);
		if (values.out || !values.metrics) await writeOut(ctx.out, values.out ?? '-', dataDictionary());
		if (values.metrics) {
			const { metricDefinitionsDoc } = await import('../lib/server/metrics/doc.ts');
			await writeOut(ctx.out, values.metrics, metricDefinitionsDoc());
		}
		return 0;
	}
};

/** Commands by name; the heavier ones load their module only when called. */
export const COMMANDS: Record<string, () => Promise<Command>> = {
	import: async () => importCommand,
	undo: async () => undoCommand,
	quarantine: async () => quarantineCommand,
	batches: async () => batchesCommand,
	metrics: async () => (await import('./metrics-command.ts')).metricsCommand,
	priorities: async () => settingsCommand('priorities'),
	benchmarks: async () => settingsCommand('benchmarks'),
	generate: async () => (await import('./generate-command.ts')).generateCommand,
	demo: async () => (await import('./demo-command.ts')).demoCommand,
	docs: async () => docsCommand,
	keygen: async () => (await import('./keygen-command.ts')).keygenCommand,
	convert: async () => (await import('./convert-command.ts')).convertCommand,
	pseudonymise: async () => (await import('./pseudonymise-command.ts')).pseudonymiseCommand,
	'audit-log': async () => (await import('./audit-log-command.ts')).auditLogCommand,
	linkage: async () => (await import('./linkage-command.ts')).linkageCommand,
	users: async () => (await import('./users-command.ts')).usersCommand
};

export const HELP = `Full Picture command line (the data controller's tool: figures are unsuppressed).

Usage: npm run --silent cli -- <command> [options]

Commands:
  import      --db <w> <extract folder or .zip> [--json]   import an extract
  undo        --db <w> --batch <id> [--json]               undo an import
  quarantine  --db <w> [--batch <id>] [--json]             list quarantined rows
  batches     --db <w> [--json]                            list import batches
  metrics     --db <w> --from <date> --to <date> [--area C] [--agency C | --sector S] [--by D] --json
  priorities  import|export --db <w> <file.csv>            partnership priorities
  benchmarks  import|export --db <w> <file.csv>            published comparators
  generate    --out <dir> [--children N] [--years Y] [--seed S] [--format csv|parquet]
  demo        --db <new warehouse>                         generate and import the demo
  docs        [--out <file>] [--metrics <file>]            the data dictionary, metric definitions
  linkage     --db <w> [--from <date>] [--to <date>] --json children linked across agencies
  audit-log   verify|list|anchor --db <w> [--expect-head H] [--limit N] [--json]   check, read or anchor the audit log
  users       add|disable|set-role|reset|list --db <w> [--email E] [--role R] [--password-stdin]
              [--base-url URL] [--json]                    the dashboard's accounts and roles

For the data controller, on their side (with the partnership key; docs/data-controller.md):
  keygen      --out <key file>                             make the partnership key
  convert     cin-census <file.xml> | annex-a <file.xlsx> --la <code>
              --key-file <k> --agency <code> --out <dir> [--nhs-lookup <csv>] [--area-lookup <csv>]
  pseudonymise <file.csv> --key-file <k> --agency <code> --table <t> --id <col>[:nhs|:la] ...
              [--la <code>] [--birth-date <col>] [--drop <col> ...] --out <file.csv>

"<command> --help" says more. Exit status: 0 success, 1 failed, 2 usage error.
`;

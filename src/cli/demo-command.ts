/**
 * `cli demo`: makes the demo warehouse (what `npm start` runs on first start without
 * DATABASE_PATH): generates the fictional partnership, imports its extract and settings
 * into a new file beside the target, and renames it into place only when all succeeded.
 */
import { existsSync, promises as fs } from 'node:fs';
import { createUser } from '../lib/server/auth/accounts.ts';
import { generatePassword } from '../lib/server/auth/passwords.ts';
import { ROLES } from '../lib/server/auth/roles.ts';
import path from 'node:path';
import { defaultDemoEnd, generateDemo } from '../lib/server/demo/generate.ts';
import { importExtract } from '../lib/server/import/import.ts';
import { importSettings } from '../lib/server/settings/settings.ts';
import { osActor } from '../lib/server/warehouse/audit.ts';
import { moveWarehouse, openWarehouse } from '../lib/server/warehouse/warehouse.ts';
import { CommandFailed, isoDate, parse, positiveInt, requireValue } from './args.ts';
import type { Command } from './commands.ts';
import type { Context } from './main.ts';
import { progressBar } from './progress.ts';

export const DEMO_HELP = `Usage: cli demo --db <new warehouse> [--children N] [--end YYYY-MM-DD] [--accounts <file>]

Generates the demo partnership (seed 1; data up to --end, by default the end of last month)
and imports it, with its priorities and benchmarks, into a new warehouse. Refuses an
existing file.

  --accounts FILE  also make one demo account per role (viewer, lead, auditor, analyst,
                   admin @demo.invalid) with random passwords, printed once here and written
                   to FILE, readable only by you (mode 0600). The demo server asks them for no
                   second factor. (npm start's demo uses data/demo-accounts.txt.)
`;

/** One account per role, random passwords; written to `file` (0600) and returned as text. */
async function demoAccounts(warehouse: Awaited<ReturnType<typeof openWarehouse>>, file: string): Promise<string> {
	const lines = [
		'# Full Picture demo accounts: one per role. Random passwords, made once with the demo.',
		'# The demo asks no second factor. Delete data/demo.duckdb to make the demo (and these) again.',
		''
	];
	for (const role of ROLES) {
		const email = `${role}@demo.invalid`;
		const password = generatePassword(email);
		await createUser(warehouse, { email, role, password });
		lines.push(`${role.padEnd(8)} ${email.padEnd(22)} ${password}`);
	}
	const text = `${lines.join('\n')}\n`;
	await fs.mkdir(path.dirname(file), { recursive: true });
	await fs.rm(file, { force: true });
	await fs.writeFile(file, text, { mode: 0o600, flag: 'wx' });
	await fs.chmod(file, 0o600);
	return text;
}

async function run(args: string[], ctx: Context): Promise<number> {
	const { values } = parse(args, { db: { type: 'string' }, children: { type: 'string' }, end: { type: 'string' }, accounts: { type: 'string' } }, false);
	const db = path.resolve(requireValue(values.db, '--db'));
	if (existsSync(db)) throw new CommandFailed(`${db} exists already: the demo makes a new warehouse`);
	const work = `${db}.making`;
	await fs.rm(work, { recursive: true, force: true });
	const bar = progressBar();
	const generated = await generateDemo({
		outDir: path.join(work, 'source'),
		children: positiveInt(values.children, '--children', 20_000),
		end: values.end ? isoDate(values.end, '--end') : defaultDemoEnd(),
		onProgress: (p) => bar.update({ ...p, stage: `generating: ${p.stage}` })
	});
	const file = path.join(work, 'demo.duckdb');
	const warehouse = await openWarehouse(file, { create: true });
	let accounts: string | null = null;
	try {
		const report = await importExtract(warehouse, generated.extractDir, {
			actor: osActor(),
			onProgress: (p) => bar.update({ ...p, stage: `importing: ${p.stage}` }),
			// Like every import, the demo's batch has its audit entry, in its own transaction.
			audit: (r) => ({ actor: osActor(), action: 'cli.demo', details: { status: r.status, batch_id: r.batch_id, events: generated.events } })
		});
		if (report.status !== 'committed') throw new CommandFailed(`the demo extract did not import: ${report.errors.map((e) => e.message).join('; ')}`);
		for (const [table, csv] of [
			['priorities', generated.prioritiesFile],
			['benchmarks', generated.benchmarksFile]
		] as const) {
			const r = await importSettings(warehouse, table, csv);
			if (r.status !== 'committed') throw new CommandFailed(`the demo ${table} did not import: ${r.errors.map((e) => e.message).join('; ')}`);
		}
		if (values.accounts) accounts = await demoAccounts(warehouse, path.resolve(values.accounts));
	} finally {
		bar.finish();
		await warehouse.close();
	}
	// The audit log's anchor and the cell key secret follow the warehouse (unless configured elsewhere).
	moveWarehouse(file, db);
	await fs.rm(work, { recursive: true, force: true });
	ctx.out(`Demo warehouse ready: ${db} (${generated.events} events, ${generated.period.start} to ${generated.period.end}).\n`);
	if (accounts) ctx.out(`\nDemo accounts (shown once; also in ${path.resolve(values.accounts!)}, readable only by you):\n${accounts}`);
	return 0;
}

export const demoCommand: Command = { help: DEMO_HELP, run };

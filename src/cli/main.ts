/**
 * Full Picture's command line: a thin layer over the data core (src/lib/server). It is the
 * data controller's tool: it prints unsuppressed figures, and writes each run that reads or
 * changes data to the warehouse's audit log under the operating-system user.
 *
 * Exit status: 0 success, 1 ran but failed (the error on standard error), 2 usage error.
 */
import { existsSync } from 'node:fs';
import { appendAudit, osActor } from '../lib/server/warehouse/audit.ts';
import { openWarehouse, WarehouseInUseError, WarehouseMissingError, type OpenOptions, type Warehouse } from '../lib/server/warehouse/warehouse.ts';
import { CommandFailed, UsageError } from './args.ts';
import { COMMANDS, HELP } from './commands.ts';

export interface Io {
	out: (text: string) => void;
	err: (text: string) => void;
}

export interface Context extends Io {
	/** Opens the warehouse named by --db (refusing a missing file unless `create`; `readOnly` changes nothing in it). */
	warehouse(db: string | undefined, options?: OpenOptions): Promise<Warehouse>;
	audit(action: string, details: Record<string, unknown>): Promise<void>;
}

export async function run(argv: string[], io: Io): Promise<number> {
	const [name, ...args] = argv;
	if (!name) {
		io.err(HELP);
		return 2;
	}
	if (name === '--help' || name === '-h' || name === 'help') {
		io.out(HELP);
		return 0;
	}
	const command = Object.hasOwn(COMMANDS, name) ? await COMMANDS[name]() : undefined;
	if (!command) {
		io.err(`unknown command "${name}"\n\n${HELP}`);
		return 2;
	}
	if (args.includes('--help') || args.includes('-h')) {
		io.out(command.help);
		return 0;
	}
	let opened: Warehouse | undefined;
	const ctx: Context = {
		...io,
		async warehouse(db, options = {}) {
			if (!db) throw new UsageError('--db <warehouse file> is required');
			if (!options.create && !existsSync(db)) throw new WarehouseMissingError(db);
			opened = await openWarehouse(db, options);
			return opened;
		},
		async audit(action, details) {
			if (opened) await appendAudit(opened, { actor: osActor(), action: `cli.${action}`, details });
		}
	};
	try {
		return await command.run(args, ctx);
	} catch (e) {
		if (e instanceof UsageError) {
			io.err(`${name}: ${e.message}\n\n${command.help}`);
			return 2;
		}
		if (e instanceof CommandFailed || e instanceof WarehouseInUseError || e instanceof WarehouseMissingError) {
			io.err(`${name}: ${e.message}\n`);
			return 1;
		}
		io.err(`${name}: ${e instanceof Error ? e.message : String(e)}\n`);
		return 1;
	} finally {
		await opened?.close();
	}
}

const isMain = process.argv[1] && /src[\\/]cli[\\/]main\.ts$/.test(process.argv[1]);
if (isMain) {
	const code = await run(process.argv.slice(2), {
		out: (t) => process.stdout.write(t),
		err: (t) => process.stderr.write(t)
	});
	process.exitCode = code;
}

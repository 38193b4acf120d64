/**
 * The server's warehouse: the file named by DATABASE_PATH (npm start sets it to the demo's in
 * demo mode), opened once per process when the server starts, so that the server holds it.
 */
import path from 'node:path';
import { env } from '$env/dynamic/private';
import { openWarehouse, WarehouseInUseError, WarehouseMissingError, type Warehouse } from '../warehouse/warehouse.ts';

let opening: Promise<Warehouse> | undefined;

export function serverWarehouse(): Promise<Warehouse> {
	const file = env.DATABASE_PATH;
	if (!file) throw new Error('DATABASE_PATH is not set: start the server with "npm start"');
	opening ??= openWarehouse(file);
	return opening;
}

export const isDemo = () => env.FULL_PICTURE_DEMO === '1';

/**
 * The one line a server that cannot open its warehouse at start-up prints before it exits (no
 * stack trace: the person starting it needs the reason, not the code path), or null for an
 * error that is not one of these and should surface as it is.
 */
export function startupFailure(e: unknown, file: string): string | null {
	const resolved = path.resolve(file);
	if (e instanceof WarehouseInUseError) {
		// DuckDB names the holder's PID in its lock error (warehouse.ts keeps it in the message).
		const pid = /\(PID (\d+)\)/.exec(e.message)?.[1];
		const holder = pid ? `another process (PID ${pid})` : 'another process';
		return `Full Picture: the warehouse ${resolved} is in use by ${holder}: stop it first.`;
	}
	if (e instanceof WarehouseMissingError) {
		return `Full Picture: no warehouse at ${resolved} (DATABASE_PATH): import an extract into it with the command line first.`;
	}
	return null;
}

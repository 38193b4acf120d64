/**
 * The server's warehouse: the file named by DATABASE_PATH (npm start sets it to the demo's in
 * demo mode), opened once per process when the server starts, so that the server holds it.
 */
import { env } from '$env/dynamic/private';
import { openWarehouse, type Warehouse } from '../warehouse/warehouse.ts';

let opening: Promise<Warehouse> | undefined;

export function serverWarehouse(): Promise<Warehouse> {
	const file = env.DATABASE_PATH;
	if (!file) throw new Error('DATABASE_PATH is not set: start the server with "npm start"');
	opening ??= openWarehouse(file);
	return opening;
}

export const isDemo = () => env.FULL_PICTURE_DEMO === '1';

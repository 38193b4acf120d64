import type { ServerInit } from '@sveltejs/kit';
import { building } from '$app/environment';
import { env } from '$env/dynamic/private';
import { serverPolicy } from '$lib/server/http/policy.ts';
import { serverWarehouse } from '$lib/server/http/warehouse.ts';

/**
 * At start-up: reads the disclosure policy (a bad DISCLOSURE_THRESHOLD stops the server with a
 * message naming it) and opens the warehouse, which the server then holds (one process per file).
 */
export const init: ServerInit = async () => {
	if (building) return;
	serverPolicy();
	if (env.DATABASE_PATH) await serverWarehouse();
};

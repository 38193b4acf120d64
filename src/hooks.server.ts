import type { ServerInit } from '@sveltejs/kit';
import { building } from '$app/environment';
import { env } from '$env/dynamic/private';
import { serverWarehouse } from '$lib/server/http/warehouse.ts';

/** Opens the warehouse when the server starts: the server then holds it (one process per file). */
export const init: ServerInit = async () => {
	if (!building && env.DATABASE_PATH) await serverWarehouse();
};

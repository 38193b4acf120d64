/** For tests: a command-line context that records what a command prints and refuses a warehouse. */
import type { Context } from './main.ts';

export function offlineContext(command: string) {
	const out: string[] = [];
	const err: string[] = [];
	const ctx: Context = {
		out: (t) => out.push(t),
		err: (t) => err.push(t),
		warehouse: async () => {
			throw new Error(`${command} opens no warehouse`);
		},
		audit: async () => {}
	};
	return { ctx, out, err };
}

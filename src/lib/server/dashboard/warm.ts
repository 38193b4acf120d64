/**
 * After the server opens its warehouse, and after every import or undo made through it, the
 * figures its first visitors ask for are computed in the background (and kept per data
 * version: `Warehouse.cached`): the filter options, the overview (scorecard and drift), and
 * each dashboard page for the last 12 months of the whole partnership, the period a page opens
 * with. Pages one after the other, so that a visitor's own request is never queued behind
 * more than one of them. FP_WARM=off turns it off (the bench's cold figures are measured both ways).
 */
import { londonToday, last12 } from './period.ts';
import { auditsPage } from './audits.ts';
import { dataPage } from './data.ts';
import { driftPanel } from './drift.ts';
import { escalationPage } from './escalation.ts';
import { filterOptions } from './filters.ts';
import { meetingsPage } from './meetings.ts';
import { needPage } from './need.ts';
import { overviewPage } from './overview.ts';
import { responsePage } from './response.ts';
import type { Warehouse } from '../warehouse/warehouse.ts';

/** Computes and keeps what the first visitors of this data version ask for; answers when done. */
export async function warmFigures(warehouse: Warehouse, today: string = londonToday()): Promise<void> {
	const options = await filterOptions(warehouse);
	await overviewPage(warehouse, { today });
	await driftPanel(warehouse, { today });
	const period = last12(options.lastEventDate, today);
	const q = { from: period.from, to: period.to, area: null, agency: null };
	for (const page of [needPage, responsePage, escalationPage, auditsPage, meetingsPage]) await page(warehouse, q);
	await dataPage(warehouse);
}

let running: Promise<void> | null = null;
let again = false;

/**
 * `warmFigures` in the background, unless FP_WARM=off: one run at a time (a request made while
 * one runs starts one more after it, for the data as it is then); a failure is logged, never thrown.
 */
export function warmInBackground(warehouse: Warehouse): void {
	if (process.env.FP_WARM === 'off') return;
	if (running) {
		again = true;
		return;
	}
	running = warmFigures(warehouse)
		.catch((e: unknown) => {
			process.stderr.write(`Full Picture: computing the figures ahead failed (pages compute them when asked): ${e instanceof Error ? e.message : String(e)}\n`);
		})
		.finally(() => {
			running = null;
			if (again) {
				again = false;
				warmInBackground(warehouse);
			}
		});
}

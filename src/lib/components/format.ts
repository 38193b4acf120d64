/** Figures in a metric's unit, on pages: the charts' formatter with the unit's decimals and suffix. */
import { formatShown as formatValue } from './charts/format.ts';
import type { ShownValue, ValueFormat } from './charts/types.ts';

export type Unit = 'per_10k' | 'percent' | 'per_100' | 'working_days' | 'hours' | 'days' | 'count';

/** How a unit is written: decimals and what follows the number. */
export function unitFormat(unit: Unit): ValueFormat {
	return unit === 'count' ? { decimals: 0 } : unit === 'percent' ? { decimals: 1, unit: '%' } : { decimals: 1 };
}

/** A shown figure as text: its symbol when not shown, else the number in its unit. */
export function formatShown(shown: ShownValue, unit: Unit): string {
	return formatValue(shown, unitFormat(unit));
}

/** The words of a unit, for axes and headings. */
export function unitLabel(unit: Unit): string {
	return {
		per_10k: 'per 10,000 children',
		percent: '%',
		per_100: 'per 100 referrals',
		working_days: 'working days',
		hours: 'hours',
		days: 'days',
		count: 'number'
	}[unit];
}

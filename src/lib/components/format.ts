/** How figures are written on pages (the server's disclosure module decides what is shown). */
export type Unit = 'per_10k' | 'percent' | 'per_100' | 'working_days' | 'hours' | 'days' | 'count';

const FIGURE = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1 });
const COUNT = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });

/** A shown figure as text: its symbol when not shown, else the number in its unit. */
export function formatShown(shown: { value: number | null; symbol?: string | null }, unit: Unit): string {
	if (shown.symbol) return shown.symbol;
	if (shown.value === null) return 'x';
	if (unit === 'count') return COUNT.format(shown.value);
	const text = FIGURE.format(shown.value).replace(/^-0$/, '0');
	return unit === 'percent' ? `${text}%` : text;
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

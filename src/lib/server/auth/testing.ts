/** Helpers for the auth tests only: a movable clock. */

export interface TestClock {
	now: () => Date;
	advance(ms: number): void;
	set(date: Date): void;
}

export function testClock(start = new Date('2025-04-07T09:00:00.000Z')): TestClock {
	let t = start.getTime();
	return {
		now: () => new Date(t),
		advance: (ms) => {
			t += ms;
		},
		set: (date) => {
			t = date.getTime();
		}
	};
}

export const MINUTE = 60_000;

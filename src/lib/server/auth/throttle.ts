/**
 * Throttling of failed sign-ins, in memory and per process (one server process per warehouse).
 *
 * Failures are counted per account (the normalised email, whether or not such an account
 * exists, so a refusal reveals nothing) and per address. When an account has 5 failures within
 * 15 minutes, or an address 20, further attempts for it are refused for 15 minutes, without
 * checking the password. A successful sign-in clears its account's failures (not its
 * address's). Counters are forgotten when the process restarts.
 *
 *   new Throttle(options?: Partial<ThrottleOptions> & { now?: Clock })
 *   throttle.check(account, address): { allowed: true } | { allowed: false; retryAfterSeconds }
 *   throttle.fail(account, address): void
 *   throttle.succeed(account): void
 *   signInThrottle: the process's Throttle, used by authenticate() unless given another
 */
import { systemClock, type Clock } from './tokens.ts';

export interface ThrottleOptions {
	/** Failures of one account within the window that start a lock-out. */
	maxPerAccount: number;
	/** Failures from one address within the window that start a lock-out. */
	maxPerAddress: number;
	windowMs: number;
	/** How long a lock-out lasts. */
	lockoutMs: number;
}

export const DEFAULT_THROTTLE: ThrottleOptions = {
	maxPerAccount: 5,
	maxPerAddress: 20,
	windowMs: 15 * 60_000,
	lockoutMs: 15 * 60_000
};

export type ThrottleCheck = { allowed: true } | { allowed: false; retryAfterSeconds: number };

interface Counter {
	/** Times (ms) of the failures within the window, oldest first. */
	failures: number[];
	lockedUntil: number;
}

/** Above this many tracked keys, stale ones are swept on the next failure (bounds memory under a spray). */
const SWEEP_ABOVE = 10_000;

export class Throttle {
	private readonly options: ThrottleOptions;
	private readonly now: Clock;
	private readonly accounts = new Map<string, Counter>();
	private readonly addresses = new Map<string, Counter>();

	constructor(options: Partial<ThrottleOptions> & { now?: Clock } = {}) {
		const { now, ...rest } = options;
		this.options = { ...DEFAULT_THROTTLE, ...rest };
		this.now = now ?? systemClock;
	}

	check(account: string, address: string): ThrottleCheck {
		const t = this.now().getTime();
		const until = Math.max(this.accounts.get(key(account))?.lockedUntil ?? 0, this.addresses.get(address)?.lockedUntil ?? 0);
		if (until > t) return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((until - t) / 1000)) };
		return { allowed: true };
	}

	fail(account: string, address: string): void {
		const t = this.now().getTime();
		this.count(this.accounts, key(account), this.options.maxPerAccount, t);
		this.count(this.addresses, address, this.options.maxPerAddress, t);
	}

	/** Whether an address may try (its own limit only: for sign-in without an account name, e.g. OpenID Connect). */
	checkAddress(address: string): ThrottleCheck {
		const t = this.now().getTime();
		const until = this.addresses.get(address)?.lockedUntil ?? 0;
		if (until > t) return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((until - t) / 1000)) };
		return { allowed: true };
	}

	/** Counts a failure against an address alone. */
	failAddress(address: string): void {
		this.count(this.addresses, address, this.options.maxPerAddress, this.now().getTime());
	}

	succeed(account: string): void {
		this.accounts.delete(key(account));
	}

	private count(map: Map<string, Counter>, k: string, max: number, t: number): void {
		if (map.size > SWEEP_ABOVE) this.sweep(map, t);
		const c = map.get(k) ?? { failures: [], lockedUntil: 0 };
		c.failures = c.failures.filter((f) => f > t - this.options.windowMs);
		c.failures.push(t);
		if (c.failures.length >= max) {
			c.lockedUntil = t + this.options.lockoutMs;
			c.failures = [];
		}
		map.set(k, c);
	}

	private sweep(map: Map<string, Counter>, t: number): void {
		for (const [k, c] of map) {
			if (c.lockedUntil <= t && c.failures.every((f) => f <= t - this.options.windowMs)) map.delete(k);
		}
	}
}

function key(account: string): string {
	return account.trim().toLowerCase();
}

/** The process's sign-in throttle. */
export const signInThrottle = new Throttle();

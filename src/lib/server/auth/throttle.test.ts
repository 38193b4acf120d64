/** Throttling of failed sign-ins: per account, per address, back-off with a retry-after. */
import { describe, expect, it } from 'vitest';
import { Throttle } from './throttle.ts';

function clock(start = Date.UTC(2025, 3, 7, 9)) {
	let t = start;
	return { now: () => new Date(t), advance: (ms: number) => (t += ms) };
}

describe('sign-in throttle', () => {
	it('refuses the 6th attempt on an account after 5 failures, with a retry-after, until the back-off ends', () => {
		const c = clock();
		const th = new Throttle({ now: c.now });
		for (let i = 0; i < 5; i++) {
			expect(th.check('Jane@Example.org', `10.0.0.${i}`)).toEqual({ allowed: true });
			th.fail('jane@example.org', `10.0.0.${i}`);
			c.advance(1000);
		}
		expect(th.check('jane@example.org', '10.0.0.99')).toEqual({ allowed: false, retryAfterSeconds: 15 * 60 - 1 });
		expect(th.check('other@example.org', '10.0.0.99')).toEqual({ allowed: true });
		c.advance(15 * 60_000);
		expect(th.check('jane@example.org', '10.0.0.99')).toEqual({ allowed: true });
	});

	it('forgets failures older than the window', () => {
		const c = clock();
		const th = new Throttle({ now: c.now });
		for (let i = 0; i < 4; i++) th.fail('a@example.org', 'x');
		c.advance(15 * 60_000 + 1);
		th.fail('a@example.org', 'x');
		expect(th.check('a@example.org', 'x')).toEqual({ allowed: true });
	});

	it("clears an account's failures on success", () => {
		const th = new Throttle({ now: clock().now });
		for (let i = 0; i < 4; i++) th.fail('a@example.org', 'x');
		th.succeed('a@example.org');
		for (let i = 0; i < 4; i++) th.fail('a@example.org', 'x');
		expect(th.check('a@example.org', 'x')).toEqual({ allowed: true });
	});

	it('refuses an address after 20 failures over many accounts, and not other addresses', () => {
		const th = new Throttle({ now: clock().now });
		for (let i = 0; i < 20; i++) {
			expect(th.check(`user${i}@example.org`, '192.0.2.7').allowed).toBe(true);
			th.fail(`user${i}@example.org`, '192.0.2.7');
		}
		expect(th.check('new@example.org', '192.0.2.7')).toEqual({ allowed: false, retryAfterSeconds: 900 });
		expect(th.check('new@example.org', '192.0.2.8')).toEqual({ allowed: true });
	});
});

describe('the address alone', () => {
	it('counts failures against the address and refuses it after its limit, leaving accounts alone', () => {
		const t = new Throttle({ maxPerAddress: 3, maxPerAccount: 5 });
		for (let i = 0; i < 2; i++) t.failAddress('10.0.0.9');
		expect(t.checkAddress('10.0.0.9')).toEqual({ allowed: true });
		t.failAddress('10.0.0.9');
		expect(t.checkAddress('10.0.0.9').allowed).toBe(false);
		expect(t.check('someone@example.org', '10.0.0.9').allowed).toBe(false);
		expect(t.check('someone@example.org', '10.0.0.10')).toEqual({ allowed: true });
		expect(t.checkAddress('10.0.0.10')).toEqual({ allowed: true });
	});
});

/** The sealed sign-in-in-flight cookie: round trip, tampering, expiry. */
import { describe, expect, it } from 'vitest';
import { openTransaction, sealTransaction, TRANSACTION_MS, type Transaction } from './transaction.ts';

const t: Transaction = { codeVerifier: 'v'.repeat(43), state: 'state-1', nonce: 'nonce-1', next: '/need?area=north' };

describe('transaction cookie', () => {
	it('opens what it sealed, and the value shows none of it', () => {
		const sealed = sealTransaction(t);
		expect(openTransaction(sealed)).toEqual(t);
		for (const part of [t.codeVerifier, t.state, t.nonce, 'need']) expect(Buffer.from(sealed, 'base64url').toString('latin1')).not.toContain(part);
		expect(sealTransaction(t)).not.toBe(sealed);
	});

	it('refuses any altered byte, a wrong length, and junk', () => {
		const sealed = sealTransaction(t);
		const raw = Buffer.from(sealed, 'base64url');
		for (const i of [0, 12, raw.length - 1]) {
			const bad = Buffer.from(raw);
			bad[i] ^= 1;
			expect(openTransaction(bad.toString('base64url'))).toBeNull();
		}
		expect(openTransaction(sealed.slice(0, -2))).toBeNull();
		expect(openTransaction(undefined)).toBeNull();
		expect(openTransaction('')).toBeNull();
		expect(openTransaction('not base64url!')).toBeNull();
		expect(openTransaction('A'.repeat(5000))).toBeNull();
	});

	it('expires after 10 minutes', () => {
		const start = new Date('2026-04-01T10:00:00Z');
		const sealed = sealTransaction(t, start);
		expect(openTransaction(sealed, new Date(start.getTime() + TRANSACTION_MS - 1000))).toEqual(t);
		expect(openTransaction(sealed, new Date(start.getTime() + TRANSACTION_MS))).toBeNull();
	});
});

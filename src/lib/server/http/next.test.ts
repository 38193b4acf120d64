import { describe, expect, it } from 'vitest';
import { MAX_NEXT, safeNext } from './next.ts';
import { safeNext as fromSession } from './session.ts';

/** Where a browser would go from a page of the app given `location` in a Location header. */
const landsOn = (location: string) => new URL(location, 'http://app.test/login').origin;

describe('safeNext keeps paths on this site', () => {
	it.each([
		['/', '/'],
		['/need', '/need'],
		['/metrics/re_referrals_12m_pct?from=2025-04&agency=LA', '/metrics/re_referrals_12m_pct?from=2025-04&agency=LA'],
		['/data/quarantine?batch=3#rows', '/data/quarantine?batch=3#rows'],
		// Kept, but percent-encoded: a Location header carries ASCII only.
		['/need?q=a b', '/need?q=a%20b'],
		['/need?q=é', '/need?q=%C3%A9'],
		['/\u2028', '/%E2%80%A8'],
		// A lookalike of a slash after a real one is only a character of the path.
		['/／evil.example', '/%EF%BC%8Fevil.example'],
		// An encoded slash or backslash stays encoded: still a path here.
		['/%2F/evil.example', '/%2F/evil.example'],
		['/%5C/evil.example', '/%5C/evil.example'],
		['/javascript:alert(1)', '/javascript:alert(1)'],
		['/a/../need', '/need']
	])('%j → %j', (next, expected) => {
		expect(safeNext(next)).toBe(expected);
		expect(landsOn(safeNext(next))).toBe('http://app.test');
	});
});

describe('safeNext sends anything else to /', () => {
	const hostile: [string, string | null | undefined][] = [
		['nothing', null],
		['undefined', undefined],
		['empty', ''],
		['tab between the slashes (the reported one)', '/\t/127.0.0.1:3999/'],
		['tab first', '\t//evil.example'],
		['newline between the slashes', '/\n/evil.example'],
		['CR LF between the slashes', '/\r\n/evil.example'],
		['newline inside a path (header injection)', '/need\r\nSet-Cookie: a=b'],
		['NUL', '/need\u0000'],
		['DEL', '/need\u007f'],
		['a C1 control', '/need\u0085'],
		['protocol-relative', '//evil.example'],
		['protocol-relative, three slashes', '///evil.example'],
		['slash backslash', '/\\evil.example'],
		['backslash slash', '\\/evil.example'],
		['two backslashes', '\\\\evil.example'],
		['a backslash later in the path', '/need\\..\\..\\evil'],
		['dot segment to //', '/.//evil.example'],
		['dot-dot segment to //', '/..//evil.example'],
		['encoded dot segment to //', '/%2e//evil.example'],
		['https URL', 'https://evil.example/'],
		['http URL of this site', 'http://app.test/need'],
		['scheme-relative with credentials', '//user@evil.example'],
		['javascript:', 'javascript:alert(1)'],
		['data:', 'data:text/html,<script>alert(1)</script>'],
		['no leading slash', 'need'],
		['leading space', ' /need'],
		['fullwidth solidi', '／／evil.example'],
		['fullwidth reverse solidus', '／＼evil.example'],
		['far too long', `/${'a'.repeat(MAX_NEXT)}`]
	];
	it.each(hostile)('%s', (_name, next) => {
		expect(safeNext(next)).toBe('/');
	});

	it('the query-string forms, decoded as SvelteKit decodes them, go to / too', () => {
		for (const query of ['next=%2F%09%2F127.0.0.1%3A3999%2F', 'next=%2F%5C127.0.0.1', 'next=%2F%0A%2Fevil.example', 'next=%2F%2Fevil.example', 'next=https%3A%2F%2Fevil.example']) {
			expect(safeNext(new URLSearchParams(query).get('next')), query).toBe('/');
		}
	});

	it('the result never leaves the site nor breaks a header, for any of them', () => {
		for (const [, next] of hostile) {
			const got = safeNext(next);
			expect(landsOn(got)).toBe('http://app.test');
			expect(() => new Headers({ location: got })).not.toThrow();
		}
	});

	it('is the function the sign-in pages import from session.ts', () => {
		expect(fromSession).toBe(safeNext);
	});
});

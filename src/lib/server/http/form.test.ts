import { isHttpError } from '@sveltejs/kit';
import { describe, expect, it } from 'vitest';
import { FORM_TOO_LARGE, FORM_UNREADABLE, formOrError, MAX_FORM_BYTES, readForm } from './form.ts';

const post = (body: BodyInit | null, headers: Record<string, string> = {}) => ({
	request: new Request('http://app.test/login', { method: 'POST', body, headers, ...(body instanceof ReadableStream ? { duplex: 'half' } : {}) } as RequestInit)
});
const urlencoded = (body: string | Uint8Array) => post(body as BodyInit, { 'content-type': 'application/x-www-form-urlencoded' });
const multipart = (body: string, boundary: string | null = 'XyZ') =>
	post(body, { 'content-type': boundary === null ? 'multipart/form-data' : `multipart/form-data; boundary=${boundary}` });

const GOOD_MULTIPART = ['--XyZ', 'Content-Disposition: form-data; name="email"', '', 'a@b.test', '--XyZ', 'Content-Disposition: form-data; name="password"', '', 'pass word', '--XyZ--', ''].join('\r\n');

async function fields(read: Promise<Awaited<ReturnType<typeof readForm>>>) {
	const got = await read;
	if (!got.ok) throw new Error(`refused: ${got.status} ${got.message}`);
	return Object.fromEntries(got.form);
}

describe('readForm reads the forms the pages send', () => {
	it('urlencoded, with + and percent-escapes, UTF-8', async () => {
		expect(await fields(readForm(urlencoded('email=a%40b.test&password=pass+word%2B%C3%A9&next=%2Fneed%3Fx%3D1')))).toEqual({
			email: 'a@b.test',
			password: 'pass word+é',
			next: '/need?x=1'
		});
	});

	it('urlencoded with a charset parameter, a field without =, and empty pairs', async () => {
		const read = readForm(post('a=1&&flag&b=', { 'content-type': 'Application/X-WWW-Form-Urlencoded; charset=UTF-8' }));
		expect(await fields(read)).toEqual({ a: '1', flag: '', b: '' });
	});

	it('the same as URLSearchParams for what a browser sends', async () => {
		const body = new URLSearchParams({ title: 'Re-referrals & repeat plans: 20% → 15%', note: 'line one\r\nline two', e: '' }).toString();
		expect(await fields(readForm(urlencoded(body)))).toEqual(Object.fromEntries(new URLSearchParams(body)));
	});

	it('an empty urlencoded body is an empty form', async () => {
		expect(await fields(readForm(urlencoded('')))).toEqual({});
		expect(await fields(readForm(post(null, { 'content-type': 'application/x-www-form-urlencoded' })))).toEqual({});
	});

	it('multipart with its boundary', async () => {
		expect(await fields(readForm(multipart(GOOD_MULTIPART)))).toEqual({ email: 'a@b.test', password: 'pass word' });
	});

	it('formOrError gives the form', async () => {
		expect(Object.fromEntries(await formOrError(urlencoded('on=1&next=%2F')))).toEqual({ on: '1', next: '/' });
	});
});

describe('readForm refuses bodies that are not such a form, with 400', () => {
	const truncated = GOOD_MULTIPART.slice(0, GOOD_MULTIPART.indexOf('pass word') + 4);
	const garbage = new Uint8Array(Array.from({ length: 512 }, (_, i) => (i * 131 + 7) % 256));
	const cases: [string, () => ReturnType<typeof post>][] = [
		['no content type', () => post('email=a')],
		['application/json', () => post('{"email":"a"}', { 'content-type': 'application/json' })],
		['text/plain (which Kit lets through to actions)', () => post('email=a', { 'content-type': 'text/plain' })],
		["SvelteKit's binary form type", () => post('\u0000\u0001', { 'content-type': 'application/x-sveltekit-formdata' })],
		['application/octet-stream garbage', () => post(garbage, { 'content-type': 'application/octet-stream' })],
		['multipart without a boundary', () => multipart(GOOD_MULTIPART, null)],
		['multipart with an empty boundary', () => multipart(GOOD_MULTIPART, '')],
		['multipart with another boundary than the body', () => multipart(GOOD_MULTIPART, 'Other')],
		['multipart with a garbage boundary', () => multipart(GOOD_MULTIPART, '"\u0001\u0002"')],
		['truncated multipart', () => multipart(truncated)],
		['multipart, binary garbage', () => post(garbage, { 'content-type': 'multipart/form-data; boundary=XyZ' })],
		['multipart, empty body', () => multipart('')],
		['urlencoded, % without hex', () => urlencoded('email=%zz&password=x')],
		['urlencoded, % at the end', () => urlencoded('email=a%')],
		['urlencoded, escapes that are not UTF-8', () => urlencoded('email=%C3%28')],
		['urlencoded, a lone surrogate escape', () => urlencoded('email=%ED%A0%80')],
		['urlencoded, bytes that are not UTF-8', () => urlencoded(new Uint8Array([0x65, 0x3d, 0xff, 0xfe, 0x80]))],
		['urlencoded, binary garbage', () => urlencoded(garbage)]
	];
	it.each(cases)('%s', async (_name, make) => {
		expect(await readForm(make())).toEqual({ ok: false, status: 400, message: FORM_UNREADABLE });
		try {
			await formOrError(make());
			expect.unreachable('formOrError gave a form');
		} catch (e) {
			expect(isHttpError(e) && e.status === 400 && e.body.message === FORM_UNREADABLE, String(e)).toBe(true);
		}
	});
});

describe('readForm refuses a huge body with 413', () => {
	const huge = `a=${'x'.repeat(MAX_FORM_BYTES)}`;

	it('read to its end in chunks (the connection stays usable), then refused', async () => {
		const chunk = new TextEncoder().encode('x'.repeat(16 * 1024));
		let pulled = 0;
		const body = new ReadableStream({
			start(c) {
				c.enqueue(new TextEncoder().encode('a='));
			},
			pull(c) {
				if (++pulled > 12) c.close();
				else c.enqueue(chunk);
			}
		});
		const event = post(body, { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(2 + 12 * chunk.byteLength) });
		expect(await readForm(event)).toEqual({ ok: false, status: 413, message: FORM_TOO_LARGE });
		expect(pulled).toBe(13);
	});

	it('a body of exactly MAX_FORM_BYTES is still a form', async () => {
		const exactly = `a=${'x'.repeat(MAX_FORM_BYTES - 2)}`;
		expect((await fields(readForm(urlencoded(exactly)))).a).toHaveLength(MAX_FORM_BYTES - 2);
	});

	it('by its size, urlencoded or multipart, when no length is declared', async () => {
		expect(await readForm(urlencoded(huge))).toEqual({ ok: false, status: 413, message: FORM_TOO_LARGE });
		const big = ['--XyZ', 'Content-Disposition: form-data; name="a"', '', 'x'.repeat(MAX_FORM_BYTES), '--XyZ--', ''].join('\r\n');
		expect(await readForm(multipart(big))).toEqual({ ok: false, status: 413, message: FORM_TOO_LARGE });
	});

	it('when the body stream stops with the adapter’s own 413', async () => {
		const body = new ReadableStream({
			start(c) {
				c.error(Object.assign(new Error('request body size exceeded BODY_SIZE_LIMIT'), { status: 413 }));
			}
		});
		const read = await readForm(post(body, { 'content-type': 'multipart/form-data; boundary=XyZ' }));
		expect(read).toEqual({ ok: false, status: 413, message: FORM_TOO_LARGE });
	});

	it('a body stream that fails otherwise is a 400', async () => {
		const body = new ReadableStream({
			start(c) {
				c.error(new Error('socket hang up'));
			}
		});
		expect(await readForm(post(body, { 'content-type': 'application/x-www-form-urlencoded' }))).toEqual({ ok: false, status: 400, message: FORM_UNREADABLE });
	});
});

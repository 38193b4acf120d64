/**
 * Reading a posted form, for every form action and form-reading endpoint (uploads stream their
 * own multipart: $lib/server/uploads/). A body that is not a form the app's pages could have
 * sent is the sender's mistake, never the server's: it gets a 4xx with a short message, not
 * the 500 that `request.formData()` throwing would give.
 *
 *   readForm(event): Promise<FormRead>      for form actions: on `ok: false`, return
 *       fail(read.status, { …the page's error shape…, message: read.message })
 *   formOrError(event): Promise<FormData>   for endpoints: throws error(status, message)
 *
 * Refused (400, unless said): a content type other than application/x-www-form-urlencoded or
 * multipart/form-data (text/plain and SvelteKit's own binary form type included: Kit lets them
 * through to form actions; none of the app's forms sends them); a multipart body without a
 * boundary, with a wrong or garbage boundary, truncated or otherwise unreadable; a urlencoded
 * body whose bytes are not UTF-8 or which holds a `%` not followed by two hex digits, or
 * percent-escapes that do not decode to UTF-8 (a browser never sends these); a body over
 * MAX_FORM_BYTES (413, as the adapter's own BODY_SIZE_LIMIT answers; the body is still read
 * to its end, bounded by that limit, and only MAX_FORM_BYTES of it kept). An empty urlencoded
 * body is an empty form: each action then refuses its missing fields as it always has.
 */
import { error, type RequestEvent } from '@sveltejs/kit';

/** Far above the largest form of the app (a settings row); the adapter's own limit is 512 KiB. */
export const MAX_FORM_BYTES = 128 * 1024;

export const FORM_UNREADABLE = 'The form could not be read. Go back to the page and send it again.';
export const FORM_TOO_LARGE = 'The form is too large.';

export type FormRead = { ok: true; form: FormData } | { ok: false; status: 400 | 413; message: string };

const refused = (status: 400 | 413, message: string): FormRead => ({ ok: false, status, message });

/** `type/subtype`, lower case, without parameters. */
const mediaType = (contentType: string | null) => (contentType ?? '').split(';')[0].trim().toLowerCase();

/** A size error from the adapter's body stream (SvelteKit's 413), however it is wrapped. */
function tooLarge(e: unknown): boolean {
	for (let c: unknown = e, depth = 0; c && typeof c === 'object' && depth < 4; c = (c as { cause?: unknown }).cause, depth++) {
		if ((c as { status?: unknown }).status === 413) return true;
	}
	return false;
}

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** application/x-www-form-urlencoded, strictly: UTF-8 bytes, well-formed percent-escapes. */
function parseUrlencoded(bytes: Uint8Array): FormData | null {
	let text: string;
	try {
		text = fatalUtf8.decode(bytes);
	} catch {
		return null;
	}
	if (/%(?![0-9A-Fa-f]{2})/.test(text)) return null;
	const form = new FormData();
	if (text === '') return form;
	for (const pair of text.split('&')) {
		if (pair === '') continue;
		const eq = pair.indexOf('=');
		const [name, value] = eq === -1 ? [pair, ''] : [pair.slice(0, eq), pair.slice(eq + 1)];
		try {
			form.append(decodeURIComponent(name.replace(/\+/g, ' ')), decodeURIComponent(value.replace(/\+/g, ' ')));
		} catch {
			// Percent-escapes that are not UTF-8 (decodeURIComponent's URIError).
			return null;
		}
	}
	return form;
}

/**
 * The raw body, read to its end (so that the connection stays usable: a body left half read
 * can reset it), kept only up to MAX_FORM_BYTES; null when it was over.
 */
async function readBody(request: Request): Promise<Uint8Array<ArrayBuffer> | null> {
	if (!request.body) return new Uint8Array(0);
	const reader = request.body.getReader();
	const chunks: Uint8Array[] = [];
	let size = 0;
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		size += value.byteLength;
		if (size <= MAX_FORM_BYTES) chunks.push(value);
	}
	if (size > MAX_FORM_BYTES) return null;
	const bytes = new Uint8Array(size);
	let at = 0;
	for (const c of chunks) {
		bytes.set(c, at);
		at += c.byteLength;
	}
	return bytes;
}

export async function readForm(event: Pick<RequestEvent, 'request'>): Promise<FormRead> {
	const { request } = event;
	const contentType = request.headers.get('content-type') ?? '';
	const type = mediaType(contentType);
	if (type !== 'application/x-www-form-urlencoded' && type !== 'multipart/form-data') return refused(400, FORM_UNREADABLE);
	try {
		const bytes = await readBody(request);
		if (!bytes) return refused(413, FORM_TOO_LARGE);
		if (type === 'application/x-www-form-urlencoded') {
			const form = parseUrlencoded(bytes);
			return form ? { ok: true, form } : refused(400, FORM_UNREADABLE);
		}
		// Multipart needs its boundary; undici's parser checks the rest.
		if (!/;\s*boundary=/i.test(contentType)) return refused(400, FORM_UNREADABLE);
		const form = await new Response(bytes, { headers: { 'content-type': contentType } }).formData();
		return { ok: true, form };
	} catch (e) {
		return tooLarge(e) ? refused(413, FORM_TOO_LARGE) : refused(400, FORM_UNREADABLE);
	}
}

export async function formOrError(event: Pick<RequestEvent, 'request'>): Promise<FormData> {
	const read = await readForm(event);
	if (!read.ok) error(read.status, read.message);
	return read.form;
}

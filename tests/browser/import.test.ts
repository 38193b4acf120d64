/**
 * Importing in the browser, on the production build: an analyst uploads a small zipped extract
 * (three agencies, one with a sector that is not a code), watches the upload and the import's
 * stages reach the report, checks its numbers, reads and downloads the quarantined row (its
 * reasons, never its values), and undoes the batch. Without JavaScript the same form is a
 * plain form action; an extract holding an identifier column is refused, saying so plainly.
 * A viewer is refused the page and the endpoint; a body over the server's limit gets 413.
 * Every batch the tests import is undone again, so that the other tests see the demo's data.
 */
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import yazl from 'yazl';
import { launch, screenshotPath, sessionCookie } from './browser.ts';

const base = () => inject('baseURL');
const MANIFEST = JSON.stringify({ format: 'multi-agency-extract', version: 1, supplied_by: 'partnership', extracted_on: '2026-03-31' });
/** Agencies no other test knows: two valid, one (line 4) with a sector that is no code. */
const AGENCIES = [
	'agency_code,agency_name,sector',
	'ZZBT1,Browser test agency one,police',
	'ZZBT2,Browser test agency two,health',
	'ZZBT3,Browser test agency three,astrology'
].join('\n');

/** POSTs a body and resolves with the answer as soon as it comes, even if the server stops reading the body first. */
function postUntilAnswered(url: string, headers: Record<string, string>, body: Buffer): Promise<{ status: number; text: string }> {
	return new Promise((resolve, reject) => {
		let answered = false;
		const req = request(url, { method: 'POST', headers: { ...headers, 'content-length': String(body.length) } }, (res) => {
			answered = true;
			const chunks: Buffer[] = [];
			res.on('data', (c: Buffer) => chunks.push(c));
			res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
			res.on('error', reject);
		});
		req.on('error', (e) => {
			if (!answered) reject(e);
		});
		req.end(body);
	});
}

async function retry<T>(fn: () => Promise<T>, times = 5): Promise<T> {
	for (let i = 1; ; i++) {
		try {
			return await fn();
		} catch (e) {
			if (i >= times) throw e;
		}
	}
}

async function zipOf(entries: Record<string, string>): Promise<Buffer> {
	const zip = new yazl.ZipFile();
	for (const [name, text] of Object.entries(entries)) zip.addBuffer(Buffer.from(text), name);
	zip.end();
	const chunks: Buffer[] = [];
	for await (const c of zip.outputStream) chunks.push(c as Buffer);
	return Buffer.concat(chunks);
}

/** axe-core's WCAG 2.2 AA violations on the page as it stands. */
async function axeViolations(page: Page): Promise<string[]> {
	// Evaluated through the DevTools protocol: the page's CSP (scripts by nonce) refuses an injected <script>.
	await page.evaluate(readFileSync('node_modules/axe-core/axe.min.js', 'utf8'));
	return page.evaluate(async () => {
		// @ts-expect-error: axe is evaluated above
		const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } });
		return r.violations.map((v: { id: string; nodes: { target: string[] }[] }) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
	});
}

let context: BrowserContext | undefined;
afterEach(async () => {
	await context?.close();
	context = undefined;
});

/** Batches this file imported: undone at the end if a test stopped before undoing them. */
const imported = new Set<number>();
afterAll(async () => {
	for (const batch of [...imported].sort((a, b) => b - a)) {
		await fetch(`${base()}/data/quarantine?/undo`, {
			method: 'POST',
			headers: { origin: base(), cookie: await sessionCookie('analyst'), 'content-type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams({ batch: String(batch) })
		});
	}
});

describe('an analyst imports an extract in the browser', () => {
	it('uploads a zip, follows the progress to the report, views and downloads the quarantine, and undoes the batch', async () => {
		context = await launch({ role: 'analyst' });
		const page = await context.newPage();
		await page.goto(`${base()}/data`);
		await page.getByRole('link', { name: 'Import an extract' }).click();
		await page.waitForURL(/\/data\/import$/);
		await expect(page.locator('h1').textContent()).resolves.toBe('Import an extract');
		await page.waitForLoadState('networkidle'); // hydrated: the form uploads by XMLHttpRequest

		// Every text the status line (role=status) takes, in order.
		await page.evaluate(() => {
			const status = document.querySelector('form.upload ~ .progress [role="status"]')!;
			const seen: string[] = [];
			(window as unknown as { statuses: string[] }).statuses = seen;
			new MutationObserver(() => {
				const text = status.textContent ?? '';
				if (text && seen.at(-1) !== text) seen.push(text);
			}).observe(status, { childList: true, characterData: true, subtree: true });
		});
		await page.getByLabel('Extract files').setInputFiles({
			name: 'browser-test.zip',
			mimeType: 'application/zip',
			buffer: await zipOf({ 'manifest.json': MANIFEST, 'agencies.csv': AGENCIES })
		});
		await page.getByRole('button', { name: 'Upload and import' }).click();
		const heading = page.getByRole('heading', { name: 'Import report' });
		await heading.waitFor();
		// The report's heading takes the focus, for keyboard and screen-reader users.
		await expect(heading.evaluate((h) => document.activeElement === h)).resolves.toBe(true);
		const statuses = await page.evaluate(() => (window as unknown as { statuses: string[] }).statuses);
		expect(statuses[0]).toMatch(/^Uploading browser-test\.zip \(\d+(\.\d)? (KB|bytes)\)…$/);
		expect(statuses).toContain('Upload complete. Checking the files (reading them, and the identifier check at the door)…');
		const finished = statuses.at(-1)!;
		const batch = Number(/^Import finished: batch (\d+)\.$/.exec(finished)?.[1]);
		expect(batch).toBeGreaterThan(0);
		imported.add(batch);
		// Both bars are full.
		for (const label of ['Upload', 'Checks and import']) {
			const bar = page.getByRole('progressbar', { name: label, exact: true });
			const [value, max] = await bar.evaluate((p: HTMLProgressElement) => [p.value, p.max]);
			expect(value).toBe(max);
		}

		const report = page.locator('section.import-report');
		await expect(report.locator('.outcome').textContent()).resolves.toMatch(
			new RegExp(`Imported as batch ${batch}\\.\\s+2 rows loaded \\(0 of them replacing stored rows\\), 1 quarantined\\.`)
		);
		await expect(report.getByText('Identifier check at the door:').textContent()).resolves.toMatch(/passed: no identifiers found/);
		const table = report.locator('table', { has: page.locator('caption', { hasText: `Rows by file, batch ${batch}` }) });
		const cells = await table.locator('tbody tr').first().locator('th, td').allTextContents();
		expect(cells).toEqual(['agencies.csv', 'agencies', '3', '2', '0', '1']);
		await page.screenshot({ path: screenshotPath('import-report'), fullPage: true });
		await expect(axeViolations(page)).resolves.toEqual([]);

		// The new batch is in the list of recent imports, with its Undo button.
		const row = page.locator('table.batches tbody tr', { has: page.locator('th', { hasText: new RegExp(`^${batch}$`) }) });
		await expect(row.locator('td').nth(0).textContent()).resolves.toBe('browser-test.zip');
		await expect(row.getByRole('button', { name: `Undo batch ${batch}` }).count()).resolves.toBe(1);

		// The quarantine: batch, file, line and reasons; never the row's values.
		await report.getByRole('link', { name: `See the 1 quarantined row of batch ${batch}` }).click();
		await page.waitForURL(new RegExp(`/data/quarantine\\?batch=${batch}$`));
		await expect(page.locator('#q-batch').inputValue()).resolves.toBe(String(batch));
		const quarantined = await page.locator('table', { has: page.locator('#q-caption') }).locator('tbody tr').first().locator('td').allTextContents();
		expect(quarantined.slice(0, 3)).toEqual([String(batch), 'agencies.csv', '4']);
		expect(quarantined[3]).toMatch(/^sector: not a sector code/);
		const html = await page.content();
		expect(html).not.toContain('astrology');
		expect(html).not.toContain('Browser test agency three');
		await expect(page.getByText('never the row\'s values').count()).resolves.toBe(1);
		await expect(axeViolations(page)).resolves.toEqual([]);

		const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /^Download the 1 row as CSV/ }).click()]);
		expect(download.suggestedFilename()).toBe(`quarantine-batch-${batch}.csv`);
		const csv = readFileSync((await download.path())!, 'utf8');
		const lines = csv.trim().split('\r\n');
		expect(lines[0]).toBe('batch_id,file,table,line,reasons');
		expect(lines).toHaveLength(2);
		expect(lines[1]).toMatch(new RegExp(`^${batch},agencies\\.csv,agencies,4,"?sector: not a sector code`));
		expect(csv).not.toContain('astrology');

		// Undo, from the quarantine page's list of imports.
		await page.getByRole('button', { name: `Undo batch ${batch}` }).click();
		await page.waitForURL(/\/data\/quarantine\?\/undo$/);
		await expect(page.getByRole('status').filter({ hasText: 'undone' }).textContent()).resolves.toBe(
			`Batch ${batch} undone: 2 rows removed, 0 rows restored.`
		);
		imported.delete(batch);
		const undoneRow = page.locator('table.batches tbody tr', { has: page.locator('th', { hasText: new RegExp(`^${batch}$`) }) });
		await expect(undoneRow.locator('td').nth(5).textContent()).resolves.toBe('Undone');
		await expect(undoneRow.getByRole('button').count()).resolves.toBe(0);

		// Undoing it again is refused, with the reason.
		const again = await fetch(`${base()}/data/quarantine?/undo`, {
			method: 'POST',
			headers: { origin: base(), cookie: await sessionCookie('analyst'), accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams({ batch: String(batch) })
		});
		expect(again.status).toBe(409);
		expect(await again.text()).toContain(`Undo refused: batch ${batch} is already undone`);
	});

	it('without JavaScript, posts the form and shows the report: an extract holding identifiers is refused', async () => {
		context = await launch({ role: 'analyst', javaScriptEnabled: false });
		const page = await context.newPage();
		await page.goto(`${base()}/data/import`);
		const withIdentifier = 'agency_code,agency_name,sector,postcode\nZZBT9,Browser test agency nine,police,SW1A 1AA\n';
		await page.getByLabel('Extract files').setInputFiles([
			{ name: 'manifest.json', mimeType: 'application/json', buffer: Buffer.from(MANIFEST) },
			{ name: 'agencies.csv', mimeType: 'text/csv', buffer: Buffer.from(withIdentifier) }
		]);
		await page.getByRole('button', { name: 'Upload and import' }).click();
		await page.waitForURL(/\/data\/import\?\/upload$/);
		const report = page.locator('section.import-report');
		await expect(report.locator('.outcome strong').textContent()).resolves.toBe('Refused: the extract holds identifiers.');
		await expect(report.getByText('Identifier check at the door:').textContent()).resolves.toMatch(/refused: the extract holds identifiers/);
		const findings = report.locator('table.errors');
		// The column's name, and its cell: two findings, each naming the file, column and record, never the value.
		await expect(findings.locator('caption').textContent()).resolves.toBe('What the identifier check found (2)');
		const rows = findings.locator('tbody tr');
		const [file, line, message] = await rows.nth(0).locator('td').allTextContents();
		expect([file, line]).toEqual(['agencies.csv', '1']);
		expect(message).toMatch(/unknown column "postcode", which is an identifier column/);
		const [, cellLine, cellMessage] = await rows.nth(1).locator('td').allTextContents();
		expect(cellLine).toBe('2');
		expect(cellMessage).toMatch(/column "postcode" holds .*postcode.*\(1 cell, first in record 2\)/);
		expect(await page.content()).not.toContain('SW1A 1AA');
		await page.screenshot({ path: screenshotPath('import-refused'), fullPage: true });
	});
});

describe('the endpoints', () => {
	const upload = async (role: 'viewer' | 'analyst' | 'admin', form: FormData) =>
		fetch(`${base()}/api/imports`, { method: 'POST', headers: { origin: base(), cookie: await sessionCookie(role) }, body: form });

	it('a viewer gets 403 for the import page and a 403 JSON from POST /api/imports, and no quarantine', async () => {
		const page = await fetch(`${base()}/data/import`, { headers: { cookie: await sessionCookie('viewer') }, redirect: 'manual' });
		expect(page.status).toBe(403);
		const form = new FormData();
		form.append('files', new File([MANIFEST], 'manifest.json'));
		const api = await upload('viewer', form);
		expect(api.status).toBe(403);
		expect(api.headers.get('content-type')).toMatch(/^application\/json/);
		expect(((await api.json()) as { error: string }).error).toMatch(/does not allow this \(import\)/);
		const csv = await fetch(`${base()}/api/quarantine`, { headers: { cookie: await sessionCookie('viewer') } });
		expect(csv.status).toBe(403);
		// No link to the pages on the Data page for a viewer.
		const data = await (await fetch(`${base()}/data`, { headers: { cookie: await sessionCookie('viewer') } })).text();
		expect(data).not.toContain('href="/data/import"');
	});

	it('starts an import by the API (202), reports it to its owner and to an admin, 404 for an unknown id', async () => {
		const form = new FormData();
		form.append('files', new File([MANIFEST], 'manifest.json'));
		form.append('files', new File(['agency_code,agency_name,sector\nZZBT5,Browser test agency five,voluntary\n'], 'agencies.csv'));
		const started = await upload('analyst', form);
		expect(started.status).toBe(202);
		const { id } = (await started.json()) as { id: string };
		expect(id).toMatch(/^[0-9a-f]{32}$/);
		let job: { stage: string; report: { batch_id: number; status: string; files: unknown[] } | null; identifier_check: string | null } | undefined;
		for (let i = 0; i < 120 && !job?.report; i++) {
			const r = await fetch(`${base()}/api/imports/${id}`, { headers: { cookie: await sessionCookie('analyst') } });
			expect(r.status).toBe(200);
			job = await r.json();
			if (!job?.report) await new Promise((resolve) => setTimeout(resolve, 250));
		}
		expect(job).toMatchObject({ stage: 'done', identifier_check: 'passed', report: { status: 'committed' } });
		imported.add(job!.report!.batch_id);
		expect(job!.report!.files).toEqual([{ file: 'agencies.csv', table: 'agencies', rows_read: 1, rows_loaded: 1, rows_replaced: 0, rows_quarantined: 0 }]);
		const byAdmin = await fetch(`${base()}/api/imports/${id}`, { headers: { cookie: await sessionCookie('admin') } });
		expect(byAdmin.status).toBe(200);
		const unknown = await fetch(`${base()}/api/imports/${'0'.repeat(32)}`, { headers: { cookie: await sessionCookie('analyst') } });
		expect(unknown.status).toBe(404);
		expect(((await unknown.json()) as { error: string }).error).toMatch(/no such import/);
	});

	it('refuses names outside the extract with 400, and a body over the server\'s limit with 413 naming it', async () => {
		const form = new FormData();
		form.append('files', new File(['x'], '../agencies.csv'));
		const bad = await upload('analyst', form);
		expect(bad.status).toBe(400);
		expect(((await bad.json()) as { error: string }).error).toMatch(/must not hold a path/);

		// The test server leaves adapter-node's BODY_SIZE_LIMIT at its default (512K).
		const big = new FormData();
		big.append('files', new File([MANIFEST], 'manifest.json'));
		big.append('files', new File(['x'.repeat(600 * 1024)], 'contacts.csv'));
		// The server answers 413 and closes the connection without reading the rest: with fetch
		// the client may still be writing then (EPIPE), so send it by hand and read the answer.
		const encoded = new Response(big);
		const body413 = Buffer.from(await encoded.arrayBuffer());
		// (Even so the answer can be lost to the connection's reset on a busy machine: try a few times.)
		const tooBig = await retry(() => postUntilAnswered(`${base()}/api/imports`, {
			origin: base(),
			cookie: sessionCookie('analyst'),
			'content-type': encoded.headers.get('content-type')!
		}, body413));
		expect(tooBig.status).toBe(413);
		const body = JSON.parse(tooBig.text) as { error: string; limit: string };
		expect(body.error).toMatch(/BODY_SIZE_LIMIT\) is 512K/);
		expect(body.limit).toBe('200 MB');
	});
});

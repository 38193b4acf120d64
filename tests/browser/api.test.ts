/** The JSON API answers bad filters with 400 and a message, and never shows a small count. */
import { describe, expect, inject, it } from 'vitest';
import { sessionCookie } from './browser.ts';
import { METRIC_KEYS, type MetricKey } from '../../src/lib/server/metrics/keys.ts';
import { REGISTRY } from '../../src/lib/server/metrics/registry.ts';

const get = async (query: string) => {
	const response = await fetch(`${inject('baseURL')}/api/metrics${query}`, { headers: { cookie: sessionCookie('viewer') } });
	return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

describe('GET /api/metrics', () => {
	it('answers every metric, suppressed, for the default period', async () => {
		const { status, body } = await get('');
		expect(status).toBe(200);
		expect(body).toMatchObject({ metrics_version: 2, disclosure: { profile: 'dashboard', threshold: 5 } });
		const metrics = body.metrics as Record<string, { value: { value: number | null; symbol: string | null }; numerator: { value: number | null } }>;
		// Every key of metrics.md version 2, in the registry's order.
		expect(Object.keys(metrics)).toEqual([...METRIC_KEYS]);
		expect(Object.keys(metrics)).toHaveLength(28);
		for (const [key, m] of Object.entries(metrics)) {
			const n = m.numerator.value;
			if (n !== null) expect(n === 0 || n > 5, `${key} numerator ${n}`).toBe(true);
			// A count (the counts at the end, children known to 3 or more agencies) is never shown from 1 to 5.
			if (REGISTRY[key as MetricKey].kind === 'count' && m.value.value !== null) expect(m.value.value === 0 || m.value.value > 5, `${key} ${m.value.value}`).toBe(true);
		}
	});

	it.each([
		['an unknown area', '?area=NOWHERE', /area: no area "NOWHERE"/],
		['an unknown agency', '?agency=NOBODY', /agency: no agency "NOBODY"/],
		['custom dates (rule 7: fixed periods for shown figures)', '?from=2026-01-01&to=2026-07-03', /period: custom dates are only for an analyst's unsuppressed view; .*fy:YYYY .*q:YYYY-Qn .*m:YYYY-MM/],
		['custom dates given as a period', '?period=custom&from=2026-01-01&to=2026-06-30', /period: custom dates are only for an analyst's unsuppressed view/],
		['a date that is not a date', '?from=yesterday&to=2025-12-31', /from: must be a date YYYY-MM-DD/],
		['an unknown period', '?period=forever', /period: must be last12, fy:YYYY, q:YYYY-Qn, m:YYYY-MM or custom/],
		['a month that is not a month', '?period=m:2026-13', /period: must be/],
		['an unknown breakdown', '?by=colour', /by: must be one of/],
		['an unknown parameter', '?colour=red', /unknown parameter "colour"/]
	])('answers %s with 400 and a message', async (_what, query, message) => {
		const { status, body } = await get(query);
		expect(status).toBe(400);
		expect(String(body.error)).toMatch(message);
	});

	it('answers a breakdown whose groups are protected with their total', async () => {
		const { status, body } = await get('?by=area');
		expect(status).toBe(200);
		const groups = body.groups as { group: string; metrics: Record<string, { numerator: { value: number | null } }> }[];
		expect(groups.length).toBeGreaterThan(5);
		for (const g of groups) {
			for (const [key, m] of Object.entries(g.metrics)) {
				const n = m.numerator.value;
				if (n !== null) expect(n === 0 || n > 5, `${g.group} ${key} numerator ${n}`).toBe(true);
			}
		}
	});

	it('answers a bad page filter with a 400 page that says why', async () => {
		const response = await fetch(`${inject('baseURL')}/?area=NOWHERE`, { headers: { cookie: sessionCookie('viewer') } });
		expect(response.status).toBe(400);
		expect(await response.text()).toMatch(/no area (&quot;|")NOWHERE/);
	});
});

import { describe, expect, it } from 'vitest';
import { progressBar } from './progress.ts';

function fakeStream(isTTY: boolean) {
	const written: string[] = [];
	return { stream: { isTTY, columns: 60, write: (t: string) => written.push(t) } as unknown as NodeJS.WriteStream, written };
}

describe('the progress bar', () => {
	it('stays silent for work shorter than the delay', () => {
		const { stream, written } = fakeStream(true);
		const bar = progressBar(stream, 60_000);
		bar.update({ stage: 'reading contacts.csv', done: 1, total: 4 });
		bar.finish();
		expect(written).toEqual([]);
	});

	it('redraws one line on a terminal once the delay has passed', () => {
		const { stream, written } = fakeStream(true);
		const bar = progressBar(stream, 0);
		bar.update({ stage: 'reading contacts.csv', done: 1, total: 4 });
		bar.update({ stage: 'checking contacts', done: 3, total: 4 });
		bar.finish();
		expect(written[0]).toMatch(/^\r\[#{8}-{22}\]  25% reading contacts\.csv/);
		expect(written[1]).toMatch(/^\r\[#{23}-{7}\]  75% checking contacts/);
		expect(written.at(-1)).toBe('\n');
	});

	it('writes a line per stage when standard error is not a terminal', () => {
		const { stream, written } = fakeStream(false);
		const bar = progressBar(stream, 0);
		bar.update({ stage: 'a', done: 0, total: 2 });
		bar.update({ stage: 'a', done: 1, total: 2 });
		bar.update({ stage: 'b', done: 2, total: 2 });
		bar.finish();
		expect(written).toEqual(['[------------------------------]   0% a\n', '[##############################] 100% b\n']);
	});
});

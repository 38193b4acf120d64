/**
 * A progress bar on standard error for work that lasts more than a second. On a terminal it
 * redraws one line; otherwise (a log file, CI) it writes a line for each new stage.
 */
export interface Progress {
	update(p: { stage: string; done: number; total: number }): void;
	finish(): void;
}

export function progressBar(stream: NodeJS.WriteStream = process.stderr, delayMs = 1000): Progress {
	const started = Date.now();
	let last: { stage: string; done: number; total: number } | undefined;
	let shown = false;
	let lastStage = '';
	const width = 30;
	const draw = () => {
		if (!last || Date.now() - started < delayMs) return;
		shown = true;
		const fraction = last.total > 0 ? Math.min(1, last.done / last.total) : 0;
		const filled = Math.round(fraction * width);
		const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.round(fraction * 100)).padStart(3)}% ${last.stage}`;
		if (stream.isTTY) stream.write(`\r${bar.padEnd(stream.columns ? stream.columns - 1 : 80).slice(0, (stream.columns ?? 81) - 1)}`);
		else if (last.stage !== lastStage) stream.write(`${bar}\n`);
		lastStage = last.stage;
	};
	const timer = setInterval(draw, 200);
	timer.unref();
	return {
		update(p) {
			last = p;
			draw();
		},
		finish() {
			clearInterval(timer);
			if (shown && stream.isTTY) stream.write('\n');
		}
	};
}

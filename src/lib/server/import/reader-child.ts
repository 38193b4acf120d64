/**
 * The import's reader process (started by ./reader.ts, never by hand). It takes one job at a
 * time over the IPC channel, runs prepareExtract, and answers with its progress and result. It
 * holds no warehouse: what it reads only ever reaches the warehouse as the Parquet files it
 * writes into the job's work folder. It exits when its parent goes.
 */
import { importLimits, type ImportLimits } from './limits.ts';
import { prepareExtract } from './prepare.ts';
import type { ReaderReply, ReaderRequest } from './reader.ts';

const send = (reply: ReaderReply) => process.send?.(reply);

process.on('disconnect', () => process.exit(0));
process.on('message', (message: ReaderRequest) => {
	void (async () => {
		const cpu = process.cpuUsage();
		const limits: ImportLimits = { ...importLimits(), ...message.limits };
		const result = await prepareExtract(message.source, message.workDir, limits, (progress) => send({ job: message.job, progress }));
		const used = process.cpuUsage(cpu);
		send({ job: message.job, result, cpuMicros: used.user + used.system, maxRssKb: process.resourceUsage().maxRSS });
	})();
});
send({ ready: true });

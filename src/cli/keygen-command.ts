/** `cli keygen`: a new partnership key file, for the data controller. */
import { KeyError, writeNewKeyFile } from '../lib/server/pseudonym/pseudonym.ts';
import { CommandFailed, parse, requireValue, UsageError } from './args.ts';
import type { Command } from './commands.ts';
import type { Context } from './main.ts';

export const KEYGEN_HELP = `Usage: cli keygen --out <key file>

Makes a new partnership key: 32 bytes from a cryptographic random source, written as 64
hexadecimal characters on one line, to a new file readable only by you (mode 0600). Refuses
to overwrite an existing file.

Every agency of the partnership must pseudonymise with the same key, so make it once. Keep
it with the data controller, back it up securely, and never send it to the dashboard or in
an extract. Never replace it: a new key gives every child a new pseudonym, which unlinks
all the history already imported (docs/data-controller.md).

Exit status: 0 success, 1 failed (e.g. the file exists), 2 usage error.
`;

async function run(args: string[], ctx: Context): Promise<number> {
	const { values } = parse(args, { out: { type: 'string' } }, false);
	const out = requireValue(values.out, '--out');
	if (out === '-') throw new UsageError('--out must be a file (the key is never printed)');
	try {
		await writeNewKeyFile(out);
	} catch (e) {
		const code = (e as NodeJS.ErrnoException).code;
		if (code === 'EEXIST') throw new CommandFailed(`${out} exists already: keygen never overwrites a key (a new key unlinks all history)`);
		if (e instanceof KeyError || code) throw new CommandFailed(`cannot write the key file ${out} (${code ?? (e as Error).message})`);
		throw e;
	}
	ctx.err(`Wrote a new partnership key to ${out} (readable only by you). Keep it safe and keep a secure backup: it cannot be made again.\n`);
	return 0;
}

export const keygenCommand: Command = { help: KEYGEN_HELP, run };

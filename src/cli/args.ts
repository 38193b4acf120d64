/** Argument parsing shared by the commands: node:util's parseArgs, with usage errors as a type. */
import { writeFile } from 'node:fs/promises';
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A mistake in how the command was typed: exit status 2. */
export class UsageError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'UsageError';
	}
}

/** A command that ran but failed: exit status 1. */
export class CommandFailed extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'CommandFailed';
	}
}

export function parse<T extends NonNullable<ParseArgsConfig['options']>>(
	args: string[],
	options: T,
	allowPositionals = true
): { values: { [K in keyof T]?: T[K]['type'] extends 'boolean' ? boolean : T[K] extends { multiple: true } ? string[] : string }; positionals: string[] } {
	try {
		const { values, positionals } = parseArgs({ args, options, allowPositionals, strict: true });
		return { values: values as never, positionals };
	} catch (e) {
		throw new UsageError((e as Error).message);
	}
}

export function requireValue(value: string | undefined, flag: string): string {
	if (value === undefined || value === '') throw new UsageError(`${flag} is required`);
	return value;
}

export function isoDate(value: string, flag: string): string {
	if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) throw new UsageError(`${flag} must be a date YYYY-MM-DD, not "${value}"`);
	const d = new Date(`${value}T00:00:00Z`);
	if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value) throw new UsageError(`${flag} ${value} is not a real date`);
	return value;
}

export function positiveInt(value: string | undefined, flag: string, fallback: number): number {
	if (value === undefined) return fallback;
	if (!/^\d+$/.test(value) || Number(value) <= 0) throw new UsageError(`${flag} must be a positive whole number, not "${value}"`);
	return Number(value);
}

/** Writes text to a file, or to standard output when the path is "-". */
export async function writeOut(out: (text: string) => void, file: string, text: string): Promise<void> {
	if (file === '-') out(text);
	else await writeFile(file, text, 'utf8');
}

export function nonNegativeInt(value: string | undefined, flag: string, fallback: number): number {
	if (value === undefined) return fallback;
	if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) throw new UsageError(`${flag} must be a whole number, not "${value}"`);
	return Number(value);
}

/**
 * The vocabulary in which ./tables.ts declares the extract. Everything that knows
 * about tables (DDL, validation SQL, the data dictionary, the demo generator) reads
 * these declarations; none of them lists a column of its own.
 */

/** Value types of extract-format.md's "Values" table. */
export type ColumnType = 'text' | 'int' | 'number' | 'bool' | 'date' | 'timestamp' | 'month' | 'list';

export interface ForeignKey {
	table: string;
	column: string;
	/** What the missing thing is called in a reason, e.g. "agency". */
	noun: string;
}

export interface Column {
	name: string;
	type: ColumnType;
	/** A required column must be present in the file and never null. */
	required: boolean;
	description: string;
	/** Allowed values (for `list`: allowed items). */
	codes?: readonly string[];
	/** Name of the code list, for the data dictionary. */
	codesName?: string;
	/** A child pseudonym: 64 lowercase hex. */
	pseudonym?: boolean;
	/** An opaque record id: 1 to 64 of [A-Za-z0-9_-]. */
	token?: boolean;
	/** A whole-value regular expression (RE2 syntax) and how to say it. */
	pattern?: { regex: string; says: string };
	maxLength?: number;
	min?: number;
	max?: number;
	fk?: ForeignKey;
	/** A date that says when something should happen, not when it did: never an event date. */
	planned?: boolean;
}

/** A rule between two columns of one row, judged only when both are valid and non-null. */
export type RowRule =
	| { kind: 'gte'; column: string; other: string }
	| { kind: 'lte'; column: string; other: string }
	| { kind: 'ne'; column: string; other: string }
	/** `column` is required when `other` is not null, and must be null when `other` is null. */
	| { kind: 'present_iff'; column: string; other: string }
	/** A month column may not be after the manifest's `extracted_on`. */
	| { kind: 'not_after_extract'; column: string };

export interface Table {
	name: string;
	/** `extract` tables arrive in extracts; `settings` tables are the partnership's own. */
	kind: 'extract' | 'settings';
	description: string;
	columns: readonly Column[];
	primaryKey: readonly string[];
	rules: readonly RowRule[];
	/**
	 * The column naming the child, if any. Tables without one follow their parent
	 * (attendance its meeting, an audit action its audit) under an area filter.
	 */
	childColumn?: string;
	/**
	 * For `children`: a row replaces an earlier one only if its extract's
	 * `extracted_on` is the same or later.
	 */
	replaceOnlyIfNotOlder?: boolean;
}

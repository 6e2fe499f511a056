import {
  innermostIssue,
  mergeMetadata,
  MetadataPatchSchema,
  type Metadata,
  type MetadataPatch,
} from '@peasswap/domain';
import type { z } from 'zod';
import { errorData } from './errors';

/** One key-value pair as the customer page edits it. */
export interface MetadataRow {
  /** Stable while the page is open: React's key and the inputs' ids (never the key text). */
  id: string;
  key: string;
  value: string;
  /** The key as stored, for rows that came from the customer; absent for rows added here. */
  storedKey?: string;
}

/** Messages by row id, and `all` for what concerns the metadata as a whole (too many keys). */
export interface MetadataErrors {
  rows: Record<string, MetadataRowError>;
  all?: string;
}

export interface MetadataRowError {
  message: string;
  /** Which input is wrong, so only that one is marked invalid. */
  part: 'key' | 'value';
}

export const NO_METADATA_ERRORS: MetadataErrors = { rows: {} };

export function metadataRowsOf(metadata: Metadata): MetadataRow[] {
  return Object.entries(metadata).map(([key, value], index) => ({
    id: `stored-${index}`,
    key,
    value,
    storedKey: key,
  }));
}

/**
 * The key a row stands for. A stored key is kept exactly as the API has it (it may have spaces
 * an integration put there); a key typed here is trimmed, as nobody means a trailing space.
 */
export function keyOf(row: MetadataRow): string {
  return row.storedKey !== undefined && row.key === row.storedKey ? row.key : row.key.trim();
}

/** An added row left empty is no change: it is ignored rather than refused. */
function isUnused(row: MetadataRow): boolean {
  return row.storedKey === undefined && row.key.trim() === '' && row.value === '';
}

/**
 * Only what changed, as the update takes it: added or changed keys with their value, removed
 * keys as `null`, untouched keys left out. A renamed key is the old one removed and the new one
 * set. Undefined when nothing changed, so the request leaves `metadata` out altogether.
 */
export function metadataChanges(
  stored: Metadata,
  rows: readonly MetadataRow[],
): MetadataPatch | undefined {
  const changed: [string, string | null][] = [];
  const kept = new Set<string>();
  for (const row of rows) {
    if (isUnused(row)) continue;
    const key = keyOf(row);
    kept.add(key);
    if (!Object.hasOwn(stored, key) || stored[key] !== row.value) changed.push([key, row.value]);
  }
  for (const key of Object.keys(stored)) {
    if (!kept.has(key)) changed.push([key, null]);
  }
  // fromEntries makes every key an own property, even one spelled `__proto__`.
  return changed.length > 0 ? Object.fromEntries(changed) : undefined;
}

/**
 * What the domain schema cannot see in the patch: a key typed on two rows (the patch would keep
 * only the last), and a result over the key limit once merged with what is stored.
 */
export function metadataDraftErrors(
  stored: Metadata,
  rows: readonly MetadataRow[],
  patch: MetadataPatch | undefined,
): MetadataErrors {
  const errors: MetadataErrors = { rows: {} };
  const seen = new Set<string>();
  for (const row of rows) {
    if (isUnused(row)) continue;
    const key = keyOf(row);
    if (seen.has(key)) {
      errors.rows[row.id] = { message: 'This key is already used above.', part: 'key' };
    }
    seen.add(key);
  }
  const merged = mergeMetadata(stored, patch ?? {});
  if (!merged.ok) errors.all = merged.error.message;
  return errors;
}

export function hasMetadataErrors(errors: MetadataErrors): boolean {
  return errors.all !== undefined || Object.keys(errors.rows).length > 0;
}

/** A key the domain refuses on its own (too long, a card number, empty) is the key's fault. */
function partAtFault(key: string): MetadataRowError['part'] {
  return MetadataPatchSchema.safeParse(Object.fromEntries([[key, null]])).success ? 'value' : 'key';
}

/** Put a message on the row holding `key`, or on the metadata as a whole when there is none. */
function placeMetadataError(
  rows: readonly MetadataRow[],
  key: string | undefined,
  message: string,
): MetadataErrors {
  const row = key === undefined ? undefined : rows.find((r) => !isUnused(r) && keyOf(r) === key);
  if (row === undefined || key === undefined) return { rows: {}, all: message };
  return { rows: { [row.id]: { message, part: partAtFault(key) } } };
}

/** The domain schema's first complaint about `metadata` (path `['metadata', key]`), if any. */
export function metadataErrorsFromIssues(
  issues: readonly z.core.$ZodIssue[],
  rows: readonly MetadataRow[],
): MetadataErrors | undefined {
  const issue = issues.find((candidate) => candidate.path[0] === 'metadata');
  if (issue === undefined) return undefined;
  const key = issue.path.length > 1 ? String(issue.path[1]) : undefined;
  return placeMetadataError(rows, key, innermostIssue(issue).message);
}

/**
 * The API's refusal of a save, when it names the metadata: `param` is `metadata.<key>` for one
 * key (the key itself may hold dots) or `metadata` for the whole (more than 50 keys once merged).
 */
export function serverMetadataError(
  error: unknown,
  rows: readonly MetadataRow[],
): MetadataErrors | undefined {
  const param = errorData(error)?.param;
  if (param === undefined) return undefined;
  const message = (error as Error).message;
  if (param === 'metadata') return placeMetadataError(rows, undefined, message);
  if (!param.startsWith('metadata.')) return undefined;
  return placeMetadataError(rows, param.slice('metadata.'.length), message);
}

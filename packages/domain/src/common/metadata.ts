import { z } from 'zod';
import { DomainError, fail, ok, type Result } from '../errors.js';
import { addCodedIssue } from './issues.js';
import { containsCardNumber } from './sensitive.js';
import { hasNul, isWellFormedText } from './text.js';

export const METADATA_MAX_KEYS = 50;
export const METADATA_MAX_KEY_LENGTH = 40;
export const METADATA_MAX_VALUE_LENGTH = 500;

export type Metadata = Record<string, string>;
/** An update: a string sets a key, `null` removes it, absent keys stay as they are. */
export type MetadataPatch = Record<string, string | null>;

const metadataKey = z
  .string()
  .min(1, 'Metadata keys cannot be empty.')
  .max(METADATA_MAX_KEY_LENGTH, `Metadata keys are at most ${METADATA_MAX_KEY_LENGTH} characters.`)
  .refine((key) => !hasNul(key), 'Metadata keys cannot contain NUL characters.')
  .superRefine((key, ctx) => {
    if (containsCardNumber(key)) {
      addCodedIssue(ctx, 'sensitive_data_rejected', 'Metadata keys cannot hold card numbers.');
    }
  });

const metadataValue = z
  .string()
  .max(
    METADATA_MAX_VALUE_LENGTH,
    `Metadata values are at most ${METADATA_MAX_VALUE_LENGTH} characters.`,
  )
  .refine((value) => !hasNul(value), 'Metadata values cannot contain NUL characters.')
  .refine(isWellFormedText, 'Metadata values cannot contain lone UTF-16 surrogates.')
  .superRefine((value, ctx) => {
    if (containsCardNumber(value)) {
      addCodedIssue(ctx, 'sensitive_data_rejected', 'Metadata values cannot hold card numbers.');
    }
  });

const tooManyKeys = (record: object) => Object.keys(record).length <= METADATA_MAX_KEYS;
const tooManyKeysMessage = `Metadata holds at most ${METADATA_MAX_KEYS} keys.`;

/**
 * Names of JavaScript's prototype machinery. Stored, they would be a trap for every client that
 * copies metadata into a plain object (`target[key] = value`), so no key may be set to one.
 */
export const METADATA_RESERVED_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype'];

const isRecordLike = (input: unknown): input is Record<string, unknown> =>
  typeof input === 'object' && input !== null && !Array.isArray(input);

/**
 * What the record schema cannot judge, checked on the input as sent. zod skips a `__proto__` key
 * without a word (it cannot be assigned to a plain object), so it would vanish behind a 200; and
 * a key that is not well-formed text is refused as `metadata`, never echoed back as a param.
 * An update may still remove a `constructor` or `prototype` key stored before this rule.
 */
function refuseUnstorableKeys(removals: 'allowed' | 'refused') {
  return (input: unknown, ctx: z.core.$RefinementCtx) => {
    if (!isRecordLike(input)) return input;
    for (const key of Object.keys(input)) {
      if (!isWellFormedText(key)) {
        ctx.addIssue({
          code: 'custom',
          message: 'Metadata keys cannot contain lone UTF-16 surrogates.',
          input: key,
        });
      } else if (METADATA_RESERVED_KEYS.includes(key)) {
        const removal = removals === 'allowed' && input[key] === null && key !== '__proto__';
        if (!removal) {
          ctx.addIssue({
            code: 'custom',
            message: `'${key}' is reserved and cannot be a metadata key.`,
            input: key,
            path: [key],
          });
        }
      }
    }
    return input;
  };
}

export const MetadataSchema = z
  .preprocess<unknown, z.ZodRecord<typeof metadataKey, typeof metadataValue>, Metadata>(
    refuseUnstorableKeys('refused'),
    z.record(metadataKey, metadataValue),
  )
  .refine(tooManyKeys, tooManyKeysMessage)
  .describe(
    `Your own key-value pairs: up to ${METADATA_MAX_KEYS} keys of ${METADATA_MAX_KEY_LENGTH} characters, values of ${METADATA_MAX_VALUE_LENGTH}.`,
  )
  .meta({ example: { plan: 'pro' } });

const metadataPatchValue = metadataValue.nullable();

export const MetadataPatchSchema = z
  .preprocess<unknown, z.ZodRecord<typeof metadataKey, typeof metadataPatchValue>, MetadataPatch>(
    refuseUnstorableKeys('allowed'),
    z.record(metadataKey, metadataPatchValue),
  )
  .refine(tooManyKeys, tooManyKeysMessage)
  .describe('Keys to set; a key set to `null` is removed. Keys not sent are kept.')
  .meta({ example: { plan: 'enterprise', trial: null } });

/** Apply an update to stored metadata; the result must still fit the key limit. */
export function mergeMetadata(current: Metadata, patch: MetadataPatch): Result<Metadata> {
  const merged: Metadata = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  if (Object.keys(merged).length > METADATA_MAX_KEYS) {
    return fail(new DomainError('parameter_invalid', tooManyKeysMessage, { param: 'metadata' }));
  }
  return ok(merged);
}

import { z } from 'zod';
import { ObjectIdSchema } from '../ids.js';

export const LIST_DEFAULT_LIMIT = 10;
export const LIST_MAX_LIMIT = 100;

/** The cursor parameters every list shares (newest first, keyset-paginated by object id). */
export const ListParamsSchema = z.strictObject({
  limit: z
    .number()
    .int()
    .min(1)
    .max(LIST_MAX_LIMIT)
    .default(LIST_DEFAULT_LIMIT)
    .describe(`How many objects to return, 1 to ${LIST_MAX_LIMIT}.`),
  startingAfter: ObjectIdSchema.optional().describe(
    'An object id: return the page that follows it (older objects).',
  ),
  endingBefore: ObjectIdSchema.optional().describe(
    'An object id: return the page that precedes it (newer objects).',
  ),
});

export type ListParams = z.infer<typeof ListParamsSchema>;

/** Lists refuse two cursors at once: which page was meant would be a guess. */
export function refineOneCursor<T extends { startingAfter?: string; endingBefore?: string }>(
  params: T,
  ctx: z.core.$RefinementCtx<T>,
): void {
  if (params.startingAfter !== undefined && params.endingBefore !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['endingBefore'],
      message: 'Send startingAfter or endingBefore, not both.',
    });
  }
}

export function listSchema<T extends z.ZodType>(item: T) {
  return z.object({
    object: z.literal('list').describe('The kind of object: always `list`.'),
    data: z.array(item).describe('This page of objects, newest first.'),
    hasMore: z.boolean().describe('Whether more objects follow in this direction.'),
    url: z.string().describe('The path this list was read from.'),
  });
}

/** The instants the database stores: year 1 up to (not including) the last millisecond of 9999. */
const EARLIEST = Date.UTC(1, 0, 1);
const LATEST = Date.parse('9999-12-31T23:59:59.999Z');

export const IsoTimestampSchema = z.iso
  .datetime({ offset: true })
  .refine((iso) => {
    const time = Date.parse(iso);
    // Not a time at all is the format's failure to report, not this one's.
    return Number.isNaN(time) || (time >= EARLIEST && time < LATEST);
  }, 'A time from year 1 to the end of year 9999.')
  .describe('An ISO 8601 timestamp.')
  .meta({ example: '2026-11-26T09:30:00.000Z' });

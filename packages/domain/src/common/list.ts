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

export const IsoTimestampSchema = z.iso
  .datetime({ offset: true })
  .describe('An ISO 8601 timestamp.')
  .meta({ example: '2026-11-26T09:30:00.000Z' });

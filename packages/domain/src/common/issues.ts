import type { z } from 'zod';
import type { ErrorCode } from '../errors.js';

/**
 * Raise a zod issue that carries one of our error codes, so the edge can answer with
 * `phone_invalid` rather than a generic `parameter_invalid`.
 */
export function addCodedIssue(
  ctx: z.core.$RefinementCtx<unknown>,
  code: ErrorCode,
  message: string,
): void {
  ctx.addIssue({ code: 'custom', message, params: { code } });
}

/**
 * The issue that says what is wrong: zod reports a bad record key as `invalid_key` wrapping the
 * key schema's own issues, and the inner one carries the useful message and code.
 */
export function innermostIssue(issue: z.core.$ZodIssue): z.core.$ZodIssue {
  if ((issue.code === 'invalid_key' || issue.code === 'invalid_element') && issue.issues[0]) {
    return innermostIssue(issue.issues[0]);
  }
  return issue;
}

export function codeOfIssue(outer: z.core.$ZodIssue): ErrorCode | undefined {
  const issue = innermostIssue(outer);
  if (issue.code !== 'custom') return undefined;
  const code: unknown = issue.params?.code;
  return typeof code === 'string' ? (code as ErrorCode) : undefined;
}

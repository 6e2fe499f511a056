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

export function codeOfIssue(issue: z.core.$ZodIssue): ErrorCode | undefined {
  if (issue.code !== 'custom') return undefined;
  const code: unknown = issue.params?.code;
  return typeof code === 'string' ? (code as ErrorCode) : undefined;
}

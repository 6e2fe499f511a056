import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ERROR_CODES, type ErrorCode } from '../errors.js';
import { addCodedIssue, codeOfIssue } from './issues.js';

const codedSchema = (code: ErrorCode) =>
  z.string().superRefine((_, ctx) => addCodedIssue(ctx, code, `failed with ${code}`));

describe('codeOfIssue', () => {
  it.each(ERROR_CODES)('reads back %s from an issue raised with addCodedIssue', (code) => {
    const result = codedSchema(code).safeParse('x');
    expect(result.success).toBe(false);
    const [issue] = result.error?.issues ?? [];
    expect(issue?.message).toBe(`failed with ${code}`);
    expect(issue && codeOfIssue(issue)).toBe(code);
  });

  it.each<[string, z.ZodType, unknown]>([
    ['a type mismatch', z.string(), 42],
    ['a too-short string', z.string().min(2), 'x'],
    ['an unknown key', z.strictObject({}), { extra: 1 }],
    ['a plain refine', z.string().refine(() => false, 'no'), 'x'],
    [
      'a custom issue without params',
      z.string().superRefine((_, ctx) => ctx.addIssue({ code: 'custom', message: 'no' })),
      'x',
    ],
    [
      'a custom issue whose code is not a string',
      z
        .string()
        .superRefine((_, ctx) =>
          ctx.addIssue({ code: 'custom', message: 'no', params: { code: 7 } }),
        ),
      'x',
    ],
  ])('is undefined for %s', (_, schema, input) => {
    const result = schema.safeParse(input);
    expect(result.success).toBe(false);
    const [issue] = result.error?.issues ?? [];
    expect(issue).toBeDefined();
    expect(issue && codeOfIssue(issue)).toBeUndefined();
  });

  it('keeps the path of the field the issue was raised on', () => {
    const schema = z.object({ contact: z.object({ phone: codedSchema('phone_invalid') }) });
    const result = schema.safeParse({ contact: { phone: 'x' } });
    const [issue] = result.error?.issues ?? [];
    expect(issue?.path).toEqual(['contact', 'phone']);
    expect(issue && codeOfIssue(issue)).toBe('phone_invalid');
  });
});

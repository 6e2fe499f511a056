import { redactedEmail } from '@peasswap/domain';
import { describe, expect, it } from 'vitest';
import { isRedacted } from './redaction';

describe('isRedacted', () => {
  it('knows an erased customer by the redaction’s email, theirs alone', () => {
    const id = 'cus_4EijemIoLCI3bvdQvUS89QBm';
    expect(isRedacted({ id, email: redactedEmail(id) })).toBe(true);
    expect(isRedacted({ id, email: redactedEmail('cus_someoneElse00000000000') })).toBe(false);
    expect(isRedacted({ id, email: 'ada@example.com' })).toBe(false);
  });
});

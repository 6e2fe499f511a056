import { describe, expect, it } from 'vitest';
import { checkTestApiKey, maskApiKey } from './api-key';

describe('checkTestApiKey', () => {
  it.each(['sk_test_4fGq2Lm9XbT0cVhY', 'rk_test_4fGq2Lm9XbT0cVhY', '  sk_test_abc123  '])(
    'accepts %j',
    (input) => {
      expect(checkTestApiKey(input)).toEqual({ ok: true, key: input.trim() });
    },
  );

  it.each([
    ['', 'Paste a test API key.'],
    ['sk_live_4fGq2Lm9XbT0cVhY', 'Live keys are not accepted here. Use a test key (sk_test_…).'],
    ['pk_test_4fGq2Lm9XbT0cVhY', 'A test API key starts with sk_test_ or rk_test_.'],
    ['Bearer sk_test_abc', 'A test API key starts with sk_test_ or rk_test_.'],
  ])('rejects %j', (input, message) => {
    expect(checkTestApiKey(input)).toEqual({ ok: false, message });
  });
});

describe('maskApiKey', () => {
  it('keeps the prefix and the last four characters only', () => {
    expect(maskApiKey('sk_test_4fGq2Lm9XbT0cVhYkR8sWn1A')).toBe('sk_test_…Wn1A');
  });
});

import { describe, expect, it } from 'vitest';
import { deliveryResult, formatDuration, statusLabel, systemDisabledReason } from './webhooks';

describe('systemDisabledReason', () => {
  it('explains a disabling the system did, and says nothing otherwise', () => {
    expect(systemDisabledReason({ status: 'disabled', disabledReason: 'failing' })).toBe(
      'Disabled after 3 days of failed deliveries.',
    );
    expect(systemDisabledReason({ status: 'disabled', disabledReason: 'gone' })).toBe(
      'Disabled because your endpoint answered 410 Gone.',
    );
    expect(systemDisabledReason({ status: 'disabled', disabledReason: 'requested' })).toBe(
      undefined,
    );
    expect(systemDisabledReason({ status: 'enabled', disabledReason: null })).toBe(undefined);
  });
});

describe('statusLabel', () => {
  it('names why a disabled endpoint is off', () => {
    expect(statusLabel({ status: 'enabled', disabledReason: null })).toBe('Enabled');
    expect(statusLabel({ status: 'disabled', disabledReason: 'requested' })).toBe('Disabled');
    expect(statusLabel({ status: 'disabled', disabledReason: 'failing' })).toBe(
      'Disabled: failing',
    );
    expect(statusLabel({ status: 'disabled', disabledReason: 'gone' })).toBe('Disabled: 410 Gone');
  });
});

describe('deliveryResult', () => {
  it('shows the status code answered, else why there was no answer', () => {
    expect(deliveryResult({ succeeded: true, statusCode: 200, error: null })).toEqual({
      tone: 'succeeded',
      label: '200',
    });
    expect(deliveryResult({ succeeded: false, statusCode: 500, error: null })).toEqual({
      tone: 'failed',
      label: '500',
    });
    expect(deliveryResult({ succeeded: false, statusCode: null, error: 'timeout' })).toEqual({
      tone: 'failed',
      label: 'Timed out',
    });
    expect(deliveryResult({ succeeded: false, statusCode: null, error: 'something_new' })).toEqual({
      tone: 'failed',
      label: 'something_new',
    });
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0 ms'],
    [85.4, '85 ms'],
    [999, '999 ms'],
    [1000, '1 s'],
    [1234, '1.2 s'],
    [10_000, '10 s'],
    [12_600, '13 s'],
  ])('%d ms reads %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

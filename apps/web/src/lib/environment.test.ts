import { describe, expect, it } from 'vitest';
import { getEnvironment, parseEnvironment, setEnvironment } from './environment';

describe('the test/live switch', () => {
  it.each([
    ['live', 'live'],
    ['test', 'test'],
    [null, 'test'],
    ['LIVE', 'test'],
    ['production', 'test'],
  ] as const)('reads %j as %s (test unless exactly live)', (stored, expected) => {
    expect(parseEnvironment(stored)).toBe(expected);
  });

  it('switches even where storage is unavailable (no localStorage here)', () => {
    expect(getEnvironment()).toBe('test');
    setEnvironment('live');
    expect(getEnvironment()).toBe('live');
    setEnvironment('test');
  });
});

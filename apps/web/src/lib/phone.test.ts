import { describe, expect, it } from 'vitest';
import { formatPhone } from './phone';

describe('formatPhone', () => {
  it.each([
    ['a US number', '+14155550123', '+1 415 555 0123'],
    ['a New York number', '+12125550100', '+1 212 555 0100'],
    ['a London number', '+442079460958', '+44 20 7946 0958'],
    ['a Paris number', '+33123456789', '+33 1 23 45 67 89'],
    ['a Berlin number', '+4930901820', '+49 30 901820'],
  ])('shows %s in international format: %s → %s', (_, stored, shown) => {
    expect(formatPhone(stored)).toBe(shown);
  });

  it.each([
    ['a country code that does not exist', '+999123456789'],
    ['something that is not a number', 'not a phone'],
    ['too short to be a number', '+1'],
  ])('shows %s exactly as stored', (_, stored) => {
    expect(formatPhone(stored)).toBe(stored);
  });

  it.each([null, undefined])('shows no phone (%j) as the empty string', (phone) => {
    expect(formatPhone(phone)).toBe('');
  });
});

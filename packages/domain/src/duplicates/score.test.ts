import { describe, expect, it } from 'vitest';
import {
  LIKELY_THRESHOLD,
  NAME_CLOSE_SIMILARITY,
  NAME_VERY_CLOSE_SIMILARITY,
  POSSIBLE_THRESHOLD,
  scoreDuplicate,
  type DuplicateSignals,
} from './score.js';

const NONE: DuplicateSignals = { email: false, phone: false, card: false, nameSimilarity: 0 };
const CLOSE = 0.85;
const VERY_CLOSE = 0.97;

describe('scoreDuplicate', () => {
  it.each<[string, Partial<DuplicateSignals>, number, string[], 'likely' | 'possible']>([
    ['email alone', { email: true }, 0.7, ['email'], 'possible'],
    ['card alone', { card: true }, 0.6, ['card'], 'possible'],
    ['phone alone', { phone: true }, 0.5, ['phone'], 'possible'],
    ['a very close name alone', { nameSimilarity: VERY_CLOSE }, 0.6, ['name'], 'possible'],
    ['an identical name alone', { nameSimilarity: 1 }, 0.6, ['name'], 'possible'],
    [
      'phone + close name',
      { phone: true, nameSimilarity: CLOSE },
      0.65,
      ['phone', 'name'],
      'possible',
    ],
    [
      'card + close name',
      { card: true, nameSimilarity: CLOSE },
      0.72,
      ['card', 'name'],
      'possible',
    ],
    [
      'email + close name',
      { email: true, nameSimilarity: CLOSE },
      0.79,
      ['email', 'name'],
      'possible',
    ],
    [
      'phone + very close name',
      { phone: true, nameSimilarity: VERY_CLOSE },
      0.8,
      ['phone', 'name'],
      'likely',
    ],
    ['phone + card', { phone: true, card: true }, 0.8, ['phone', 'card'], 'likely'],
    [
      'card + very close name',
      { card: true, nameSimilarity: VERY_CLOSE },
      0.84,
      ['card', 'name'],
      'likely',
    ],
    ['email + phone', { email: true, phone: true }, 0.85, ['email', 'phone'], 'likely'],
    ['email + card', { email: true, card: true }, 0.88, ['email', 'card'], 'likely'],
    [
      'email + very close name',
      { email: true, nameSimilarity: VERY_CLOSE },
      0.88,
      ['email', 'name'],
      'likely',
    ],
    [
      'email + phone + card',
      { email: true, phone: true, card: true },
      0.94,
      ['email', 'phone', 'card'],
      'likely',
    ],
    [
      'all four',
      { email: true, phone: true, card: true, nameSimilarity: 1 },
      0.98,
      ['email', 'phone', 'card', 'name'],
      'likely',
    ],
  ])('%s → %d %j %s', (_, signals, score, reasons, level) => {
    expect(scoreDuplicate({ ...NONE, ...signals })).toEqual({ score, reasons, level });
  });

  it.each<[string, Partial<DuplicateSignals>]>([
    ['nothing shared', {}],
    ['a close name alone', { nameSimilarity: CLOSE }],
    ['a name just under very close, alone', { nameSimilarity: NAME_VERY_CLOSE_SIMILARITY - 0.001 }],
    ['a different name alone', { nameSimilarity: 0.5 }],
  ])('%s → null', (_, signals) => {
    expect(scoreDuplicate({ ...NONE, ...signals })).toBeNull();
  });

  it('counts a name from NAME_CLOSE_SIMILARITY beside another signal, and not below it', () => {
    const at = scoreDuplicate({ ...NONE, phone: true, nameSimilarity: NAME_CLOSE_SIMILARITY });
    expect(at?.reasons).toEqual(['phone', 'name']);
    const below = scoreDuplicate({
      ...NONE,
      phone: true,
      nameSimilarity: NAME_CLOSE_SIMILARITY - 0.001,
    });
    expect(below).toEqual({ score: 0.5, reasons: ['phone'], level: 'possible' });
  });

  it('counts a name alone from NAME_VERY_CLOSE_SIMILARITY', () => {
    expect(
      scoreDuplicate({ ...NONE, nameSimilarity: NAME_VERY_CLOSE_SIMILARITY })?.reasons,
    ).toEqual(['name']);
  });

  it('keeps every score within 0–1 at two decimals, and its level on the thresholds', () => {
    for (const email of [false, true]) {
      for (const phone of [false, true]) {
        for (const card of [false, true]) {
          for (const nameSimilarity of [0, 0.5, 0.8, 0.9, 0.95, 1]) {
            const result = scoreDuplicate({ email, phone, card, nameSimilarity });
            if (result === null) continue;
            expect(result.score).toBeGreaterThanOrEqual(POSSIBLE_THRESHOLD);
            expect(result.score).toBeLessThanOrEqual(1);
            expect(Math.round(result.score * 100) / 100).toBe(result.score);
            expect(result.level).toBe(result.score >= LIKELY_THRESHOLD ? 'likely' : 'possible');
            expect(result.reasons.length).toBeGreaterThan(0);
          }
        }
      }
    }
  });

  it.each([-0.1, 1.1, Number.NaN])('refuses a name similarity of %d', (nameSimilarity) => {
    expect(() => scoreDuplicate({ ...NONE, nameSimilarity })).toThrow(RangeError);
  });
});

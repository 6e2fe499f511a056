/** Why two customers look like one: the signals they share, in this order. */
export const DUPLICATE_REASONS = ['email', 'phone', 'card', 'name'] as const;
export type DuplicateReason = (typeof DUPLICATE_REASONS)[number];

export const DUPLICATE_LEVELS = ['likely', 'possible'] as const;
export type DuplicateLevel = (typeof DUPLICATE_LEVELS)[number];

/** What two customers share, as the candidate queries found it. */
export interface DuplicateSignals {
  /** The same `mailboxIdentity`. */
  email: boolean;
  /** The same E.164 phone number. */
  phone: boolean;
  /** A payment method with the same card fingerprint. */
  card: boolean;
  /** `nameSimilarity` of the two names, 0–1. */
  nameSimilarity: number;
}

export interface DuplicateScore {
  /** 0–1, rounded to 2 places. */
  score: number;
  reasons: DuplicateReason[];
  level: DuplicateLevel;
}

/**
 * Weights: how sure each shared signal alone makes us that two customers are one person, as a
 * probability. Signals combine as independent evidence, score = 1 − Π(1 − weight): each one closes
 * part of the remaining doubt, two never add up past 1, and the order does not matter.
 *
 * - Email, 0.7: one mailbox (after provider rules) is almost always one person; the doubt left is
 *   shared family and team inboxes.
 * - Card, 0.6: one card has one holder, but families and companies pay with the same card.
 * - Phone, 0.5: households, switchboards and recycled numbers share a phone more often.
 * - Name: names repeat across different people, so a name is weak evidence. A close name
 *   (similarity ≥ `NAME_CLOSE_SIMILARITY`) weighs `NAME_CLOSE_WEIGHT` and counts only beside
 *   another shared signal; a very close name (≥ `NAME_VERY_CLOSE_SIMILARITY`: the same words up to
 *   a letter or an accent) weighs `NAME_VERY_CLOSE_WEIGHT` and counts on its own (SPEC §8).
 *
 * Thresholds, on the rounded score: `likely` from `LIKELY_THRESHOLD` — two identity signals, or
 * one with a very close name; `possible` from `POSSIBLE_THRESHOLD` — any one identity signal or a
 * very close name alone; below that the pair is not a duplicate (null).
 *
 * | shared                | score | level    |
 * |-----------------------|-------|----------|
 * | email                 | 0.70  | possible |
 * | card                  | 0.60  | possible |
 * | very close name       | 0.60  | possible |
 * | phone                 | 0.50  | possible |
 * | close name            | —     | null     |
 * | phone + close name    | 0.65  | possible |
 * | card + close name     | 0.72  | possible |
 * | email + close name    | 0.79  | possible |
 * | phone + very close    | 0.80  | likely   |
 * | phone + card          | 0.80  | likely   |
 * | card + very close     | 0.84  | likely   |
 * | email + phone         | 0.85  | likely   |
 * | email + card          | 0.88  | likely   |
 * | email + very close    | 0.88  | likely   |
 * | all four              | 0.98  | likely   |
 */
export const EMAIL_WEIGHT = 0.7;
export const CARD_WEIGHT = 0.6;
export const PHONE_WEIGHT = 0.5;
export const NAME_CLOSE_WEIGHT = 0.3;
export const NAME_VERY_CLOSE_WEIGHT = 0.6;
/** Below this, two names are different names: no weight, no reason. */
export const NAME_CLOSE_SIMILARITY = 0.8;
/** From this, a name counts even when nothing else is shared. */
export const NAME_VERY_CLOSE_SIMILARITY = 0.95;
export const LIKELY_THRESHOLD = 0.8;
export const POSSIBLE_THRESHOLD = 0.5;

/** The score, reasons and level of a pair of customers, or null when they are not duplicates. */
export function scoreDuplicate(signals: DuplicateSignals): DuplicateScore | null {
  const { nameSimilarity } = signals;
  if (!(nameSimilarity >= 0 && nameSimilarity <= 1)) {
    throw new RangeError(`nameSimilarity must be 0–1, got ${nameSimilarity}`);
  }
  const weights: [DuplicateReason, number][] = [];
  if (signals.email) weights.push(['email', EMAIL_WEIGHT]);
  if (signals.phone) weights.push(['phone', PHONE_WEIGHT]);
  if (signals.card) weights.push(['card', CARD_WEIGHT]);
  if (nameSimilarity >= NAME_VERY_CLOSE_SIMILARITY) {
    weights.push(['name', NAME_VERY_CLOSE_WEIGHT]);
  } else if (nameSimilarity >= NAME_CLOSE_SIMILARITY && weights.length > 0) {
    weights.push(['name', NAME_CLOSE_WEIGHT]);
  }
  if (weights.length === 0) return null;

  const doubt = weights.reduce((remaining, [, weight]) => remaining * (1 - weight), 1);
  const score = Math.round((1 - doubt) * 100) / 100;
  if (score < POSSIBLE_THRESHOLD) return null;
  return {
    score,
    reasons: weights.map(([reason]) => reason),
    level: score >= LIKELY_THRESHOLD ? 'likely' : 'possible',
  };
}

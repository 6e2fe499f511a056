import { z } from 'zod';
import { IsoTimestampSchema } from '../common/list.js';
import { ObjectIdSchema } from '../ids.js';

/**
 * Per-customer analytics over succeeded payments. Sums are bigint end to end: a customer's volume
 * can pass 2^53 minor units, where a JavaScript number stops counting exactly.
 */
export interface CurrencyTotals {
  currency: string;
  /** Succeeded payments in this currency. */
  count: bigint;
  /** Their amounts added up, in the currency's minor unit. */
  total: bigint;
  lastPaymentAt: Date;
}

export interface VolumeLine {
  currency: string;
  total: bigint;
  average: bigint;
}

/** a / b rounded half-up, for non-negative a and positive b. */
export function divideHalfUp(dividend: bigint, divisor: bigint): bigint {
  if (divisor <= 0n || dividend < 0n) throw new RangeError('divideHalfUp takes a >= 0 and b > 0');
  return (dividend * 2n + divisor) / (divisor * 2n);
}

export interface CustomerAnalyticsSummary {
  totalPayments: bigint;
  lastPaymentAt: Date | null;
  volume: VolumeLine[];
}

/** Totals per currency → the analytics a customer page shows. Currencies are never added up. */
export function summariseAnalytics(rows: readonly CurrencyTotals[]): CustomerAnalyticsSummary {
  let totalPayments = 0n;
  let lastPaymentAt: Date | null = null;
  const volume: VolumeLine[] = [];
  for (const row of [...rows].sort((a, b) => a.currency.localeCompare(b.currency))) {
    if (row.count === 0n) continue;
    totalPayments += row.count;
    if (!lastPaymentAt || row.lastPaymentAt > lastPaymentAt) lastPaymentAt = row.lastPaymentAt;
    volume.push({
      currency: row.currency,
      total: row.total,
      average: divideHalfUp(row.total, row.count),
    });
  }
  return { totalPayments, lastPaymentAt, volume };
}

/** Exact integers on the wire; JSON numbers hold them up to 2^53 - 1 (90 million top-size payments). */
export function toSafeNumber(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(`${value} is beyond the exact range of a JSON number`);
  }
  return Number(value);
}

export const CustomerAnalyticsSchema = z
  .object({
    object: z
      .literal('customer_analytics')
      .describe('The kind of object: always `customer_analytics`.'),
    customer: ObjectIdSchema.describe('The customer these figures are about.'),
    totalPayments: z.number().int().describe('How many of the customer’s payments succeeded.'),
    lastPaymentAt: IsoTimestampSchema.nullable().describe(
      'When the latest succeeded payment was made.',
    ),
    volume: z
      .array(
        z.object({
          currency: z.string().describe('Lowercase ISO 4217 code.'),
          total: z.number().int().describe('Sum of succeeded amounts, in the minor unit.'),
          average: z
            .number()
            .int()
            .describe('Mean succeeded amount, rounded half-up to the minor unit.'),
        }),
      )
      .describe('One line per currency; different currencies are never added together.'),
  })
  .meta({ id: 'CustomerAnalytics' });
export type CustomerAnalytics = z.infer<typeof CustomerAnalyticsSchema>;

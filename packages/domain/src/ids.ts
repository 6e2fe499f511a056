import { z } from 'zod';
import { isWellFormedText } from './common/text.js';

/**
 * Prefixed, unguessable object ids: a prefix naming the kind of object and 24 base62 characters
 * from a CSPRNG (~143 bits), like Stripe's. Ids reveal nothing about order or count.
 */
export const ID_PREFIXES = {
  account: 'acct',
  customer: 'cus',
  payment: 'pay',
  paymentMethod: 'pm',
  subscription: 'sub',
  schedule: 'sched',
  scheduleItem: 'schi',
  billingAttempt: 'batt',
  event: 'evt',
  webhookEndpoint: 'we',
  webhookDelivery: 'whdl',
  customerMerge: 'cmrg',
  apiKey: 'key',
  user: 'usr',
  session: 'sess',
  request: 'req',
  auditEntry: 'aud',
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const ID_BODY_LENGTH = 24;

/**
 * Random bytes are drawn from the CSPRNG a pool at a time and handed out once each: one
 * `getRandomValues` call per id cost more than everything else an import does with a row.
 * The bytes are as random as before; only the calls are fewer.
 */
const POOL_BYTES = 8192;
const pool = new Uint8Array(POOL_BYTES);
let poolAt = POOL_BYTES;

/** Random base62 text; rejection sampling keeps every character equally likely. */
export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    if (poolAt === POOL_BYTES) {
      crypto.getRandomValues(pool);
      poolAt = 0;
    }
    for (; poolAt < POOL_BYTES && out.length < length; poolAt++) {
      const byte = pool[poolAt] ?? 255;
      if (byte < 248) out += ALPHABET[byte % 62];
    }
  }
  return out;
}

export function newId(kind: IdKind): string {
  return `${ID_PREFIXES[kind]}_${randomBase62(ID_BODY_LENGTH)}`;
}

/** The longest id accepted anywhere: in a body, a query string or a URL path. */
export const MAX_ID_LENGTH = 255;

/** An id as a parameter. Any shape is looked up (and is a 404 when unknown), but NUL never is. */
export const ObjectIdSchema = z
  .string()
  .min(1)
  .max(MAX_ID_LENGTH)
  .refine((id) => !id.includes('\u0000') && isWellFormedText(id), 'Not an object id.');

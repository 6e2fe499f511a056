import type { FastifyBaseLogger } from 'fastify';
import type { Permission } from '@peasswap/domain';
import type { Database } from '../db/client.js';
import type { PaymentProcessor } from '../payments/processor.js';

/** Who is calling: resolved once at the HTTP edge from the API key (or, later, the session). */
export interface Auth {
  accountId: string;
  livemode: boolean;
  keyId: string;
  permissions: readonly Permission[];
}

export interface Context {
  db: Database;
  requestId: string;
  log: FastifyBaseLogger;
  auth: Auth | undefined;
  processor: PaymentProcessor;
}

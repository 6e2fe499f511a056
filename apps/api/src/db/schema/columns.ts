import { boolean, text } from 'drizzle-orm/pg-core';
import { accounts } from './accounts.js';

/** Every merchant-owned row names its account and environment; queries always filter by both. */
export const ownedColumns = {
  accountId: text('account_id')
    .notNull()
    .references(() => accounts.id),
  livemode: boolean('livemode').notNull(),
};

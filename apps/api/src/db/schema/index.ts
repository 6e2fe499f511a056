export * from './accounts.js';
export * from './api-keys.js';
export * from './customers.js';
export * from './idempotency-keys.js';
export * from './users.js';
export * from './customer-payment-totals.js';
export * from './payments.js';

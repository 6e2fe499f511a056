export * from './addresses.js';
export * from './retry.js';
export * from './schemas.js';
export * from './secrets.js';

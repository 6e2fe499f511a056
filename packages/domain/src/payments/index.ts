export * from './currency.js';
export * from './processing.js';
export * from './schemas.js';

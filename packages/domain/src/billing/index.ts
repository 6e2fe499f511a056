export * from './periods.js';
export * from './lifecycle.js';

export * from './schemas.js';
export * from './merge.js';

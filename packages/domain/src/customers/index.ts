export * from './schemas.js';
export * from './merge.js';
export * from './import.js';
export * from './privacy.js';

export * from './changes.js';
export * from './schemas.js';

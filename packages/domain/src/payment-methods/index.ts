export * from './card.js';
export * from './schemas.js';

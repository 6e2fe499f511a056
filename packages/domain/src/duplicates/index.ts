export * from './identity.js';
export * from './names.js';
export * from './score.js';
export * from './schemas.js';

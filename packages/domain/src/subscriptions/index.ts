export * from './schemas.js';
export * from './schedules.js';

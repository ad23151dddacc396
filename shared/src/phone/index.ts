export * from './phone-number.js';
export * from './phone-search.js';

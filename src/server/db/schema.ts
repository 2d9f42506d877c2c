/** Every table of the platform, listed explicitly (no registration by side-effect imports). */
export * from '../modules/accounts/schema.js';
export * from '../modules/audit/schema.js';
export * from '../modules/experts/schema.js';
export * from '../modules/orgs/schema.js';
export * from '../modules/regions/schema.js';

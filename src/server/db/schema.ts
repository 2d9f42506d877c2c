/** Every table of the platform, listed explicitly (no registration by side-effect imports). */
export * from '../modules/accounts/schema.js';
export * from '../modules/applications/schema.js';
export * from '../modules/audit/schema.js';
export * from '../modules/calls/schema.js';
export * from '../modules/contracts/schema.js';
export * from '../modules/credit/schema.js';
export * from '../modules/duplicates/schema.js';
export * from '../modules/experts/schema.js';
export * from '../modules/files/schema.js';
export * from '../modules/notifications/schema.js';
export * from '../modules/orgs/schema.js';
export * from '../modules/plans/schema.js';
export * from '../modules/publicity/schema.js';
export * from '../modules/regions/schema.js';
export * from '../modules/reviews/schema.js';
export * from '../modules/timeline/schema.js';
export * from '../modules/transparency/schema.js';

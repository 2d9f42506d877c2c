/**
 * 路演评审 roadshow review, by stage: the session and its random panel (panel.ts), experts'
 * score sheets (scoring.ts), the three aggregations side by side (results.ts). The award that
 * follows is the awards module's.
 */
export { myReviews, respond, startReview } from './panel.js';
export { getReview, reviewResults } from './results.js';
export { reviewApplications, saveSheet, submitSheet } from './scoring.js';

import type { z } from 'zod';
import type { myReview, reviewApplications, sheet } from '../../../domain/reviews';

export type { ReviewResults, ReviewView } from '../../../domain/reviews';
export type MyReview = z.infer<typeof myReview>;
export type ReviewApplications = z.infer<typeof reviewApplications>;
export type ReviewApplication = ReviewApplications['items'][number];
export type Sheet = z.infer<typeof sheet>;

import type { Actor, CurrentUser } from '../../http/current-user.js';
import type { calls } from '../calls/schema.js';
import type { panelMembers, reviewSessions, scoreSheets } from './schema.js';

export type SignedIn = Actor & { user: CurrentUser };
export type CallRow = typeof calls.$inferSelect;
export type SessionRow = typeof reviewSessions.$inferSelect;
export type MemberRow = typeof panelMembers.$inferSelect;
export type SheetRow = typeof scoreSheets.$inferSelect;

/** Applications taking part in a review: being scored, or scored and decided. */
export const IN_REVIEW = ['eligible', 'scored', 'awarded', 'not_awarded', 'revoked'];

import { boolean, index, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { idColumn, timestamps, versionColumn } from '../../db/columns.js';
import { orgs } from '../orgs/schema.js';

export const users = pgTable(
  'users',
  {
    id: idColumn(),
    username: text('username').notNull().unique(),
    displayName: text('display_name').notNull(),
    orgId: uuid('org_id').references(() => orgs.id),
    roles: text('roles').array().notNull(),
    passwordHash: text('password_hash').notNull(),
    // Personal data: never leaves the server in public output.
    phone: text('phone'),
    /** For e-mail notifications (optional). */
    email: text('email'),
    active: boolean('active').notNull().default(true),
    lastLoginAt: timestamp('last_login_at', { withTimezone: true }),
    mustChangePassword: boolean('must_change_password').notNull().default(false),
    version: versionColumn(),
    ...timestamps(),
  },
  (t) => [index('users_org_idx').on(t.orgId)],
);

export const sessions = pgTable(
  'sessions',
  {
    /** SHA-256 of the cookie token: a stolen database does not yield live sessions. */
    tokenHash: text('token_hash').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    ip: text('ip'),
    userAgent: text('user_agent'),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

/**
 * Failed sign-ins per typed username and client address (known or not: the same rows for both),
 * for the back-off of lockout.ts. A row goes on success and a day after its last failure.
 */
export const loginFailures = pgTable(
  'login_failures',
  {
    username: text('username').notNull(),
    /** The client address as Fastify resolved it (TRUST_PROXY); empty when unknown. */
    address: text('address').notNull(),
    failures: integer('failures').notNull(),
    lastFailedAt: timestamp('last_failed_at', { withTimezone: true }).notNull(),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.username, t.address] }),
    index('login_failures_last_idx').on(t.lastFailedAt),
  ],
);

/** Fixed-window request counters of @fastify/rate-limit (http/rate-limit-store.ts), shared by every process. */
export const rateLimitHits = pgTable(
  'rate_limit_hits',
  {
    /** Route and client address. */
    key: text('key').primaryKey(),
    hits: integer('hits').notNull(),
    resetAt: timestamp('reset_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('rate_limit_hits_reset_idx').on(t.resetAt)],
);

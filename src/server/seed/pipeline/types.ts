/** The rows the pipeline builds, and the district it builds them in. */

import type { Grade } from '../../../domain/enums.js';
import type {
  applications,
  awards,
  calls,
  contracts,
  publicities,
  reviewSessions,
  timelineEvents,
} from '../../db/schema.js';

export type CallRow = typeof calls.$inferInsert & { id: string; year: number; createdAt: Date };
export type ApplicationRow = typeof applications.$inferInsert & { id: string };
export type SessionRow = typeof reviewSessions.$inferInsert & { id: string };
export type AwardRow = typeof awards.$inferInsert & { id: string };
export type PublicityRow = typeof publicities.$inferInsert & { id: string };
export type ContractRow = typeof contracts.$inferInsert & { id: string; createdAt: Date };
export type TimelineRow = typeof timelineEvents.$inferInsert;

export interface Region {
  id: string;
  name: string;
  code: string;
  level: string;
  parentId: string | null;
}
export interface Org {
  id: string;
  name: string;
  kind: string;
  regionId: string | null;
  grade: Grade | null;
  registeredOn: string | null;
  categories: string[];
}
export interface Expert {
  id: string;
  name: string;
  field: string;
  employerOrgId: string | null;
  employerName: string | null;
  employerOrgName: string | null;
  formerEmployerOrgIds: string[];
  userId: string | null;
}
export interface Buyer {
  org: Org;
  /** The street of a street station; null for district departments. */
  street: Region | null;
  kind: 'organization' | 'publicity' | 'civil' | 'station';
}

/** An application while it is being built: the proposal comes last, once the amount is known. */
export interface AppDraft {
  row: ApplicationRow;
  provider: Org;
  community: Region;
  committee: Org;
  title: string;
  /** Quality of the proposal, 0–100: drives the experts' scores. */
  quality: number;
}

/** A call while it is being built, with what it needs to finish its timeline once codes exist. */
export interface CallDraft {
  row: CallRow;
  buyer: Buyer;
  theme: string;
  streets: Region[];
  areaCommunities: Region[];
  apps: AppDraft[];
  /** Built after codes are assigned (titles and details name the codes). */
  events: (() => TimelineRow)[];
}

export interface PipelineOptions {
  /** "Now", for tests; defaults to the real current time. */
  now?: Date;
}

export interface PipelineSummary {
  calls: number;
  byState: Record<string, number>;
  applications: number;
  reviewSessions: number;
  scoreSheets: number;
  awards: number;
  publicities: number;
  objections: number;
  contracts: number;
  planLines: number;
  timelineEvents: number;
  creditEntries: number;
  expertAccounts: number;
  /** Contracted projects of 2017–2022 and their contract value in fen. */
  historyProjects: number;
  historyFen: number;
  /** After the contract (implementation.ts): rows written, and the alerts the indicators raised. */
  projects: number;
  activities: number;
  payments: number;
  expenses: number;
  evaluations: number;
  rectifications: number;
  recoveries: number;
  alerts: number;
}

/** One signed contract while its implementation is built (implementation.ts, money.ts, evaluations.ts). */
export interface ProjectCtx {
  call: CallDraft;
  contract: ContractRow;
  winner: AppDraft;
  title: string;
  /** The day the provider started it (开始实施). */
  start: string;
  /** From the platform's first year (2022) on, projects are recorded in more detail. */
  detailed: boolean;
  evaluator: Org;
  /** The demo accounts acting for the parties, where there is one (null: none in the demo). */
  evaluatorUser: string | null;
  providerUser: string | null;
  buyerUser: string | null;
  buyerUsername: 'buyer' | 'station' | null;
  /** An instant of a day in Shanghai at `hour`, a random minute. */
  at(date: string, hour: number): Date;
  /** A public step on the call's timeline. */
  event(at: Date, kind: string, title: string, detail: Record<string, unknown>): void;
}

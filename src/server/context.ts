import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { WorkingDayCalendar } from '../domain/working-days.js';
import type { Config } from './config.js';
import type { Database, Db } from './db/client.js';
import type { FileStorage } from './modules/files/storage.js';

/** What every module's routes receive: passed explicitly, not hung on globals. */
export interface AppContext {
  db: Db;
  database: Database;
  config: Config;
  storage: FileStorage;
  /** The deployment's working-day calendar, loaded once at start. */
  calendar: WorkingDayCalendar;
}

export const typed = (app: FastifyInstance) => app.withTypeProvider<ZodTypeProvider>();

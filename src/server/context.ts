import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from './config.js';
import type { Database, Db } from './db/client.js';
import type { FileStorage } from './modules/files/storage.js';

/** What every module's routes receive: passed explicitly, not hung on globals. */
export interface AppContext {
  db: Db;
  database: Database;
  config: Config;
  storage: FileStorage;
}

export const typed = (app: FastifyInstance) => app.withTypeProvider<ZodTypeProvider>();

/**
 * The two PostgreSQL roles (README, "Database roles"): migrations as the owner, the application
 * as a role that may append to the audit trail and nothing more. PGlite has a single role, so
 * there is nothing to test there.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { loadConfig } from '../config.js';
import { auditLog } from '../modules/audit/schema.js';
import { verifyAuditChain } from '../modules/audit/service.js';
import { regions } from '../modules/regions/schema.js';
import { DEMO_PASSWORD, seedDemo } from '../seed/demo.js';
import { adminQuery, databaseUrl } from '../testing/templates.js';
import { TestClient } from '../testing/test-app.js';
import { type Database, openDatabase } from './client.js';
import { applicationRoleProblems } from './roles.js';

const onPostgres = process.env.TEST_DB === 'postgres';
if (!onPostgres)
  console.log('[roles] skipped: database roles exist on PostgreSQL only (PGlite has one role)');

describe.skipIf(!onPostgres)('the owner and application roles on PostgreSQL', () => {
  const suffix = randomBytes(4).toString('hex');
  const owner = `sw_owner_${suffix}`;
  const appRole = `sw_app_${suffix}`;
  const name = `sw_roles_${suffix}`;
  const urlAs = (role: string) => {
    const url = new URL(databaseUrl(name));
    url.username = role;
    url.password = '';
    return url.toString();
  };
  let database: Database;
  let app: FastifyInstance;
  /** A plain connection as the application role, for the statements the app never makes. */
  let asApp: pg.Client;

  beforeAll(async () => {
    await adminQuery(`create role ${owner} login`);
    await adminQuery(`create role ${appRole} login`);
    await adminQuery(`create database ${name} owner ${owner}`);
    database = await openDatabase({ url: urlAs(appRole), ownerUrl: urlAs(owner), dataDir: '' });
    // What SEED_DEMO=auto does at the first start: as the application role.
    await seedDemo(database.db, undefined, { history: false });
    const config = loadConfig({
      DATA_DIR: mkdtempSync(path.join(tmpdir(), 'sw-roles-')),
      SESSION_SECRET: 'test-secret-test-secret-test-secret-0123',
      LOG_LEVEL: 'silent',
      LOGIN_RATE_LIMIT_PER_MINUTE: '1000',
    });
    app = await buildApp(config, database);
    await app.ready();
    asApp = new pg.Client({ connectionString: urlAs(appRole) });
    await asApp.connect();
  }, 120_000);

  afterAll(async () => {
    await asApp?.end();
    await app?.close();
    await database?.close();
    await adminQuery(`drop database if exists ${name} with (force)`);
    await adminQuery(`drop role if exists ${appRole}`);
    await adminQuery(`drop role if exists ${owner}`);
  });

  /** The server's message for a statement run as the application role, or null if it succeeded. */
  const refusal = async (statement: string) => {
    try {
      await asApp.query(statement);
      return null;
    } catch (error) {
      return (error as Error).message;
    }
  };

  it('owns nothing: the tables and the migrations belong to the owner role', async () => {
    const { rows } = await asApp.query<{ tableowner: string }>(
      `select distinct tableowner from pg_tables where schemaname in ('public', 'drizzle')`,
    );
    expect(rows).toEqual([{ tableowner: owner }]);
  });

  it('cannot disable or drop the audit trail’s triggers, nor alter any table', async () => {
    expect(await refusal('alter table audit_log disable trigger audit_log_append_only')).toBe(
      'must be owner of table audit_log',
    );
    expect(await refusal('alter table audit_log disable trigger all')).toBe(
      'must be owner of table audit_log',
    );
    expect(await refusal('drop trigger audit_log_no_truncate on audit_log')).toBe(
      'must be owner of relation audit_log',
    );
    expect(await refusal('alter table users add column evil text')).toBe('must be owner of table users');
    expect(await refusal('drop table sessions')).toBe('must be owner of table sessions');
    expect(await refusal('create table evil (id int)')).toBe('permission denied for schema public');
  });

  it('cannot update, delete or truncate the audit trail, and it stays intact', async () => {
    const before = await verifyAuditChain(database.db);
    expect(before.ok).toBe(true);
    for (const statement of [
      `update audit_log set action = 'forged' where id = 1`,
      'delete from audit_log where id = (select max(id) from audit_log)',
      'truncate audit_log',
    ]) {
      expect(await refusal(statement)).toBe('permission denied for table audit_log');
    }
    expect(await verifyAuditChain(database.db)).toEqual(before);
  });

  it('works: a write through the API is stored with its audit entry', async () => {
    const admin = new TestClient(app);
    await admin.get('/api/auth/session');
    expect(
      (await admin.post('/api/auth/login', { username: 'admin', password: DEMO_PASSWORD })).statusCode,
    ).toBe(200);
    const [district] = await database.db.select().from(regions).where(eq(regions.level, 'district')).limit(1);
    const res = await admin.post('/api/regions', {
      name: '角色测试街道',
      code: '530111999001',
      level: 'street',
      parentId: district.id,
    });
    expect(res.statusCode, res.body).toBe(201);
    const [entry] = await database.db.select().from(auditLog).where(eq(auditLog.targetId, res.json().id));
    expect(entry.action).toBe('region.created');
    expect((await verifyAuditChain(database.db)).ok).toBe(true);
  });

  it('grants again at every start, and warns of an application role that could do anything', async () => {
    const again = await openDatabase({ url: urlAs(appRole), ownerUrl: urlAs(owner), dataDir: '' });
    await again.close();
    expect(await refusal('delete from audit_log')).toBe('permission denied for table audit_log');

    const asOwner = new pg.Client({ connectionString: urlAs(owner) });
    await asOwner.connect();
    try {
      expect(await applicationRoleProblems(asOwner, appRole)).toEqual([]);
      expect(await applicationRoleProblems(asOwner, 'postgres')).toEqual([
        'the application role postgres is a superuser',
      ]);
      expect(await applicationRoleProblems(asOwner, owner)).toEqual([
        'DATABASE_URL and DATABASE_OWNER_URL name the same role',
      ]);
    } finally {
      await asOwner.end();
    }
  });
});

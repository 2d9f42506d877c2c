import { performance } from 'node:perf_hooks';
import { type Role, roleLabels } from '../domain/enums.js';
import { buildApp } from './app.js';
import { loadCalendar } from './calendar.js';
import { ConfigError, loadConfig } from './config.js';
import { openDatabase } from './db/client.js';
import { deadlineReminderJob } from './modules/applications/reminders.js';
import { recheckUndecided, reindexAll } from './modules/duplicates/service.js';
import { projectDeadlineReminderJob } from './modules/notifications/reminders.js';
import { startNotificationWorker } from './modules/notifications/worker.js';
import { startTransparencyLog, verifierKeyLine } from './modules/transparency/worker.js';
import { DEMO_PASSWORD, demoAccounts, isEmpty, seedDemo } from './seed/demo.js';

async function main() {
  const started = performance.now();
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const database = await openDatabase({
    url: config.DATABASE_URL,
    ownerUrl: config.DATABASE_OWNER_URL,
    dataDir: config.DATA_DIR,
  });
  let seeded = false;
  if (config.SEED_DEMO === 'auto' && (await isEmpty(database.db))) {
    console.log('首次启动：正在生成演示数据 (first start: loading demo data)…');
    await seedDemo(database.db);
    // The demo history goes into the duplicate-check index like submitted applications do.
    await reindexAll(database.db);
    await recheckUndecided(database.db, {
      threshold: config.DUPLICATE_THRESHOLD,
      lookbackYears: config.DUPLICATE_LOOKBACK_YEARS,
    });
    seeded = true;
  }
  const calendar = loadCalendar(config.DATA_DIR);
  const app = await buildApp(config, database, { calendar });
  const transparency = await startTransparencyLog({ db: database.db, config, log: app.log });
  const address = await app.listen({ port: config.PORT, host: config.HOST });
  const stopNotifications = startNotificationWorker({
    db: database.db,
    config,
    log: app.log,
    jobs: [deadlineReminderJob(calendar), projectDeadlineReminderJob(calendar, config.REMINDER_WORKING_DAYS)],
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `\n社会工作服务项目管理平台 is serving on ${address}  (database: ${database.kind}, ready in ${seconds} s)`,
  );
  console.log(verifierKeyLine(transparency));
  const accounts = config.SEED_DEMO === 'auto' ? await demoAccounts(database.db) : [];
  if (accounts.length) {
    console.log(
      `\n演示账号 (demo accounts)${seeded ? '' : '; unless changed since,'} password for all: ${DEMO_PASSWORD}`,
    );
    for (const a of accounts) {
      const roles = a.roles.map((r) => roleLabels[r as Role]).join('、');
      console.log(
        `  ${a.username.padEnd(11)} ${roles.padEnd(6, '　')} ${a.displayName}，${a.orgName ?? '—'}`,
      );
    }
    console.log('');
  }

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    await stopNotifications();
    await transparency.stop();
    await app.close();
    await database.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

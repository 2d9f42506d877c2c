/**
 * Administrative commands: `npm run cli -- <command> [options]`.
 * They use the same configuration as the server (DATA_DIR or DATABASE_URL).
 */
import '../domain/zod-locale.js';
import { parseArgs } from 'node:util';
import { passwordProblem } from '../domain/password-policy.js';
import { ConfigError, loadConfig } from '../server/config.js';
import { type Database, openDatabase } from '../server/db/client.js';
import { hashPassword } from '../server/modules/accounts/passwords.js';
import { users } from '../server/modules/accounts/schema.js';
import { appendAudit, verifyAuditChain } from '../server/modules/audit/service.js';
import { isEmpty, seedDemo } from '../server/seed/demo.js';

const HELP = `Usage: npm run cli -- <command> [options]

Commands:
  verify-audit                       walk the audit hash chain; exit 1 naming the first broken entry
  seed-demo [--force]                load the demo district (only into an empty database unless --force)
  create-admin --username U --name N  create an administrator; the password is read from ADMIN_PASSWORD
  duplicates --input FILE.jsonl [--threshold 0.5]
                                     find duplicate proposals in a JSON-lines file (see README)
  duplicates reindex                 rebuild the duplicate-check index of submitted applications
  witness --url U --state FILE --key FILE [--name N] [--log-key K]
                                     witness the transparency log: check consistency, cosign, submit
  verify-log --url U --key K [--state FILE] [--full] [--witness K]…
                                     verify the transparency log through its public endpoints
  backup --out DIR                   back up the database, uploaded files and keys (PGlite: server stopped)
  restore --from DIR                 restore a backup into an empty DATA_DIR / empty database
`;

function progressBar(label: string, done: number, total: number) {
  const width = 30;
  const filled = total ? Math.round((done / total) * width) : width;
  process.stderr.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`);
}

async function withDatabase<T>(run: (database: Database) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const database = await openDatabase({
    url: config.DATABASE_URL,
    ownerUrl: config.DATABASE_OWNER_URL,
    dataDir: config.DATA_DIR,
  });
  try {
    return await run(database);
  } finally {
    await database.close();
  }
}

const commands: Record<string, (args: string[]) => Promise<number>> = {
  'verify-audit': () =>
    withDatabase(async ({ db }) => {
      const result = await verifyAuditChain(db);
      if (result.ok) {
        console.log(`audit chain intact: ${result.entries} entries verified`);
        return 0;
      }
      console.error(
        `audit chain BROKEN at entry #${result.brokenId} (${result.reason === 'hash_mismatch' ? 'its content does not match its hash' : 'it does not link to the entry before it'}); ${result.entries} entries before it verified`,
      );
      return 1;
    }),

  'seed-demo': (args) =>
    withDatabase(async ({ db }) => {
      const { values } = parseArgs({ args, options: { force: { type: 'boolean', default: false } } });
      if (!values.force && !(await isEmpty(db))) {
        console.error('the database already has data; pass --force to add the demo data anyway');
        return 1;
      }
      await seedDemo(db);
      console.log('demo data loaded');
      return 0;
    }),

  'create-admin': (args) =>
    withDatabase(async ({ db }) => {
      const { values } = parseArgs({
        args,
        options: { username: { type: 'string' }, name: { type: 'string' } },
      });
      const password = process.env.ADMIN_PASSWORD ?? '';
      const problem = passwordProblem(password);
      if (!values.username || !values.name || problem) {
        console.error(problem ? `ADMIN_PASSWORD: ${problem}` : HELP);
        return 2;
      }
      const passwordHash = await hashPassword(password);
      await db.transaction(async (tx) => {
        const [row] = await tx
          .insert(users)
          .values({
            username: values.username!,
            displayName: values.name!,
            roles: ['admin'],
            passwordHash,
            mustChangePassword: true,
          })
          .returning({ id: users.id });
        await appendAudit(
          tx,
          { user: null, ip: null },
          {
            action: 'user.created',
            targetType: 'user',
            targetId: row.id,
            summary: { username: values.username, roles: ['admin'], via: 'cli' },
          },
        );
      });
      console.log(`administrator ${values.username} created; the password must be changed at first login`);
      return 0;
    }),

  duplicates: async (args) => {
    if (args[0] === 'reindex') {
      return withDatabase(async ({ db }) => {
        const { recheckUndecided, reindexAll } = await import('../server/modules/duplicates/service.js');
        const config = loadConfig();
        const started = Date.now();
        const count = await reindexAll(db, (done, total) => progressBar('reindex', done, total));
        process.stderr.write('\n');
        const hits = await recheckUndecided(db, {
          threshold: config.DUPLICATE_THRESHOLD,
          lookbackYears: config.DUPLICATE_LOOKBACK_YEARS,
        });
        console.log(
          `duplicate index rebuilt: ${count} applications in ${((Date.now() - started) / 1000).toFixed(1)} s; ${hits} hits on applications still being decided`,
        );
        return 0;
      });
    }
    const { runDuplicatesBatch } = await import('../server/modules/duplicates/batch.js');
    return runDuplicatesBatch(args, { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
  },
};

const cliIo = {
  stdout: (line: string) => console.log(line),
  stderr: (line: string) => console.error(line),
};
commands.witness = async (args) => (await import('./witness.js')).runWitness(args, cliIo);
commands['verify-log'] = async (args) => (await import('./verify-log.js')).runVerifyLog(args, cliIo);
for (const name of ['backup', 'restore'] as const)
  commands[name] = async (args) => (await import('./backup.js')).runBackupCommand(name, args, cliIo);

async function main() {
  const [name, ...args] = process.argv.slice(2);
  const command = name ? commands[name] : undefined;
  if (!command) {
    process.stderr.write(name && name !== '--help' ? `unknown command: ${name}\n\n${HELP}` : HELP);
    return name && name !== '--help' ? 2 : 0;
  }
  return command(args);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exitCode = 1;
  },
);

import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { BlockList, isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';

const emptyToUndefined = (v: unknown) => (v === '' ? undefined : v);

// proxy-addr's (Fastify's) names for the loopback, link-local and private ranges.
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isProxyAddress(entry: string): boolean {
  if (PROXY_RANGE_NAMES.has(entry)) return true;
  const [address, prefix, ...rest] = entry.split('/');
  const version = isIP(address);
  if (!version || rest.length) return false;
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128));
}

/**
 * TRUST_PROXY: `false`, the number of proxy hops in front of the app, or the addresses (CIDR
 * ranges) of the trusted proxies. `true` would take the client address from any X-Forwarded-For
 * a client cares to send, so it is refused.
 */
function parseTrustProxy(raw: string, ctx: z.RefinementCtx): false | number | string[] {
  const value = raw.trim();
  if (value === 'false' || value === '0') return false;
  if (value === 'true') {
    ctx.addIssue({
      code: 'custom',
      message:
        'true would trust a forged X-Forwarded-For from anyone; give the number of proxies in front of the app (TRUST_PROXY=1 behind one reverse proxy) or their addresses (TRUST_PROXY=127.0.0.1,10.0.0.0/8)',
    });
    return z.NEVER;
  }
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops <= 10) return hops;
    ctx.addIssue({ code: 'custom', message: 'at most 10 proxy hops' });
    return z.NEVER;
  }
  const entries = value.split(',').map((e) => e.trim());
  const bad = entries.filter((e) => !isProxyAddress(e));
  if (bad.length) {
    ctx.addIssue({
      code: 'custom',
      message: `not a hop count, IP address, CIDR range or loopback/linklocal/uniquelocal: ${bad.map((b) => JSON.stringify(b)).join(', ')}`,
    });
    return z.NEVER;
  }
  return entries;
}

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');
const isLoopback = (address: string) => loopback.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');

/**
 * Fastify's `trustProxy` for TRUST_PROXY. Fastify no longer takes a bare hop count, as one would
 * believe the X-Forwarded-For of any client reaching the app directly; here a hop count trusts
 * that many hops only when the nearest is on this machine (a reverse proxy connecting from
 * loopback). A proxy on another host is named by its address instead.
 */
export function trustProxyOption(
  setting: Config['TRUST_PROXY'],
): false | string[] | ((address: string, hop: number) => boolean) {
  if (typeof setting !== 'number') return setting;
  return (address, hop) => hop < setting && (hop > 0 || isLoopback(address));
}

const postgresUrl = z
  .string()
  .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
  .optional();

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z.preprocess(emptyToUndefined, postgresUrl),
  /** The role that owns the tables and runs the migrations; DATABASE_URL's role then only reads and writes. */
  DATABASE_OWNER_URL: z.preprocess(emptyToUndefined, postgresUrl),
  SESSION_SECRET: z.preprocess(
    emptyToUndefined,
    z.string().min(32, 'must be at least 32 characters').optional(),
  ),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Which peers may set X-Forwarded-For/-Proto: a hop count or proxy addresses, never everyone. */
  TRUST_PROXY: z.preprocess(emptyToUndefined, z.string().default('false')).transform(parseTrustProxy),
  SESSION_IDLE_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(30),
  LOGIN_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(10),
  CALL_MIN_OPEN_DAYS: z.coerce.number().int().min(1).max(90).default(7),
  PUBLICITY_WORKING_DAYS: z.coerce.number().int().min(1).max(30).default(5),
  DUPLICATE_THRESHOLD: z.coerce.number().gt(0).max(1).default(0.5),
  DUPLICATE_LOOKBACK_YEARS: z.coerce.number().int().min(0).max(50).default(5),
  PANEL_MIN_SIZE: z.coerce.number().int().min(3).max(21).default(5),
  /** 红黑榜 list periods (民政部令第60号 for the two national lists); an entry may give its own end date. */
  CREDIT_RED_YEARS: z.coerce.number().int().min(1).max(10).default(2),
  CREDIT_BLACK_YEARS: z.coerce.number().int().min(1).max(10).default(3),
  CREDIT_ABNORMAL_MONTHS: z.coerce.number().int().min(1).max(60).default(6),
  CREDIT_DISHONEST_YEARS: z.coerce.number().int().min(1).max(10).default(2),
  SEED_DEMO: z.preprocess(emptyToUndefined, z.enum(['auto', 'never']).default('auto')),
  /** The public site: the district it serves (home page) and the footer's hosting body, contact and ICP filing number (hidden when empty). */
  DISTRICT_NAME: z.string().trim().min(1).max(30).default('官渡区'),
  SITE_HOST_BODY: z.string().trim().min(1).max(60).default('昆明市官渡区民政局'),
  SITE_CONTACT: z.string().trim().max(100).default(''),
  SITE_ICP: z.string().trim().max(60).default(''),
  /** Open data (modules/opendata): the OCDS ocid prefix registered for this publisher. */
  OCDS_PREFIX: z
    .string()
    .regex(/^ocds-[a-z0-9]{6}$/, 'must be ocds- and 6 lowercase letters or digits')
    .default('ocds-gdsg26'),
  SMTP_HOST: z.preprocess(emptyToUndefined, z.string().optional()),
  SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(587),
  SMTP_USER: z.preprocess(emptyToUndefined, z.string().optional()),
  SMTP_PASSWORD: z.preprocess(emptyToUndefined, z.string().optional()),
  SMTP_FROM: z.preprocess(emptyToUndefined, z.string().email('must be an e-mail address').optional()),
  /** How often the notification worker sends pending e-mails (reminders: every 15 minutes). */
  NOTIFY_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  /** Project deadlines (reports, rectifications, recoveries, publicity periods) are reminded this many working days before. */
  REMINDER_WORKING_DAYS: z.coerce.number().int().min(1).max(30).default(3),
  /** Transparency log (modules/transparency): checkpoint origin and signing-key name, e.g. `audit.example.gov.cn/api/transparency/log`. */
  TRANSPARENCY_ORIGIN: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^[^\s+]+$/, 'must contain no spaces and no plus sign')
      .optional(),
  ),
  /** The log's Ed25519 signed-note private key (PRIVATE+KEY+…); generated into DATA_DIR when unset. */
  TRANSPARENCY_SIGNING_KEY: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^PRIVATE\+KEY\+/, 'must be a signed-note private key (PRIVATE+KEY+…)')
      .optional(),
  ),
  /** New audit entries are in a signed checkpoint within this many seconds. */
  TRANSPARENCY_CHECKPOINT_SECONDS: z.coerce.number().int().min(1).max(3600).default(10),
  /** Witness verifier keys (name+id+base64, type 0x04), separated by spaces or commas. */
  TRANSPARENCY_WITNESSES: z.preprocess(
    (v) => (v === undefined ? '' : v),
    z
      .string()
      .transform((v) => v.split(/[\s,]+/).filter(Boolean))
      .pipe(
        z.array(
          z
            .string()
            .regex(/^[^\s+]+\+[0-9a-f]{8}\+[A-Za-z0-9+/]+=*$/, 'must be verifier keys (name+keyid+base64)'),
        ),
      ),
  ),
});

export type Config = Omit<z.infer<typeof envSchema>, 'SESSION_SECRET'> & { SESSION_SECRET: string };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Parses the environment once; throws ConfigError listing every problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const config = parsed.data;
  if (config.DATABASE_OWNER_URL && !config.DATABASE_URL)
    throw new ConfigError(['DATABASE_OWNER_URL: needs DATABASE_URL (the application role) as well']);
  return { ...config, SESSION_SECRET: config.SESSION_SECRET ?? persistentSecret(config.DATA_DIR) };
}

/** A secret generated on first start and kept in DATA_DIR, so sessions survive restarts. */
function persistentSecret(dataDir: string): string {
  const file = path.join(dataDir, 'session-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

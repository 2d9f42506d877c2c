import { and, desc, eq, like } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { type Config, ConfigError, loadConfig } from '../config.js';
import { rateLimitHits } from '../modules/accounts/schema.js';
import { auditLog } from '../modules/audit/schema.js';
import { DEMO_PASSWORD } from '../seed/demo.js';
import { loginFrom } from '../testing/from-address.js';
import { buildTestApp, type TestApp } from '../testing/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t.close());

/** An app on the file's database trusting `trustProxy`, with a login limit of 3 a minute. */
async function appTrusting(trustProxy: Config['TRUST_PROXY'], run: (app: FastifyInstance) => Promise<void>) {
  const app = await buildApp(
    { ...t.config, TRUST_PROXY: trustProxy, LOGIN_RATE_LIMIT_PER_MINUTE: 3 },
    t.database,
  );
  try {
    await run(app);
  } finally {
    await app.close();
  }
}

const wrong = { username: 'nobody.here', password: 'wrong-Pass-1' };

/**
 * Four failed logins from `peer`, each with another forged X-Forwarded-For: the limit stops the
 * fourth, counting all of them under the address `counted`, none under a forged one (`forged`).
 */
async function expectForgedLoginsCountedAs(
  app: FastifyInstance,
  peer: string,
  forwardedFor: (i: number) => string,
  addresses: { counted: string; forged: string },
) {
  const statuses: number[] = [];
  for (let i = 0; i < 4; i++) {
    const res = await loginFrom(app, peer, wrong, { 'x-forwarded-for': forwardedFor(i) });
    statuses.push(res.statusCode);
  }
  expect(statuses).toEqual([401, 401, 401, 429]);
  expect(await rateLimitKeys(addresses.counted)).toHaveLength(1);
  expect(await rateLimitKeys(addresses.forged)).toEqual([]);
}

/** Signs `buyer` in from `peer`: the address the audit trail recorded, and whether the cookie is Secure. */
async function signInSeenAs(app: FastifyInstance, peer: string, headers: Record<string, string>) {
  const res = await loginFrom(app, peer, { username: 'buyer', password: DEMO_PASSWORD }, headers);
  expect(res.statusCode).toBe(200);
  return {
    address: await lastLoginAddress(res.json().user.id),
    secure: res.cookies.find((c) => c.name === 'sid')?.secure ?? false,
  };
}

async function rateLimitKeys(fragment: string) {
  const rows = await t.database.db
    .select({ key: rateLimitHits.key })
    .from(rateLimitHits)
    .where(like(rateLimitHits.key, `%${fragment}%`));
  return rows.map((r) => r.key);
}

/** The address the audit trail recorded for the user's latest sign-in. */
async function lastLoginAddress(userId: string) {
  const [entry] = await t.database.db
    .select({ ip: auditLog.ip })
    .from(auditLog)
    .where(and(eq(auditLog.action, 'auth.login'), eq(auditLog.targetId, userId)))
    .orderBy(desc(auditLog.id))
    .limit(1);
  return entry?.ip;
}

describe('TRUST_PROXY configuration', () => {
  const parse = (value: string) =>
    loadConfig({ DATA_DIR: t.config.DATA_DIR, TRUST_PROXY: value }).TRUST_PROXY;

  it('takes nothing, a hop count or proxy addresses and CIDR ranges', () => {
    expect(loadConfig({ DATA_DIR: t.config.DATA_DIR }).TRUST_PROXY).toBe(false);
    expect(parse('')).toBe(false);
    expect(parse('false')).toBe(false);
    expect(parse('0')).toBe(false);
    expect(parse('1')).toBe(1);
    expect(parse('2')).toBe(2);
    expect(parse('127.0.0.1, 10.0.0.0/8,::1,fd00::/8,loopback')).toEqual([
      '127.0.0.1',
      '10.0.0.0/8',
      '::1',
      'fd00::/8',
      'loopback',
    ]);
  });

  it('refuses "true", saying what to write instead, and anything that is not an address', () => {
    const problems = (value: string) => {
      try {
        parse(value);
      } catch (error) {
        if (error instanceof ConfigError) return error.problems;
        throw error;
      }
      return [];
    };
    const [trueProblem] = problems('true');
    expect(trueProblem).toMatch(/^TRUST_PROXY: /);
    expect(trueProblem).toContain('TRUST_PROXY=1');
    expect(trueProblem).toContain('TRUST_PROXY=127.0.0.1,10.0.0.0/8');
    for (const bad of ['yes', '10.0.0.0/33', '10.0.0.1/8/2', 'example.com', '11', '10.0.0.1,,']) {
      expect({ bad, problems: problems(bad).length }).toEqual({ bad, problems: 1 });
    }
  });
});

describe('client address without trusted proxies (the default)', () => {
  it('keeps the peer address for rate limits and the audit trail whatever X-Forwarded-For says', async () => {
    await appTrusting(false, async (app) => {
      await expectForgedLoginsCountedAs(app, '203.0.113.50', (i) => `198.51.100.${100 + i}`, {
        counted: '203.0.113.50',
        forged: '198.51.100.10',
      });
      // X-Forwarded-Proto is not believed either: no Secure cookie over plain HTTP.
      expect(
        await signInSeenAs(app, '203.0.113.51', {
          'x-forwarded-for': '198.51.100.7',
          'x-forwarded-proto': 'https',
        }),
      ).toEqual({ address: '203.0.113.51', secure: false });
    });
  });
});

describe('client address behind one proxy on this machine (TRUST_PROXY=1)', () => {
  it('takes the address the proxy appended, not what the client put before it', async () => {
    await appTrusting(1, async (app) => {
      // The client forges a different first entry each time; the proxy appends the real address.
      await expectForgedLoginsCountedAs(app, '127.0.0.1', (i) => `10.9.9.${i}, 198.51.100.60`, {
        counted: '198.51.100.60',
        forged: '10.9.9.',
      });
      expect(
        await signInSeenAs(app, '127.0.0.1', {
          'x-forwarded-for': '6.6.6.6, 198.51.100.61',
          'x-forwarded-proto': 'https',
        }),
      ).toEqual({ address: '198.51.100.61', secure: true });
    });
  });

  it('believes the hop only from this machine, not from a client reaching the app directly', async () => {
    await appTrusting(1, async (app) => {
      await expectForgedLoginsCountedAs(app, '203.0.113.90', (i) => `198.51.100.${190 + i}`, {
        counted: '203.0.113.90',
        forged: '198.51.100.19',
      });
    });
  });
});

describe('client address behind listed proxies (TRUST_PROXY=10.0.0.0/8)', () => {
  it('believes X-Forwarded-For only from a listed proxy', async () => {
    await appTrusting(['10.0.0.0/8'], async (app) => {
      await expectForgedLoginsCountedAs(app, '203.0.113.70', (i) => `198.51.100.${170 + i}`, {
        counted: '203.0.113.70',
        forged: '198.51.100.17',
      });
      // Through the proxy: the first untrusted address from the right is the client.
      expect(
        await signInSeenAs(app, '10.1.2.3', { 'x-forwarded-for': '6.6.6.6, 198.51.100.80, 10.4.5.6' }),
      ).toMatchObject({ address: '198.51.100.80' });
      expect(await signInSeenAs(app, '203.0.113.71', { 'x-forwarded-for': '198.51.100.81' })).toMatchObject({
        address: '203.0.113.71',
      });
    });
  });
});

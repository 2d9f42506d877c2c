import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { buildTestApp, type TestApp } from './testing/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ seed: false });
});
afterAll(() => t.close());

describe('system endpoints', () => {
  it('reports health with the database kind', async () => {
    const res = await t.app.inject('/api/health');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      status: 'ok',
      database: process.env.TEST_DB === 'postgres' ? 'postgres' : 'pglite',
    });
  });

  it('publishes OpenAPI 3 generated from the schemas, and Swagger UI', async () => {
    const spec = (await t.app.inject('/api/openapi.json')).json();
    expect(spec.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining(['/api/auth/login', '/api/orgs', '/api/audit', '/api/health']),
    );
    expect(
      spec.paths['/api/orgs'].post.requestBody.content['application/json'].schema.properties.creditCode,
    ).toBeDefined();
    expect((await t.app.inject('/api/docs')).statusCode).toBeLessThan(400);
  });

  it('answers one error shape for unknown routes and malformed JSON', async () => {
    const notFound = await t.app.inject('/api/nothing-here');
    expect(notFound.statusCode).toBe(404);
    expect(notFound.json()).toMatchObject({ error: 'not_found' });
    const c = await t.client();
    const malformed = await c.request('POST', '/api/auth/login', '{"username":', {
      'content-type': 'application/json',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toEqual({ error: 'bad_request', message: expect.any(String) });
  });

  it('hides internals of unexpected errors behind a request id', async () => {
    const app = await buildApp(t.config, t.database);
    app.get('/api/__boom', async () => {
      throw new Error('secret stack detail');
    });
    const res = await app.inject('/api/__boom');
    await app.close();
    expect(res.statusCode).toBe(500);
    const body = res.json();
    expect(body).toMatchObject({ error: 'internal_error', requestId: expect.any(String) });
    expect(res.body).not.toContain('secret stack detail');
    expect(body.message).toContain(body.requestId);
  }, 10_000);

  it('sends security headers', async () => {
    const res = await t.app.inject('/api/health');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });
});

describe('configuration', () => {
  it('lists every problem of a bad environment', () => {
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud', SESSION_SECRET: 'short' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems.join('\n');
      for (const key of ['PORT', 'DATABASE_URL', 'LOG_LEVEL', 'SESSION_SECRET'])
        expect(problems).toContain(key);
    }
  });
  it('generates a session secret once and keeps it in DATA_DIR', () => {
    const dir = `${t.config.DATA_DIR}/secret-test`;
    const first = loadConfig({ DATA_DIR: dir }).SESSION_SECRET;
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(loadConfig({ DATA_DIR: dir }).SESSION_SECRET).toBe(first);
  });
});

import type { FastifyInstance, InjectOptions } from 'fastify';
import { TestClient } from './test-app.js';

/**
 * A client (own cookie jar, CSRF handled) whose requests come from `remoteAddress`, the peer of
 * the TCP connection, with `headers` (e.g. X-Forwarded-For) on each: for tests of client
 * addresses, per-address limits and trusted proxies. `client.get('/api/auth/session')` first
 * for its CSRF cookie.
 */
export function clientFrom(
  app: FastifyInstance,
  remoteAddress: string,
  headers: Record<string, string> = {},
): TestClient {
  const inject = (options: InjectOptions) =>
    app.inject({ ...options, remoteAddress, headers: { ...options.headers, ...headers } });
  return new TestClient({ inject } as unknown as FastifyInstance);
}

/** Signs in from an address; the answer of the login request. */
export async function loginFrom(
  app: FastifyInstance,
  remoteAddress: string,
  credentials: { username: string; password: string },
  headers: Record<string, string> = {},
) {
  const client = clientFrom(app, remoteAddress, headers);
  await client.get('/api/auth/session');
  return client.post('/api/auth/login', credentials);
}

import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor, CurrentUser } from './current-user.js';
import { AppError, unauthenticated } from './errors.js';

export const SESSION_COOKIE = 'sid';
export const CSRF_COOKIE = 'csrf_token';
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

declare module 'fastify' {
  interface FastifyRequest {
    user: CurrentUser | null;
  }
  interface FastifyContextConfig {
    /**
     * The route answers a user who must still change their password (`mustChangePassword`):
     * reading the session, signing in and out, changing the password. Every other API route
     * answers them 403 `password_change_required`.
     */
    beforePasswordChange?: boolean;
  }
}

export const PASSWORD_CHANGE_REQUIRED = 'password_change_required';

function sameToken(a: string, b: string) {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const cookieBase = (request: FastifyRequest) => ({
  path: '/',
  sameSite: 'lax' as const,
  secure: request.protocol === 'https',
});

export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, token: string) {
  reply.setCookie(SESSION_COOKIE, token, { ...cookieBase(request), httpOnly: true, signed: true });
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply) {
  reply.clearCookie(SESSION_COOKIE, { ...cookieBase(request), httpOnly: true });
}

/**
 * Resolves the session cookie into `request.user`, and enforces double-submit CSRF protection:
 * every state-changing request must echo the `csrf_token` cookie in the `x-csrf-token` header,
 * which a page of another origin cannot read. The accounts module resolves the session token
 * (app.ts hands its `resolveSession` down). A user who must change their password gets only the
 * routes marked `beforePasswordChange`.
 */
export function registerAuth(
  app: FastifyInstance,
  resolveSession: (token: string) => Promise<CurrentUser | null>,
) {
  app.decorateRequest('user', null);
  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/api/')) return;
    const csrfCookie = request.cookies[CSRF_COOKIE];
    if (!csrfCookie) {
      reply.setCookie(CSRF_COOKIE, randomBytes(24).toString('base64url'), {
        ...cookieBase(request),
        httpOnly: false,
      });
    }
    if (!SAFE_METHODS.has(request.method)) {
      const header = request.headers[CSRF_HEADER];
      if (!csrfCookie || typeof header !== 'string' || !sameToken(header, csrfCookie)) {
        throw new AppError(403, 'csrf_failed', '页面已过期或请求来源不可信，请刷新页面后重试');
      }
    }
    if (!request.cookies[SESSION_COOKIE]) return;
    const token = sessionToken(request);
    request.user = token ? await resolveSession(token) : null;
    if (!request.user) clearSessionCookie(request, reply);
    else if (request.user.mustChangePassword && !request.routeOptions.config.beforePasswordChange) {
      throw new AppError(403, PASSWORD_CHANGE_REQUIRED, '请先修改密码，然后再继续使用平台');
    }
  });
}

/** The request's session token from its signed cookie, or null. */
export function sessionToken(request: FastifyRequest): string | null {
  const raw = request.cookies[SESSION_COOKIE];
  if (!raw) return null;
  const unsigned = request.unsignCookie(raw);
  return unsigned.valid && unsigned.value ? unsigned.value : null;
}

export const actorOf = (request: FastifyRequest): Actor => ({ user: request.user, ip: request.ip ?? null });

/** For routes that need a signed-in user whatever the role. */
export function signedInActor(request: FastifyRequest): Actor & { user: CurrentUser } {
  if (!request.user) throw unauthenticated();
  return { user: request.user, ip: request.ip ?? null };
}

/**
 * The browser's API client: JSON over fetch, same-origin cookies, double-submit CSRF header,
 * one error type carrying the server's stable id, Chinese message and field errors.
 */
import type { ErrorBody } from '../domain/api';
import { PASSWORD_CHANGE_REQUIRED, passwordChangeRedirect } from './password-change';

export type Query = Record<string, string | number | boolean | null | undefined>;

export interface FieldError {
  path: string;
  message: string;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
  /** What the current user may do with the collection: 'create', 'import', 'export'. */
  actions: string[];
}

const FALLBACK_MESSAGES: Record<number, string> = {
  400: '请求格式不正确',
  401: '登录已过期，请重新登录',
  403: '没有权限执行此操作',
  404: '未找到相关内容',
  409: '数据冲突，请刷新后重试',
  413: '文件太大',
  422: '提交的内容有误，请检查',
  429: '操作太频繁，请稍后再试',
  500: '服务器出错了，请稍后再试',
  502: '服务器暂时无法访问，请稍后再试',
  503: '服务暂不可用，请稍后再试',
};

export class ApiError extends Error {
  readonly status: number;
  /** Stable error id from the server, e.g. `validation_error`, `login_locked`. */
  readonly code: string;
  readonly details: unknown;
  readonly requestId?: string;

  constructor(status: number, body: Partial<ErrorBody>) {
    super(body.message || FALLBACK_MESSAGES[status] || `请求失败（${status}）`);
    this.name = 'ApiError';
    this.status = status;
    this.code = body.error || `http_${status}`;
    this.details = body.details;
    this.requestId = body.requestId;
  }

  /** Field errors of a validation failure (422/400), empty otherwise. */
  get fieldErrors(): FieldError[] {
    const fields = (this.details as { fields?: unknown } | null | undefined)?.fields;
    if (!Array.isArray(fields)) return [];
    return fields
      .filter(
        (f): f is FieldError => !!f && typeof f === 'object' && typeof (f as FieldError).message === 'string',
      )
      .map((f) => ({ path: String(f.path ?? ''), message: f.message }));
  }
}

/** Message to show for any thrown value. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof TypeError) return '无法连接服务器，请检查网络后重试';
  if (error instanceof Error) return error.message;
  return '操作失败，请稍后再试';
}

let unauthenticatedHandler: ((path: string) => void) | null = null;
/** Called when any API call (other than the auth endpoints themselves) answers 401. */
export function onUnauthenticated(handler: ((path: string) => void) | null): void {
  unauthenticatedHandler = handler;
}

function readCookie(name: string): string | null {
  for (const part of document.cookie.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return null;
}

async function csrfToken(refresh = false): Promise<string> {
  let token = refresh ? null : readCookie('csrf_token');
  if (!token) {
    // The session endpoint always (re)issues the cookie.
    await fetch('/api/auth/session', { credentials: 'same-origin', headers: { accept: 'application/json' } });
    token = readCookie('csrf_token');
  }
  return token ?? '';
}

export function buildUrl(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}${path.includes('?') ? '&' : '?'}${qs}` : path;
}

interface RequestOptions {
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

async function send(method: string, path: string, opts: RequestOptions, retry: boolean): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  let body: BodyInit | undefined;
  if (opts.body instanceof FormData) {
    body = opts.body;
  } else if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  if (UNSAFE.has(method)) headers['x-csrf-token'] = await csrfToken(retry);
  const res = await fetch(buildUrl(path, opts.query), {
    method,
    headers,
    body,
    credentials: 'same-origin',
    signal: opts.signal,
  });
  return res;
}

async function toError(res: Response): Promise<ApiError> {
  let body: Partial<ErrorBody> = {};
  try {
    const text = await res.text();
    if (text) body = JSON.parse(text);
  } catch {
    // not JSON (e.g. a proxy error page): fall back to the status message
  }
  return new ApiError(res.status, body);
}

/** Sends a request and returns the raw response, throwing ApiError for any non-2xx status. */
export async function requestRaw(method: string, path: string, opts: RequestOptions = {}): Promise<Response> {
  let res = await send(method, path, opts, false);
  if (!res.ok && res.status === 403 && UNSAFE.has(method)) {
    // A stale or missing CSRF cookie: fetch a fresh one and try exactly once more.
    const error = await toError(res.clone());
    if (/csrf/i.test(error.code)) res = await send(method, path, opts, true);
  }
  if (!res.ok) {
    const error = await toError(res);
    if (res.status === 401 && !path.startsWith('/api/auth/')) unauthenticatedHandler?.(path);
    if (res.status === 403 && error.code === PASSWORD_CHANGE_REQUIRED) {
      // A full load: the session is read afresh, and nothing cached from before comes along.
      const target = passwordChangeRedirect(window.location.pathname);
      if (target) window.location.assign(target);
    }
    throw error;
  }
  return res;
}

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const res = await requestRaw(method, path, opts);
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export const api = {
  get: <T>(path: string, query?: Query, signal?: AbortSignal) => request<T>('GET', path, { query, signal }),
  post: <T = void>(path: string, body?: unknown) => request<T>('POST', path, { body: body ?? {} }),
  patch: <T = void>(path: string, body: unknown) => request<T>('PATCH', path, { body }),
  put: <T = void>(path: string, body: unknown) => request<T>('PUT', path, { body }),
  delete: <T = void>(path: string) => request<T>('DELETE', path),
  /** Uploads one file as multipart field `file`. */
  upload: <T>(path: string, file: File | Blob, fileName?: string) => {
    const form = new FormData();
    form.append('file', file, fileName ?? (file instanceof File ? file.name : 'upload.xlsx'));
    return request<T>('POST', path, { body: form });
  },
};

function fileNameFrom(res: Response, fallback: string): string {
  const disposition = res.headers.get('content-disposition') ?? '';
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  if (star) return decodeURIComponent(star[1]);
  const plain = /filename="?([^";]+)"?/i.exec(disposition);
  return plain ? plain[1] : fallback;
}

/** Downloads a file from the API (keeping error messages readable) and saves it in the browser. */
export async function download(path: string, query: Query | undefined, fallbackName: string): Promise<void> {
  const res = await requestRaw('GET', path, { query });
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileNameFrom(res, fallbackName);
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

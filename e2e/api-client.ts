/**
 * A tiny cookie-keeping API client for browser-test setup that a person would do elsewhere
 * (accounts, expert records): sign-in, double-submit CSRF header, JSON in and out, and one file
 * upload as multipart field `file`.
 */
export class ApiClient {
  private cookies = new Map<string, string>();

  constructor(readonly baseUrl: string) {}

  async request<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    return this.send<T>(
      method,
      path,
      body === undefined ? undefined : JSON.stringify(body),
      body === undefined ? undefined : 'application/json',
    );
  }

  /** Posts one file as multipart field `file`. */
  upload<T = unknown>(path: string, name: string, content: Buffer, type = 'application/pdf') {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(content)], { type }), name);
    return this.send<T>('POST', path, form);
  }

  private async send<T>(method: string, path: string, body?: string | FormData, contentType?: string) {
    if (method !== 'GET' && !this.cookies.has('csrf_token')) await this.request('GET', '/api/auth/session');
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (method !== 'GET') headers['x-csrf-token'] = decodeURIComponent(this.cookies.get('csrf_token') ?? '');
    if (contentType) headers['content-type'] = contentType;
    const res = await fetch(this.baseUrl + path, { method, headers, body });
    for (const cookie of res.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const i = pair.indexOf('=');
      const name = pair.slice(0, i);
      const value = pair.slice(i + 1);
      if (value) this.cookies.set(name, value);
      else this.cookies.delete(name);
    }
    const text = await res.text();
    const data = text ? JSON.parse(text) : undefined;
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text.slice(0, 500)}`);
    return data as T;
  }

  get<T = unknown>(path: string) {
    return this.request<T>('GET', path);
  }
  post<T = unknown>(path: string, body: unknown = {}) {
    return this.request<T>('POST', path, body);
  }
  patch<T = unknown>(path: string, body: unknown) {
    return this.request<T>('PATCH', path, body);
  }

  async login(username: string, password: string) {
    await this.post('/api/auth/login', { username, password });
    return this;
  }
}

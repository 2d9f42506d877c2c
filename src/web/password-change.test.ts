import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, api } from './api';
import { PASSWORD_PATH, passwordChangeRedirect } from './password-change';

function answer(status: number, body: unknown) {
  vi.stubGlobal(
    'fetch',
    vi.fn(async () => new Response(JSON.stringify(body), { status })),
  );
}

function browserAt(pathname: string) {
  const assign = vi.fn();
  vi.stubGlobal('window', { location: { pathname, assign } });
  return assign;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('password change required', () => {
  it('sends the browser to the change-password page from anywhere else', () => {
    expect(passwordChangeRedirect('/app/calls')).toBe(PASSWORD_PATH);
    expect(passwordChangeRedirect('/calls/123')).toBe(PASSWORD_PATH);
    expect(passwordChangeRedirect(PASSWORD_PATH)).toBeNull();
  });

  it('follows a 403 password_change_required from any API call, and still throws it', async () => {
    const assign = browserAt('/app/applications');
    answer(403, { error: 'password_change_required', message: '请先修改密码，然后再继续使用平台' });
    const error = await api.get('/api/applications').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('password_change_required');
    expect(assign).toHaveBeenCalledWith(PASSWORD_PATH);
  });

  it('stays on the change-password page, and ignores other 403 answers', async () => {
    const onPage = browserAt(PASSWORD_PATH);
    answer(403, { error: 'password_change_required', message: '请先修改密码' });
    await expect(api.get('/api/notifications')).rejects.toThrow('请先修改密码');
    expect(onPage).not.toHaveBeenCalled();

    const elsewhere = browserAt('/app/calls');
    answer(403, { error: 'forbidden', message: '您没有权限执行此操作' });
    await expect(api.get('/api/users')).rejects.toThrow('您没有权限执行此操作');
    expect(elsewhere).not.toHaveBeenCalled();
  });
});

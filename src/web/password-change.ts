/**
 * A user who must change their password (first sign-in, or after an administrator's reset) may
 * use only the change-password page: the server answers every other API call 403
 * `password_change_required`, and the API client then sends the browser to that page.
 */
export const PASSWORD_PATH = '/app/account/password';
export const PASSWORD_CHANGE_REQUIRED = 'password_change_required';

/** Where to go on a `password_change_required` answer seen on `pathname`; null when already there. */
export function passwordChangeRedirect(pathname: string): string | null {
  return pathname === PASSWORD_PATH ? null : PASSWORD_PATH;
}

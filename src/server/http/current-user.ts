import type { OrgKind, Role } from '../../domain/enums.js';

export interface CurrentUser {
  id: string;
  username: string;
  displayName: string;
  roles: Role[];
  org: { id: string; name: string; kind: OrgKind } | null;
  mustChangePassword: boolean;
}

/** Who is acting, for authorization and the audit trail. */
export interface Actor {
  user: CurrentUser | null;
  ip: string | null;
}

export const hasRole = (user: CurrentUser | null, ...roles: Role[]) =>
  !!user && user.roles.some((r) => roles.includes(r));

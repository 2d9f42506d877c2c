/** The signed-in user, kept in the query cache under ['session']. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Me } from '../domain/api';
import type { Role } from '../domain/enums';
import { api } from './api';

export const SESSION_KEY = ['session'] as const;

export interface SessionData {
  user: Me | null;
}

export function useSession() {
  return useQuery({
    queryKey: SESSION_KEY,
    queryFn: ({ signal }) => api.get<SessionData>('/api/auth/session', undefined, signal),
    staleTime: 5 * 60_000,
    retry: 1,
  });
}

let expired = false;
/** Remembers that the server ended the session, so the login page can say so. */
export function markSessionExpired(): void {
  expired = true;
}
export function sessionExpired(): boolean {
  return expired;
}

export function hasRole(user: Me | null | undefined, ...roles: Role[]): boolean {
  return !!user && user.roles.some((r) => roles.includes(r));
}

export function useLogin() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: { username: string; password: string }) =>
      api.post<{ user: Me }>('/api/auth/login', body),
    onSuccess: ({ user }) => {
      expired = false;
      // Nothing cached for a previous user may leak into this session.
      client.removeQueries({ predicate: (q) => q.queryKey[0] !== SESSION_KEY[0] });
      client.setQueryData<SessionData>(SESSION_KEY, { user });
    },
  });
}

export function useLogout() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => api.post('/api/auth/logout'),
    onSettled: () => {
      client.clear();
      client.setQueryData<SessionData>(SESSION_KEY, { user: null });
    },
  });
}

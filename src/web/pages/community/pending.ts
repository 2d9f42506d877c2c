/** The community committee's queue of activities to confirm, shared by its page and its dashboard card. */
import { useQuery } from '@tanstack/react-query';
import type { PendingActivity } from '../../../domain/implementation';
import { api } from '../../api';

export const PENDING_KEY = ['activities', 'pending'];

export function usePendingActivities() {
  return useQuery({
    queryKey: PENDING_KEY,
    queryFn: ({ signal }) =>
      api.get<{ items: PendingActivity[] }>('/api/activities/pending', undefined, signal),
  });
}

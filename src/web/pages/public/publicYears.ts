/** The year filters of the public lists: every year that has data, as the server says. */
import { useQuery } from '@tanstack/react-query';
import type { PublicStats, PublicYears } from '../../../domain/stats';
import { api } from '../../api';

export const yearOptions = (years: readonly number[]) =>
  years.map((y) => ({ value: String(y), label: `${y}年` }));

export function usePublicYears(list: keyof PublicYears) {
  const years = useQuery({
    queryKey: ['public-years'],
    queryFn: ({ signal }) => api.get<PublicYears>('/api/public/years', undefined, signal),
  });
  return { options: yearOptions(years.data?.[list] ?? []), loading: years.isLoading };
}

/** Buyers with signed projects (from the public statistics), for the buyer filters. */
export function useBuyerOptions() {
  const stats = useQuery({
    queryKey: ['public-stats'],
    queryFn: ({ signal }) => api.get<PublicStats>('/api/public/stats', undefined, signal),
  });
  const options = (stats.data?.byBuyer ?? [])
    .map((b) => ({ value: b.key, label: b.label }))
    .sort((a, b) => a.label.localeCompare(b.label, 'zh'));
  return { options, loading: stats.isLoading };
}

/** The standing warning of the admin pages: a year needed whose holiday arrangement is not loaded. */
import { useQuery } from '@tanstack/react-query';
import { Alert } from 'antd';
import { Link, useLocation } from 'react-router';
import type { CalendarStatus } from '../../../domain/working-days';
import { api } from '../../api';

export const CALENDAR_KEY = 'calendar';

export function useCalendarStatus() {
  return useQuery({
    queryKey: [CALENDAR_KEY, 'status'],
    queryFn: ({ signal }) => api.get<CalendarStatus>('/api/calendar/status', undefined, signal),
    staleTime: 60_000,
  });
}

export function CalendarBanner() {
  const status = useCalendarStatus();
  const link = useLocation().pathname !== '/app/calendar';
  const warning = status.data?.warning;
  if (!warning) return null;
  return (
    <Alert
      type="warning"
      showIcon
      banner
      data-testid="calendar-warning"
      title={warning}
      action={link ? <Link to="/app/calendar">载入节假日安排</Link> : undefined}
      style={{ marginBottom: 16 }}
    />
  );
}

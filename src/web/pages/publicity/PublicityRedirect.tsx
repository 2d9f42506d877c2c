/** /app/publicities/:id (notification links): the call's publicity tab for its buyer and overseers, else the public page. */
import { useQuery } from '@tanstack/react-query';
import { Navigate, useParams } from 'react-router';
import { api } from '../../api';
import { PageSpinner } from '../../components/AppLayout';
import { hasRole, useSession } from '../../session';
import type { PublicPublicity } from './types';

export function PublicityRedirect() {
  const { id = '' } = useParams();
  const user = useSession().data?.user;
  const pub = useQuery({
    queryKey: ['publicities', 'public', 'detail', id],
    queryFn: ({ signal }) => api.get<PublicPublicity>(`/api/public/publicities/${id}`, undefined, signal),
  });
  if (pub.isPending) return <PageSpinner />;
  if (pub.isError || !hasRole(user, 'buyer', 'admin', 'supervisor'))
    return <Navigate to={`/publicity/${id}`} replace />;
  return <Navigate to={`/app/calls/${pub.data.callId}/publicity`} replace />;
}

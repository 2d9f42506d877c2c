/** A call's public page: all its facts, rubric, attachments, change history and the project timeline. */
import { ArrowLeftOutlined, FormOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Skeleton, Space, Typography } from 'antd';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError, api } from '../../api';
import { LoadFailed, NotFound } from '../../components/ErrorPages';
import { hasRole, useSession } from '../../session';
import { CallDetailSections } from '../calls/CallDetailView';
import type { CallDetail } from '../calls/types';

export function PublicCallDetailPage() {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const user = useSession().data?.user;
  const call = useQuery({
    queryKey: ['public-calls', 'detail', id],
    queryFn: ({ signal }) => api.get<CallDetail>(`/api/public/calls/${id}`, undefined, signal),
  });
  if (call.isPending)
    return (
      <div className="public-page">
        <Skeleton active />
      </div>
    );
  if (call.isError) {
    if (call.error instanceof ApiError && (call.error.status === 404 || call.error.status === 400))
      return <NotFound />;
    return <LoadFailed message={call.error.message} onRetry={() => call.refetch()} />;
  }
  const c = call.data;
  const open = c.status === 'published' && Date.parse(c.applicationClosesAt) > Date.now();
  return (
    <div className="public-page">
      <Link to="/calls" className="back-link">
        <ArrowLeftOutlined /> 返回项目征集
      </Link>
      <Typography.Title level={2} className="detail-title">
        {c.title}
      </Typography.Title>
      {open ? (
        <Alert
          type="success"
          showIcon
          style={{ marginBottom: 16 }}
          title="本项目正在征集中"
          description={
            <Space wrap>
              <span>社会组织可登录平台，与服务社区、项目社工和社区参与力量联合申报。</span>
              {hasRole(user, 'provider') ? (
                <Button
                  type="primary"
                  icon={<FormOutlined />}
                  onClick={() => navigate(`/app/open-calls/${c.id}`)}
                >
                  我要申报
                </Button>
              ) : !user ? (
                <Button
                  onClick={() => navigate(`/login?next=${encodeURIComponent(`/app/open-calls/${c.id}`)}`)}
                >
                  登录后申报
                </Button>
              ) : null}
            </Space>
          }
        />
      ) : null}
      <CallDetailSections call={c} />
    </div>
  );
}

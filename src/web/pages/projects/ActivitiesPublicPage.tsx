/**
 * A project's public implementation page: indicator progress with its roll-up, money paid
 * against the contract, and the activities the community confirmed with their photos'
 * thumbnails (never a sign-in sheet, never a resident's name).
 */
import { ArrowLeftOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Card, Descriptions, Empty, Skeleton, Typography } from 'antd';
import { Link, useParams } from 'react-router';
import type { PublicActivity, PublicImplementation } from '../../../domain/implementation';
import { type ProjectState, projectStateLabels } from '../../../domain/projects';
import { ApiError, api } from '../../api';
import { LoadFailed, NotFound } from '../../components/ErrorPages';
import { SimpleList } from '../../components/SimpleList';
import { formatDate, formatMoney, formatPercent } from '../../format';
import { ActivityPhotos, ParticipantsText } from './ActivitiesParts';
import { ProgressBars } from './ActivitiesProgress';

function ActivityCard({ a }: { a: PublicActivity }) {
  return (
    <div>
      <div>
        <strong>{formatDate(a.heldOn)}</strong> · {a.communityName} · {a.typeLabel}
      </div>
      <div className="muted">{a.place}</div>
      <ParticipantsText activity={a} />
      <div className="pre-wrap" style={{ margin: '4px 0' }}>
        {a.description}
      </div>
      <ActivityPhotos photos={a.photos} />
    </div>
  );
}

export function ActivitiesPublicPage() {
  const { id = '' } = useParams();
  const page = useQuery({
    queryKey: ['public-projects', 'implementation', id],
    queryFn: ({ signal }) =>
      api.get<PublicImplementation>(`/api/public/projects/${id}/implementation`, undefined, signal),
  });
  if (page.isPending)
    return (
      <div className="public-page">
        <Skeleton active />
      </div>
    );
  if (page.isError) {
    if (page.error instanceof ApiError && (page.error.status === 404 || page.error.status === 400))
      return <NotFound />;
    return <LoadFailed message={page.error.message} onRetry={() => page.refetch()} />;
  }
  const p = page.data;
  return (
    <div className="public-page" data-testid="public-implementation">
      <Link to={`/calls/${p.callId}`} className="back-link">
        <ArrowLeftOutlined /> 项目征集与公开时间线
      </Link>
      <Typography.Title level={2} className="detail-title">
        {p.projectTitle}
      </Typography.Title>
      <Descriptions
        size="small"
        column={{ xs: 1, sm: 3 }}
        items={[
          { key: 's', label: '状态', children: projectStateLabels[p.status as ProjectState] ?? p.status },
          { key: 'c', label: '合同金额', children: formatMoney(p.contractFen) },
          {
            key: 'p',
            label: '已拨付',
            children: `${formatMoney(p.paidFen)}（${formatPercent(p.contractFen ? p.paidFen / p.contractFen : 0)}）`,
          },
        ]}
      />
      <Card title="指标进度" style={{ marginTop: 16 }}>
        <ProgressBars progress={p} />
      </Card>
      <Card title={`实施动态（社区已确认 ${p.activities.length} 次）`} style={{ marginTop: 16 }}>
        <SimpleList
          items={p.activities}
          rowKey={(a) => a.id}
          itemTestId="public-activity"
          empty={<Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="暂无社区确认的活动" />}
          renderItem={(a) => <ActivityCard a={a} />}
        />
      </Card>
    </div>
  );
}

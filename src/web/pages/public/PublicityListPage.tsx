/** 立项公示 (public): the proposed awards of each call, open for objections during the period. */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Card, Empty, Pagination, Segmented, Skeleton, Space, Typography } from 'antd';
import { Link } from 'react-router';
import { api } from '../../api';
import { LoadFailed } from '../../components/ErrorPages';
import { useListParams } from '../../components/list';
import { PublicityPhaseTag } from '../../components/status';
import { formatNumber } from '../../format';
import type { PublicityListItem } from '../publicity/types';
import type { PublicPage } from './PublicCallsPage';

export function PublicityListPage() {
  const params = useListParams(['status'] as const);
  const list = useQuery({
    queryKey: ['publicities', 'public', params.query],
    queryFn: ({ signal }) =>
      api.get<PublicPage<PublicityListItem>>('/api/public/publicities', params.query, signal),
    placeholderData: keepPreviousData,
  });
  return (
    <div className="public-page">
      <Typography.Title level={2}>立项公示</Typography.Title>
      <Typography.Paragraph type="secondary">
        评审后拟立项的项目在此公示（一般为5个工作日）。公示期内，任何单位和个人均可实名提出异议，购买主体须逐条答复。
      </Typography.Paragraph>
      <Card>
        <Segmented
          value={params.filters.status ?? ''}
          onChange={(v) => params.update({ status: String(v) || undefined })}
          options={[
            { value: '', label: '全部' },
            { value: 'open', label: '公示中' },
            { value: 'closed', label: '已结束' },
          ]}
          style={{ marginBottom: 16 }}
        />
        {list.isError ? (
          <LoadFailed message={list.error.message} onRetry={() => list.refetch()} />
        ) : list.isPending ? (
          <Skeleton active />
        ) : list.data.items.length === 0 ? (
          <Empty description="暂无立项公示" />
        ) : (
          <Space orientation="vertical" size={12} style={{ width: '100%' }}>
            {list.data.items.map((p) => (
              <Card key={p.id} size="small" className="call-card" data-testid="publicity-card">
                <div className="call-card-head">
                  <Link to={`/publicity/${p.id}`} className="call-card-title">
                    {p.callTitle} 拟立项公示
                  </Link>
                  <PublicityPhaseTag phase={p.phase} />
                </div>
                <div className="call-card-meta">
                  <span>{p.buyerName}</span>
                  <span className="mono muted">{p.callCode}</span>
                </div>
                <div className="call-card-facts">
                  <span>
                    公示期 {p.opensOn} 至 {p.closesOn}（{p.workingDays}个工作日）
                  </span>
                  <span>拟立项 {p.awardCount} 个</span>
                  <span>
                    异议 {p.objectionCount} 条
                    {p.openObjectionCount ? `（待答复 ${p.openObjectionCount}）` : ''}
                  </span>
                </div>
              </Card>
            ))}
          </Space>
        )}
        {list.data && list.data.total > 0 ? (
          <Pagination
            className="list-pagination"
            current={params.page}
            pageSize={params.pageSize}
            total={list.data.total}
            showTotal={(t) => `共 ${formatNumber(t)} 条`}
            onChange={(page, pageSize) => params.update({ page, pageSize })}
            size="small"
          />
        ) : null}
      </Card>
    </div>
  );
}

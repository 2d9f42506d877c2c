/** 立项公示 (public): the proposed awards of each call, open for objections during the period. */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Card, Segmented, Typography } from 'antd';
import { Link } from 'react-router';
import { api } from '../../api';
import { type ListFilter, ListToolbar, PagedCards, useListParams } from '../../components/list';
import { PublicityPhaseTag } from '../../components/status';
import { EstimatedMark } from '../calendar/EstimatedMark';
import type { PublicityListItem } from '../publicity/types';
import type { PublicPage } from './PublicCallsPage';
import { useBuyerOptions, usePublicYears } from './publicYears';

export function PublicityListPage() {
  const params = useListParams(['status', 'year', 'buyerId'] as const);
  const years = usePublicYears('publicities');
  const buyers = useBuyerOptions();
  const filters: ListFilter<'year' | 'buyerId'>[] = [
    { key: 'year', label: '年度', options: years.options, loading: years.loading, className: 'filter-110' },
    {
      key: 'buyerId',
      label: '购买主体',
      options: buyers.options,
      loading: buyers.loading,
      search: true,
      className: 'filter-150',
    },
  ];
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
        <ListToolbar params={params} search="搜索项目名称、编号、购买主体" filters={filters} />
        <PagedCards
          list={list}
          params={params}
          empty={params.q ? '没有找到匹配的公示' : '暂无立项公示'}
          unit="条"
          renderItem={(p) => (
            <Card size="small" className="call-card" data-testid="publicity-card">
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
                  <EstimatedMark estimated={p.closesOnEstimated} />
                </span>
                <span>拟立项 {p.awardCount} 个</span>
                <span>
                  异议 {p.objectionCount} 条{p.openObjectionCount ? `（待答复 ${p.openObjectionCount}）` : ''}
                </span>
              </div>
            </Card>
          )}
        />
      </Card>
    </div>
  );
}

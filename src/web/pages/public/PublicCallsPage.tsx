/** 项目征集 (public): every published call, searchable in Chinese, filterable by state, field and street. */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Card, Tag, Typography } from 'antd';
import { Link } from 'react-router';
import { serviceCategoryLabels } from '../../../domain/enums';
import { CALL_STATES } from '../../../domain/lifecycle';
import { api } from '../../api';
import { type ListFilter, ListToolbar, PagedCards, useListParams } from '../../components/list';
import { useRegionTree } from '../../components/RegionTreeSelect';
import { CallStatusTag } from '../../components/status';
import { formatDateTime, formatMoney } from '../../format';
import { CATEGORY_FILTER, statusFilter } from '../calls/filters';
import type { CallSummary } from '../calls/types';
import { usePublicYears } from './publicYears';

export interface PublicPage<T> {
  items: T[];
  /** At most the server's cap (1000); `totalCapped` says there are more. */
  total: number;
  totalCapped?: boolean;
  page: number;
  pageSize: number;
}

/** The streets (街道/乡镇) of the region tree, for filters. */
export function useStreetOptions() {
  const tree = useRegionTree();
  const streets: { value: string; label: string }[] = [];
  const walk = (nodes: NonNullable<typeof tree.data>) => {
    for (const n of nodes) {
      if (n.level === 'street') streets.push({ value: n.id, label: n.name });
      else walk(n.children ?? []);
    }
  };
  walk(tree.data ?? []);
  return { options: streets, loading: tree.isLoading };
}

export function CallCard({ call, to }: { call: CallSummary; to: string }) {
  return (
    <Card size="small" className="call-card" data-testid="call-card">
      <div className="call-card-head">
        <Link to={to} className="call-card-title">
          {call.title}
        </Link>
        <CallStatusTag status={call.status} />
      </div>
      <div className="call-card-meta">
        <span>{call.buyerName}</span>
        <span className="mono muted">{call.code}</span>
        <Tag>{serviceCategoryLabels[call.category] ?? call.category}</Tag>
      </div>
      <div className="call-card-facts">
        <span>
          预算上限 <strong>{formatMoney(call.budgetCapFen)}</strong>
        </span>
        <span>申报截止 {formatDateTime(call.applicationClosesAt)}</span>
        {call.streetNames.length ? <span>服务区域 {call.streetNames.join('、')}</span> : null}
      </div>
    </Card>
  );
}

export function PublicCallsPage() {
  const params = useListParams(['status', 'category', 'streetId', 'year'] as const);
  const streets = useStreetOptions();
  const years = usePublicYears('calls');
  const filters: ListFilter<'status' | 'category' | 'streetId' | 'year'>[] = [
    statusFilter(CALL_STATES.filter((s) => s !== 'draft')),
    CATEGORY_FILTER,
    {
      key: 'streetId',
      label: '街道/乡镇',
      options: streets.options,
      loading: streets.loading,
      search: true,
      className: 'filter-150',
    },
    { key: 'year', label: '年度', options: years.options, loading: years.loading, className: 'filter-110' },
  ];
  const list = useQuery({
    queryKey: ['public-calls', params.query],
    queryFn: ({ signal }) => api.get<PublicPage<CallSummary>>('/api/public/calls', params.query, signal),
    placeholderData: keepPreviousData,
  });

  return (
    <div className="public-page">
      <Typography.Title level={2}>项目征集</Typography.Title>
      <Typography.Paragraph type="secondary">
        政府购买社会工作服务项目的征集公告。符合条件的社会组织可登录平台，与服务社区联合申报。
      </Typography.Paragraph>
      <Card>
        <ListToolbar params={params} search="搜索项目名称、内容、部门" filters={filters} />
        <PagedCards
          list={list}
          params={params}
          empty={params.q ? '没有找到匹配的项目' : '暂无项目征集'}
          unit="个项目"
          capped
          renderItem={(c) => <CallCard call={c} to={`/calls/${c.id}`} />}
        />
      </Card>
    </div>
  );
}

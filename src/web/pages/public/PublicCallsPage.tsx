/** 项目征集 (public): every published call, searchable in Chinese, filterable by state, field and street. */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Card, Empty, Pagination, Select, Skeleton, Space, Tag, Typography } from 'antd';
import { Link } from 'react-router';
import { SERVICE_CATEGORIES, serviceCategoryLabels } from '../../../domain/enums';
import { CALL_STATES, callStateLabels } from '../../../domain/lifecycle';
import { chinaYear } from '../../../domain/time';
import { api } from '../../api';
import { LoadFailed } from '../../components/ErrorPages';
import { ListToolbar, SearchBox, useListParams } from '../../components/list';
import { useRegionTree } from '../../components/RegionTreeSelect';
import { CallStatusTag } from '../../components/status';
import { formatDateTime, formatMoney, formatNumber } from '../../format';
import type { CallSummary } from '../calls/types';

export interface PublicPage<T> {
  items: T[];
  /** At most the server's cap (1000); `totalCapped` says there are more. */
  total: number;
  totalCapped?: boolean;
  page: number;
  pageSize: number;
}

const STATUS_OPTIONS = CALL_STATES.filter((s) => s !== 'draft').map((s) => ({
  value: s,
  label: callStateLabels[s],
}));
const CATEGORY_OPTIONS = SERVICE_CATEGORIES.map((c) => ({ value: c, label: serviceCategoryLabels[c] }));
const thisYear = chinaYear();
const YEAR_OPTIONS = [thisYear + 1, thisYear, thisYear - 1, thisYear - 2].map((y) => ({
  value: String(y),
  label: `${y}年`,
}));

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
        <ListToolbar>
          <SearchBox
            value={params.q}
            onSearch={(q) => params.update({ q })}
            placeholder="搜索项目名称、内容、部门"
          />
          <Select
            allowClear
            placeholder="状态"
            aria-label="状态"
            options={STATUS_OPTIONS}
            value={params.filters.status}
            onChange={(status) => params.update({ status })}
            className="filter-130"
          />
          <Select
            allowClear
            placeholder="服务领域"
            aria-label="服务领域"
            options={CATEGORY_OPTIONS}
            value={params.filters.category}
            onChange={(category) => params.update({ category })}
            className="filter-150"
          />
          <Select
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            placeholder="街道/乡镇"
            aria-label="街道/乡镇"
            options={streets.options}
            loading={streets.loading}
            value={params.filters.streetId}
            onChange={(streetId) => params.update({ streetId })}
            className="filter-150"
          />
          <Select
            allowClear
            placeholder="年度"
            aria-label="年度"
            options={YEAR_OPTIONS}
            value={params.filters.year}
            onChange={(year) => params.update({ year })}
            className="filter-110"
          />
        </ListToolbar>
        {list.isError ? (
          <LoadFailed message={list.error.message} onRetry={() => list.refetch()} />
        ) : list.isPending ? (
          <Skeleton active />
        ) : list.data.items.length === 0 ? (
          <Empty description={params.q ? '没有找到匹配的项目' : '暂无项目征集'} />
        ) : (
          <Space orientation="vertical" size={12} style={{ width: '100%' }}>
            {list.data.items.map((c) => (
              <CallCard key={c.id} call={c} to={`/calls/${c.id}`} />
            ))}
          </Space>
        )}
        {list.data && list.data.total > 0 ? (
          <Pagination
            className="list-pagination"
            current={params.page}
            pageSize={params.pageSize}
            total={list.data.total}
            showTotal={(t) => `共 ${formatNumber(t)}${list.data.totalCapped ? '+' : ''} 个项目`}
            onChange={(page, pageSize) => params.update({ page, pageSize })}
            size="small"
          />
        ) : null}
      </Card>
    </div>
  );
}

/** 政策法规 (public): the policy library, searchable in Chinese, filterable by level, status, field and year. */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Card, Tag, Typography } from 'antd';
import { Link } from 'react-router';
import type { z } from 'zod';
import {
  POLICY_CATEGORIES,
  POLICY_LEVELS,
  POLICY_STATUSES,
  type PolicyStatus,
  type PolicySummary,
  policyLevelLabels,
  type policyList,
  policyStatusLabels,
} from '../../../domain/policies';
import { api } from '../../api';
import { type ListFilter, ListToolbar, PagedCards, useListParams } from '../../components/list';
import { yearOptions } from './publicYears';

type Filter = 'level' | 'status' | 'category' | 'year';
const STATUS_COLORS: Record<PolicyStatus, string> = {
  current: 'green',
  revised: 'orange',
  repealed: 'default',
};

export function PolicyStatusTag({ status }: { status: PolicyStatus }) {
  return <Tag color={STATUS_COLORS[status]}>{policyStatusLabels[status]}</Tag>;
}

export function PolicyCard({ policy, to }: { policy: PolicySummary; to: string }) {
  return (
    <Card size="small" className="call-card" data-testid="policy-card">
      <div className="call-card-head">
        <Link to={to} className="call-card-title">
          {policy.title}
        </Link>
        <PolicyStatusTag status={policy.status} />
      </div>
      <div className="call-card-meta">
        <Tag>{policyLevelLabels[policy.level]}</Tag>
        <span>{policy.issuer}</span>
        {policy.docNumber ? <span className="mono">{policy.docNumber}</span> : null}
        <span>{policy.category}</span>
      </div>
      <div className="call-card-facts">
        <span>发布日期 {policy.issuedOn}</span>
        {policy.effectiveOn ? <span>施行日期 {policy.effectiveOn}</span> : null}
      </div>
      {policy.summary ? (
        <Typography.Paragraph ellipsis={{ rows: 2 }}>{policy.summary}</Typography.Paragraph>
      ) : null}
    </Card>
  );
}

export function usePolicyList(filterKeys: readonly Filter[] = ['level', 'status', 'category', 'year']) {
  const params = useListParams(filterKeys);
  const list = useQuery({
    queryKey: ['policies', params.query],
    queryFn: ({ signal }) =>
      api.get<z.infer<typeof policyList>>('/api/public/policies', params.query, signal),
    placeholderData: keepPreviousData,
  });
  const filters: ListFilter<Filter>[] = [
    {
      key: 'level',
      label: '层级',
      options: POLICY_LEVELS.map((l) => ({ value: l, label: policyLevelLabels[l] })),
      className: 'filter-110',
    },
    {
      key: 'status',
      label: '效力',
      options: POLICY_STATUSES.map((s) => ({ value: s, label: policyStatusLabels[s] })),
      className: 'filter-110',
    },
    {
      key: 'category',
      label: '分类',
      options: POLICY_CATEGORIES.map((c) => ({ value: c, label: c })),
      className: 'filter-150',
    },
    { key: 'year', label: '发布年度', options: yearOptions(list.data?.years ?? []), className: 'filter-110' },
  ];
  return { params, list, filters };
}

export function PoliciesPage() {
  const { params, list, filters } = usePolicyList();
  return (
    <div className="public-page">
      <Typography.Title level={2}>政策法规</Typography.Title>
      <Typography.Paragraph type="secondary">
        政府购买社会工作服务、社会组织管理和社会工作相关的法律法规、部门规章和规范性文件。
      </Typography.Paragraph>
      <Card>
        <ListToolbar params={params} search="搜索标题、文号、发布机关、正文" filters={filters} />
        <PagedCards
          list={list}
          params={params}
          empty={params.q ? '没有找到匹配的文件' : '暂无政策文件'}
          unit="份文件"
          renderItem={(p) => <PolicyCard policy={p} to={`/policies/${p.id}`} />}
        />
      </Card>
    </div>
  );
}

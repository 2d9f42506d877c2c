/** 合同管理 / 我的合同: contracts the user's organization is party to (all, for admins and supervisors). */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Card } from 'antd';
import { Link } from 'react-router';
import { CONTRACT_STATUSES, contractStatusLabels } from '../../../domain/contracts';
import { api, type Page } from '../../api';
import { type ListFilter, ListToolbar, PagedTable, useListParams } from '../../components/list';
import { PageHeader } from '../../components/PageHeader';
import { ContractStatusTag } from '../../components/status';
import { formatDate, formatDateTime, formatMoney } from '../../format';
import { navFor } from '../../navigation';
import { useSession } from '../../session';
import type { ContractListItem } from './types';

const FILTERS: ListFilter<'status'>[] = [
  {
    key: 'status',
    label: '状态',
    options: CONTRACT_STATUSES.map((s) => ({ value: s, label: contractStatusLabels[s] })),
    className: 'filter-130',
  },
];

export function ContractsPage() {
  const user = useSession().data?.user;
  const params = useListParams(['status'] as const);
  const list = useQuery({
    queryKey: ['contracts', 'list', params.query],
    queryFn: ({ signal }) =>
      api.get<Omit<Page<ContractListItem>, 'actions'>>('/api/contracts', params.query, signal),
    placeholderData: keepPreviousData,
  });
  const title = navFor(user?.roles ?? []).find((i) => i.path === '/app/contracts')?.label ?? '合同管理';
  return (
    <>
      <PageHeader title={title} subTitle="合同由购买主体起草，双方确认后签订；签订后的变更留痕" />
      <Card>
        <ListToolbar params={params} filters={FILTERS} />
        <PagedTable<ContractListItem>
          list={list}
          params={params}
          columns={[
            {
              title: '合同编号',
              dataIndex: 'code',
              fixed: 'left',
              render: (v: string, r) => (
                <Link to={`/app/contracts/${r.id}`} className="mono nowrap">
                  {v}
                </Link>
              ),
            },
            { title: '项目', dataIndex: 'projectTitle' },
            { title: '购买主体', dataIndex: 'buyerName' },
            { title: '承接单位', dataIndex: 'providerName' },
            {
              title: '合同金额',
              dataIndex: 'amountFen',
              align: 'right',
              render: (v: number) => <span className="nowrap">{formatMoney(v)}</span>,
            },
            {
              title: '服务期',
              key: 'period',
              render: (_, r) => (
                <span className="nowrap">
                  {formatDate(r.periodStart)} 至 {formatDate(r.periodEnd)}
                </span>
              ),
            },
            { title: '状态', dataIndex: 'status', render: (s: string) => <ContractStatusTag status={s} /> },
            { title: '签订时间', dataIndex: 'signedAt', render: (v: string | null) => formatDateTime(v) },
          ]}
        />
      </Card>
    </>
  );
}

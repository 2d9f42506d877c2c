/** The contracts of a call: drafting one from each approved award, and their signing state. */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Skeleton, Table } from 'antd';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, errorMessage } from '../../api';
import { LoadFailed } from '../../components/ErrorPages';
import { ContractStatusTag } from '../../components/status';
import { formatDate, formatDateTime, formatMoney } from '../../format';
import type { Contract, ContractListItem } from '../contracts/types';
import type { ReviewResults } from '../reviews/types';
import type { CallManaged } from './types';

export function ContractsTab({ call, isBuyer }: { call: CallManaged; isBuyer: boolean }) {
  const navigate = useNavigate();
  const client = useQueryClient();
  const { message } = App.useApp();
  const [creating, setCreating] = useState<string | null>(null);
  const contracts = useQuery({
    queryKey: ['contracts', 'list', { callId: call.id }],
    queryFn: ({ signal }) =>
      api.get<{ items: ContractListItem[] }>('/api/contracts', { callId: call.id, pageSize: 100 }, signal),
  });
  const results = useQuery({
    queryKey: ['reviews', 'results', call.id],
    queryFn: ({ signal }) =>
      api.get<ReviewResults>(`/api/calls/${call.id}/review/results`, undefined, signal),
    retry: false,
  });
  if (contracts.isPending) return <Skeleton active />;
  if (contracts.isError)
    return <LoadFailed message={contracts.error.message} onRetry={() => contracts.refetch()} />;
  const withContract = new Set(contracts.data.items.map((c) => c.awardId));
  const pending = (results.data?.awards ?? []).filter(
    (a) => a.status === 'approved' && !withContract.has(a.id),
  );

  return (
    <div className="stack">
      {pending.length ? (
        <Card title="待起草合同的立项项目">
          <Table
            size="small"
            rowKey="id"
            pagination={false}
            scroll={{ x: 'max-content' }}
            dataSource={pending}
            columns={[
              { title: '承接单位', dataIndex: 'providerOrgName' },
              {
                title: '立项金额',
                dataIndex: 'amountFen',
                align: 'right',
                render: (v: number) => formatMoney(v),
              },
              {
                title: '操作',
                key: 'actions',
                render: (_, a) =>
                  isBuyer ? (
                    <Button
                      type="primary"
                      size="small"
                      loading={creating === a.id}
                      onClick={async () => {
                        setCreating(a.id);
                        try {
                          const c = await api.post<Contract>(`/api/awards/${a.id}/contract`, {});
                          message.success(`已起草合同 ${c.code}`);
                          await client.invalidateQueries({ queryKey: ['contracts'] });
                          navigate(`/app/contracts/${c.id}`);
                        } catch (error) {
                          message.error(errorMessage(error));
                        } finally {
                          setCreating(null);
                        }
                      }}
                    >
                      起草合同
                    </Button>
                  ) : (
                    <span className="muted">待购买主体起草</span>
                  ),
              },
            ]}
          />
        </Card>
      ) : null}
      <Card title={`合同（${contracts.data.items.length}）`}>
        {contracts.data.items.length === 0 && pending.length === 0 ? (
          <Alert type="info" showIcon title="公示结束、项目立项后，在此起草和签订合同" />
        ) : (
          <Table<ContractListItem>
            size="middle"
            rowKey="id"
            pagination={false}
            scroll={{ x: 'max-content' }}
            dataSource={contracts.data.items}
            columns={[
              {
                title: '合同编号',
                dataIndex: 'code',
                render: (v: string, r) => (
                  <Link to={`/app/contracts/${r.id}`} className="mono">
                    {v}
                  </Link>
                ),
              },
              { title: '项目', dataIndex: 'projectTitle' },
              { title: '承接单位', dataIndex: 'providerName' },
              {
                title: '合同金额',
                dataIndex: 'amountFen',
                align: 'right',
                render: (v: number) => formatMoney(v),
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
        )}
      </Card>
    </div>
  );
}

/** The submitted applications of a call, with the system's eligibility results, for its buyer. */
import { useQuery } from '@tanstack/react-query';
import { Card, Table, Typography } from 'antd';
import { Link } from 'react-router';
import { api, type Page } from '../../api';
import { LoadFailed } from '../../components/ErrorPages';
import { ApplicationStatusTag } from '../../components/status';
import { formatDateTime, formatMoney } from '../../format';
import type { ApplicationListItem } from '../applications/types';
import type { CallManaged } from './types';

export function CallApplicationsTab({ call }: { call: CallManaged }) {
  const list = useQuery({
    queryKey: ['applications', 'list', { callId: call.id, pageSize: 100 }],
    queryFn: ({ signal }) =>
      api.get<Omit<Page<ApplicationListItem>, 'actions'>>(
        '/api/applications',
        { callId: call.id, pageSize: 100 },
        signal,
      ),
  });
  if (list.isError) return <LoadFailed message={list.error.message} onRetry={() => list.refetch()} />;
  const overCap = (r: ApplicationListItem) => r.requestedFen > call.budgetCapFen;
  return (
    <Card
      title={`已提交的申报（${list.data?.total ?? 0}）`}
      extra={<Typography.Text type="secondary">点击查看申报书、资格审查结果，可人工复核</Typography.Text>}
    >
      <Table<ApplicationListItem>
        rowKey="id"
        size="middle"
        scroll={{ x: 'max-content' }}
        loading={list.isFetching}
        dataSource={list.data?.items ?? []}
        pagination={false}
        locale={{ emptyText: '暂无已提交的申报' }}
        columns={[
          {
            title: '申报项目',
            dataIndex: 'title',
            fixed: 'left',
            render: (t: string, r) => (
              <Link to={`/app/applications/${r.id}`} className="cell-title">
                {t || '（未命名）'}
              </Link>
            ),
          },
          { title: '申报单位', dataIndex: 'providerName' },
          { title: '服务社区', dataIndex: 'communityName', render: (v) => v ?? '—' },
          {
            title: '申请金额',
            dataIndex: 'requestedFen',
            align: 'right',
            render: (v: number, r) => (
              <span className={overCap(r) ? 'text-danger nowrap' : 'nowrap'}>{formatMoney(v)}</span>
            ),
          },
          { title: '状态', dataIndex: 'status', render: (s: string) => <ApplicationStatusTag status={s} /> },
          {
            title: '提交时间',
            dataIndex: 'submittedAt',
            render: (v: string | null) => <span className="nowrap">{formatDateTime(v)}</span>,
          },
        ]}
      />
    </Card>
  );
}

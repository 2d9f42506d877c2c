/** 项目管理: the buyer's own calls (admins and supervisors read every call), with a way to start a new one. */
import { PlusOutlined } from '@ant-design/icons';
import { Button, Card, Select } from 'antd';
import { Link, useNavigate } from 'react-router';
import { SERVICE_CATEGORIES, type ServiceCategory, serviceCategoryLabels } from '../../../domain/enums';
import { CALL_STATES, callStateLabels } from '../../../domain/lifecycle';
import { LoadFailed } from '../../components/ErrorPages';
import { ListToolbar, PagedTable, SearchBox, useList, useListParams } from '../../components/list';
import { PageHeader } from '../../components/PageHeader';
import { CallStatusTag } from '../../components/status';
import { formatDateTime, formatMoney } from '../../format';
import { readOnlyIn } from '../../navigation';
import { useSession } from '../../session';
import type { CallSummary } from './types';

const STATUS_OPTIONS = CALL_STATES.map((s) => ({ value: s, label: callStateLabels[s] }));
const CATEGORY_OPTIONS = SERVICE_CATEGORIES.map((c) => ({ value: c, label: serviceCategoryLabels[c] }));

export function CallsPage() {
  const navigate = useNavigate();
  const user = useSession().data?.user;
  const params = useListParams(['status', 'category'] as const);
  const list = useList<CallSummary>('calls', '/api/calls', params.query);
  const readOnly = !!user && readOnlyIn(user.roles, '/app/calls');
  return (
    <>
      <PageHeader
        title="项目管理"
        subTitle={readOnly ? '全部项目征集（只读）' : '本单位的项目征集：发布、评审、公示、签约'}
        extra={
          list.data?.actions.includes('create') ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate('/app/calls/new')}>
              新建征集
            </Button>
          ) : null
        }
      />
      <Card>
        <ListToolbar>
          <SearchBox
            value={params.q}
            onSearch={(q) => params.update({ q })}
            placeholder="搜索项目名称或内容"
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
        </ListToolbar>
        {list.isError ? (
          <LoadFailed message={list.error.message} onRetry={() => list.refetch()} />
        ) : (
          <PagedTable<CallSummary>
            data={list.data}
            loading={list.isFetching}
            params={params}
            columns={[
              {
                title: '项目名称',
                dataIndex: 'title',
                fixed: 'left',
                render: (title: string, r) => (
                  <Link to={`/app/calls/${r.id}`} className="cell-title">
                    {title}
                  </Link>
                ),
              },
              {
                title: '编号',
                dataIndex: 'code',
                render: (v: string) => <span className="mono nowrap">{v}</span>,
              },
              { title: '状态', dataIndex: 'status', render: (s: string) => <CallStatusTag status={s} /> },
              ...(readOnly ? [{ title: '购买主体', dataIndex: 'buyerName' }] : []),
              {
                title: '服务领域',
                dataIndex: 'category',
                render: (c: ServiceCategory) => serviceCategoryLabels[c] ?? c,
              },
              {
                title: '预算上限',
                dataIndex: 'budgetCapFen',
                align: 'right' as const,
                render: (v: number) => <span className="nowrap">{formatMoney(v)}</span>,
              },
              {
                title: '申报截止',
                dataIndex: 'applicationClosesAt',
                render: (v: string) => <span className="nowrap">{formatDateTime(v)}</span>,
              },
            ]}
          />
        )}
      </Card>
    </>
  );
}

/** 项目管理: the buyer's own calls (admins and supervisors read every call), with a way to start a new one. */
import { Card } from 'antd';
import { Link, useNavigate } from 'react-router';
import { type ServiceCategory, serviceCategoryLabels } from '../../../domain/enums';
import { ListActions, ListToolbar, PagedTable, useList, useListParams } from '../../components/list';
import { PageHeader } from '../../components/PageHeader';
import { CallStatusTag } from '../../components/status';
import { formatDateTime, formatMoney } from '../../format';
import { readOnlyIn } from '../../navigation';
import { useSession } from '../../session';
import { CATEGORY_FILTER, statusFilter } from './filters';
import type { CallSummary } from './types';

const FILTERS = [statusFilter(), CATEGORY_FILTER];

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
          <ListActions
            allowed={list.data?.actions ?? []}
            create={{ label: '新建征集', onClick: () => navigate('/app/calls/new') }}
          />
        }
      />
      <Card>
        <ListToolbar params={params} search="搜索项目名称或内容" filters={FILTERS} />
        <PagedTable<CallSummary>
          list={list}
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
      </Card>
    </>
  );
}

/**
 * 项目实施 (provider) / 项目监管 (buyer) / 评估项目 (evaluator): the projects in implementation the user
 * may see; the buyer also sees the open alerts of its projects here.
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Card } from 'antd';
import { Link } from 'react-router';
import type { Project } from '../../../domain/projects';
import { PROJECT_STATES, type ProjectState, projectStateLabels } from '../../../domain/projects';
import { api, type Page } from '../../api';
import { type ListFilter, ListToolbar, PagedTable, useListParams } from '../../components/list';
import { PageHeader } from '../../components/PageHeader';
import { formatDate, formatMoney } from '../../format';
import { navFor } from '../../navigation';
import { useSession } from '../../session';
import { AlertsPanel } from './AlertsPanel';
import { PROJECTS_KEY, ProjectStateTag } from './parts';

type ProjectListItem = Omit<
  Project,
  'rectifications' | 'recoveries' | 'actions' | 'terminationReason' | 'terminatedAt' | 'closedAt'
>;

const FILTERS: ListFilter<'status'>[] = [
  {
    key: 'status',
    label: '状态',
    options: PROJECT_STATES.map((s) => ({ value: s, label: projectStateLabels[s] })),
    className: 'filter-130',
  },
];

export function ProjectsPage() {
  const user = useSession().data?.user;
  const params = useListParams(['status'] as const);
  const list = useQuery({
    queryKey: [PROJECTS_KEY, 'list', params.query],
    queryFn: ({ signal }) => api.get<Page<ProjectListItem>>('/api/projects', params.query, signal),
    placeholderData: keepPreviousData,
  });
  const roles = user?.roles ?? [];
  const title = navFor(roles).find((i) => i.path === '/app/projects')?.label ?? '项目实施';
  const monitors = roles.some((r) => r === 'buyer' || r === 'admin' || r === 'supervisor');
  return (
    <>
      <PageHeader title={title} subTitle="签订合同后的项目：实施、资金拨付、评估、整改与结项" />
      {monitors ? (
        <Card title="资金预警" style={{ marginBottom: 16 }} data-testid="monitoring-alerts">
          <AlertsPanel path="/api/alerts" showProject />
        </Card>
      ) : null}
      <Card>
        <ListToolbar params={params} filters={FILTERS} />
        <PagedTable<ProjectListItem>
          list={list}
          params={params}
          columns={[
            {
              title: '项目',
              dataIndex: 'projectTitle',
              render: (v: string, r) => <Link to={`/app/projects/${r.id}`}>{v}</Link>,
            },
            {
              title: '合同编号',
              dataIndex: 'contractCode',
              render: (v: string) => <span className="mono nowrap">{v}</span>,
            },
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
            {
              title: '进度',
              dataIndex: 'status',
              render: (s: ProjectState) => <ProjectStateTag status={s} />,
            },
          ]}
        />
      </Card>
    </>
  );
}

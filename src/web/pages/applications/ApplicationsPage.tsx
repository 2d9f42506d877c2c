/**
 * Applications by role: 我的申报 (provider), 待签章申报 (community: the ones naming it),
 * 申报审查 (buyer: submitted to its calls), 申报查阅 (admins, supervisors).
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Button, Card, Tag } from 'antd';
import { Link, useNavigate } from 'react-router';
import { APPLICATION_STATES, applicationStateLabels } from '../../../domain/lifecycle';
import { api, type Page } from '../../api';
import { type ListFilter, ListToolbar, PagedTable, useListParams } from '../../components/list';
import { PageHeader } from '../../components/PageHeader';
import { ApplicationStatusTag } from '../../components/status';
import { formatDateTime, formatMoney } from '../../format';
import { navFor } from '../../navigation';
import { hasRole, useSession } from '../../session';
import type { ApplicationListItem } from './types';

const FILTERS: ListFilter<'status'>[] = [
  {
    key: 'status',
    label: '状态',
    options: APPLICATION_STATES.map((s) => ({ value: s, label: applicationStateLabels[s] })),
    className: 'filter-150',
  },
];

export function ApplicationsPage() {
  const navigate = useNavigate();
  const user = useSession().data?.user;
  const params = useListParams(['status', 'callId'] as const);
  const list = useQuery({
    queryKey: ['applications', 'list', params.query],
    queryFn: ({ signal }) =>
      api.get<Omit<Page<ApplicationListItem>, 'actions'>>('/api/applications', params.query, signal),
    placeholderData: keepPreviousData,
  });
  const title = navFor(user?.roles ?? []).find((i) => i.path === '/app/applications')?.label ?? '申报';
  const provider = hasRole(user, 'provider');
  const community = hasRole(user, 'community');
  const subTitle = provider
    ? '本机构的申报：草稿自动保存，社区签章后提交'
    : community
      ? '以本社区为服务社区的联合申报，请核对后签章'
      : '已提交的申报及资格审查结果';

  return (
    <>
      <PageHeader
        title={title}
        subTitle={subTitle}
        extra={
          provider ? (
            <Button type="primary" onClick={() => navigate('/app/open-calls')}>
              查看可申报项目
            </Button>
          ) : null
        }
      />
      <Card>
        <ListToolbar params={params} filters={FILTERS} />
        <PagedTable<ApplicationListItem>
          list={list}
          params={params}
          locale={{ emptyText: provider ? '还没有申报，可从“可申报项目”开始' : '暂无申报' }}
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
            { title: '征集项目', dataIndex: 'callTitle' },
            ...(provider ? [] : [{ title: '申报单位', dataIndex: 'providerName' }]),
            { title: '服务社区', dataIndex: 'communityName', render: (v: string | null) => v ?? '—' },
            {
              title: '申请金额',
              dataIndex: 'requestedFen',
              align: 'right' as const,
              render: (v: number) => <span className="nowrap">{formatMoney(v)}</span>,
            },
            {
              title: '状态',
              dataIndex: 'status',
              render: (s: string) => <ApplicationStatusTag status={s} />,
            },
            {
              title: '社区签章',
              dataIndex: 'cosignedAt',
              render: (v: string | null) =>
                v ? (
                  <Tag color="green">已签章</Tag>
                ) : (
                  <Tag color={community ? 'orange' : 'default'}>未签章</Tag>
                ),
            },
            {
              title: '更新时间',
              dataIndex: 'updatedAt',
              render: (v: string) => <span className="nowrap">{formatDateTime(v)}</span>,
            },
          ]}
        />
      </Card>
    </>
  );
}

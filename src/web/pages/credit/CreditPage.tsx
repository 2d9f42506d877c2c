/**
 * 信用名单: admins confirm or decline the system's proposals, enter and import decisions and
 * decide appeals; supervisors read everything; buyers read the decided entries; a provider sees
 * its own entries and appeals them (on the entry's page).
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Card, Table, Tabs } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import type { AppealView, EntryView } from '../../../domain/credit';
import { api, type Page } from '../../api';
import { LoadFailed } from '../../components/ErrorPages';
import { ListActions, ListToolbar, PagedTable, useList, useListParams } from '../../components/list';
import { PageHeader } from '../../components/PageHeader';
import { formatDateTime } from '../../format';
import { hasRole, useSession } from '../../session';
import { EntryForm } from './EntryForm';
import {
  AppealStateTag,
  CREDIT_KEY,
  CreditListTag,
  listOptions,
  period,
  StandingTag,
  standingOptions,
} from './parts';

function EntriesTable({ fixedStanding }: { fixedStanding?: 'proposed' }) {
  const params = useListParams(['list', 'standing'] as const);
  const query = fixedStanding ? { ...params.query, standing: fixedStanding } : params.query;
  const list = useList<EntryView>(CREDIT_KEY, '/api/credit/entries', query);
  const [creating, setCreating] = useState(false);
  return (
    <>
      <ListToolbar
        params={params}
        search="单位名称、信用代码或文号"
        filters={[
          { key: 'list', label: '名单类型', options: listOptions, className: 'filter-select' },
          ...(fixedStanding
            ? []
            : [
                {
                  key: 'standing' as const,
                  label: '状态',
                  options: standingOptions,
                  className: 'filter-select',
                },
              ]),
        ]}
        extra={
          fixedStanding ? null : (
            <ListActions
              allowed={list.data?.actions ?? []}
              importTo={{
                template: '/api/credit/import-template.xlsx',
                path: '/api/credit/import',
                queryKey: CREDIT_KEY,
              }}
              create={{ label: '新增名单记录', onClick: () => setCreating(true) }}
            />
          )
        }
      />
      <PagedTable<EntryView>
        list={list}
        params={params}
        data-testid={fixedStanding ? 'credit-proposals' : 'credit-entries'}
        locale={{ emptyText: fixedStanding ? '暂无待确认的名单记录' : '暂无名单记录' }}
        columns={[
          {
            title: '社会组织',
            dataIndex: 'orgName',
            render: (v: string, e) => <Link to={`/app/credit/entries/${e.id}`}>{v}</Link>,
          },
          { title: '名单', dataIndex: 'list', render: (_, e) => <CreditListTag list={e.list} /> },
          {
            title: '原因',
            dataIndex: 'reasonLabel',
            render: (v: string, e) => (
              <div>
                <div>{v}</div>
                {e.projectTitle ? <div className="muted small">{e.projectTitle}</div> : null}
              </div>
            ),
          },
          { title: '决定文号', dataIndex: 'documentNo', render: (v: string | null) => v ?? '—' },
          { title: '期限', key: 'period', render: (_, e) => <span className="nowrap">{period(e)}</span> },
          { title: '状态', dataIndex: 'standing', render: (_, e) => <StandingTag standing={e.standing} /> },
          {
            title: '操作',
            key: 'open',
            render: (_, e) => (
              <Link to={`/app/credit/entries/${e.id}`}>
                {e.status === 'proposed' && e.actions.includes('confirm') ? '审核' : '查看'}
              </Link>
            ),
          },
        ]}
      />
      {creating ? <EntryForm onClose={() => setCreating(false)} /> : null}
    </>
  );
}

function AppealsTable() {
  const [page, setPage] = useState(1);
  const list = useQuery({
    queryKey: [CREDIT_KEY, 'appeals', page],
    queryFn: ({ signal }) => api.get<Page<AppealView>>('/api/credit/appeals', { page, pageSize: 20 }, signal),
    placeholderData: keepPreviousData,
  });
  if (list.isError) return <LoadFailed message={list.error.message} onRetry={() => list.refetch()} />;
  return (
    <Table<AppealView>
      rowKey="id"
      data-testid="credit-appeals"
      loading={list.isFetching}
      dataSource={list.data?.items ?? []}
      scroll={{ x: 'max-content' }}
      locale={{ emptyText: '暂无申诉' }}
      pagination={{ current: page, pageSize: 20, total: list.data?.total ?? 0, onChange: setPage }}
      columns={[
        { title: '社会组织', dataIndex: 'orgName' },
        { title: '名单', dataIndex: 'list', render: (_, a) => <CreditListTag list={a.list} /> },
        { title: '决定文号', dataIndex: 'documentNo', render: (v: string | null) => v ?? '—' },
        { title: '提出时间', dataIndex: 'createdAt', render: (v: string) => formatDateTime(v) },
        { title: '状态', dataIndex: 'status', render: (_, a) => <AppealStateTag status={a.status} /> },
        {
          title: '操作',
          key: 'open',
          render: (_, a) => (
            <Link to={`/app/credit/entries/${a.entryId}`}>
              {a.actions.includes('decide') ? '处理' : '查看'}
            </Link>
          ),
        },
      ]}
    />
  );
}

export function CreditPage() {
  const { data } = useSession();
  const user = data?.user;
  const seesAll = hasRole(user, 'admin', 'supervisor');
  const provider = hasRole(user, 'provider') && !seesAll;
  return (
    <>
      <PageHeader
        title={provider ? '我的信用记录' : '信用名单'}
        subTitle="红榜、黑榜、活动异常名录和严重违法失信名单；是否在名单期内按日期计算"
      />
      <Card>
        {seesAll ? (
          <Tabs
            destroyOnHidden
            items={[
              { key: 'proposed', label: '待确认', children: <EntriesTable fixedStanding="proposed" /> },
              { key: 'entries', label: '名单记录', children: <EntriesTable /> },
              { key: 'appeals', label: '申诉', children: <AppealsTable /> },
            ]}
          />
        ) : provider ? (
          <Tabs
            destroyOnHidden
            items={[
              { key: 'entries', label: '名单记录', children: <EntriesTable /> },
              { key: 'appeals', label: '我的申诉', children: <AppealsTable /> },
            ]}
          />
        ) : (
          <EntriesTable />
        )}
      </Card>
    </>
  );
}

/** 预警: alerts with their evidence and history; the buyer or a supervisor acknowledges with a note. */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Table } from 'antd';
import { Link } from 'react-router';
import type { Alert } from '../../../domain/redflags';
import { api, type Page } from '../../api';
import { LoadFailed } from '../../components/ErrorPages';
import { ReasonModal } from '../../components/ReasonModal';
import { formatDateTime } from '../../format';
import { AlertStateTag, PROJECTS_KEY, useDialog } from './parts';

function evidenceText(evidence: Record<string, unknown>) {
  return Object.entries(evidence)
    .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join('；');
}

export function AlertsPanel({ path, showProject }: { path: string; showProject?: boolean }) {
  const client = useQueryClient();
  const dialog = useDialog<'ack', Alert>();
  const list = useQuery({
    queryKey: [PROJECTS_KEY, 'alerts', path],
    queryFn: ({ signal }) => api.get<Page<Alert>>(path, { pageSize: 100 }, signal),
  });
  if (list.isError) return <LoadFailed message={list.error.message} onRetry={() => list.refetch()} />;
  const ack = dialog.is('ack');
  return (
    <>
      <Table<Alert>
        rowKey="id"
        size="small"
        loading={list.isLoading}
        dataSource={list.data?.items ?? []}
        pagination={false}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: '暂无预警' }}
        columns={[
          ...(showProject
            ? [
                {
                  title: '项目',
                  dataIndex: 'projectTitle',
                  render: (v: string, r: Alert) => <Link to={`/app/projects/${r.projectId}`}>{v}</Link>,
                },
              ]
            : []),
          { title: '预警指标', dataIndex: 'indicatorName' },
          {
            title: '内容',
            dataIndex: 'message',
            render: (v: string, r) => (
              <div className="alert-message">
                <div>{v}</div>
                <div className="muted small">{evidenceText(r.evidence)}</div>
              </div>
            ),
          },
          {
            title: '状态',
            dataIndex: 'status',
            render: (s: Alert['status']) => <AlertStateTag status={s} />,
          },
          {
            title: '经过',
            key: 'history',
            render: (_, r) => (
              <div className="nowrap small">
                <div>发现：{formatDateTime(r.raisedAt)}</div>
                {r.acknowledgedAt ? (
                  <div>
                    知悉：{formatDateTime(r.acknowledgedAt)}（{r.acknowledgeNote}）
                  </div>
                ) : null}
                {r.resolvedAt ? <div>消除：{formatDateTime(r.resolvedAt)}</div> : null}
              </div>
            ),
          },
          {
            title: '操作',
            key: 'actions',
            render: (_, r) =>
              r.actions.includes('acknowledge') ? (
                <Button size="small" onClick={() => dialog.show('ack', r)}>
                  知悉并处理
                </Button>
              ) : (
                <span className="muted">—</span>
              ),
          },
        ]}
      />
      {ack ? (
        <ReasonModal
          title="知悉预警"
          label="处理意见"
          minLength={5}
          intro={ack.subject.message}
          onClose={dialog.close}
          onSubmit={async (note) => {
            await api.post(`/api/alerts/${ack.subject.id}/acknowledge`, {
              note,
              version: ack.subject.version,
            });
            await client.invalidateQueries({ queryKey: [PROJECTS_KEY] });
          }}
        />
      ) : null}
    </>
  );
}

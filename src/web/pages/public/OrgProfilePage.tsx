/**
 * A social organization's public profile: registration facts, the projects it delivered with
 * their grades and amounts, and its current list entries with the decisions.
 */
import { ArrowLeftOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Card, Descriptions, Empty, Skeleton, Table, Typography } from 'antd';
import { Link, useParams } from 'react-router';
import { appealStateLabels, type PublicEntry, type PublicOrgProfile } from '../../../domain/credit';
import { gradeLabels } from '../../../domain/evaluations';
import { projectStateLabels } from '../../../domain/projects';
import { ApiError, api } from '../../api';
import { LoadFailed, NotFound } from '../../components/ErrorPages';
import { formatMoney } from '../../format';
import { CreditListTag, period, StandingTag } from '../credit/parts';

/** One entry's decision, removal and appeal decisions, as the public sees them. */
export function PublicEntryFacts({ entry: e }: { entry: PublicEntry }) {
  return (
    <div className="credit-facts">
      <div className="call-card-facts">
        <StandingTag standing={e.standing} />
        <span>{e.reasonLabel}</span>
        <span>期限 {period(e)}</span>
      </div>
      <div>{e.reason}</div>
      <div className="call-card-meta">
        <span>决定机关：{e.decidedBy}</span>
        <span className="mono">{e.documentNo ?? ''}</span>
        {e.decidedOn ? <span>决定日期：{e.decidedOn}</span> : null}
        {e.projectTitle ? <span>相关项目：{e.projectTitle}</span> : null}
      </div>
      {e.removedOn ? (
        <div data-testid="credit-removal">
          {e.removedOn} 移出：{e.removedReason}
        </div>
      ) : null}
      {e.appeals.map((a) => (
        <div key={a.id} data-testid="credit-appeal-decision">
          申诉处理（{a.decidedOn ?? ''}）：{appealStateLabels[a.status]}。{a.decisionReason}
        </div>
      ))}
    </div>
  );
}

export function OrgProfilePage() {
  const { id = '' } = useParams();
  const profile = useQuery({
    queryKey: ['credit', 'public', 'org', id],
    queryFn: ({ signal }) => api.get<PublicOrgProfile>(`/api/public/orgs/${id}`, undefined, signal),
  });
  if (profile.isPending)
    return (
      <div className="public-page">
        <Skeleton active />
      </div>
    );
  if (profile.isError) {
    if (profile.error instanceof ApiError && (profile.error.status === 404 || profile.error.status === 400))
      return <NotFound />;
    return <LoadFailed message={profile.error.message} onRetry={() => profile.refetch()} />;
  }
  const o = profile.data;
  return (
    <div className="public-page">
      <Link to="/credit" className="back-link">
        <ArrowLeftOutlined /> 返回红黑榜
      </Link>
      <Typography.Title level={2} className="detail-title">
        {o.name}
      </Typography.Title>
      <Card title="登记信息" data-testid="org-profile">
        <Descriptions column={{ xs: 1, md: 2 }} size="small">
          <Descriptions.Item label="统一社会信用代码">{o.creditCode ?? '—'}</Descriptions.Item>
          <Descriptions.Item label="社会组织评估等级">{o.grade ?? '未评估'}</Descriptions.Item>
          <Descriptions.Item label="登记日期">{o.registeredOn ?? '—'}</Descriptions.Item>
          <Descriptions.Item label="法人类型">{o.legalForm ?? '—'}</Descriptions.Item>
          <Descriptions.Item label="所在区划">{o.regionName ?? '—'}</Descriptions.Item>
        </Descriptions>
      </Card>
      <Card title="信用名单" style={{ marginTop: 16 }} data-testid="org-credit">
        {o.entries.length === 0 ? (
          <Empty description="当前未被列入任何名单" />
        ) : (
          o.entries.map((e) => (
            <Card key={e.id} size="small" className="call-card" style={{ marginBottom: 12 }}>
              <div className="call-card-head">
                <CreditListTag list={e.list} />
              </div>
              <PublicEntryFacts entry={e} />
            </Card>
          ))
        )}
      </Card>
      <Card title="承接项目" style={{ marginTop: 16 }}>
        <Table
          rowKey="id"
          size="small"
          data-testid="org-projects"
          dataSource={o.projects}
          scroll={{ x: 'max-content' }}
          pagination={{ pageSize: 10, hideOnSinglePage: true }}
          locale={{ emptyText: '暂无承接项目' }}
          columns={[
            { title: '年度', dataIndex: 'year' },
            { title: '项目', dataIndex: 'title' },
            { title: '购买主体', dataIndex: 'buyerName' },
            {
              title: '合同金额',
              dataIndex: 'amountFen',
              align: 'right',
              render: (v: number) => formatMoney(v),
            },
            {
              title: '状态',
              dataIndex: 'status',
              render: (v: string) => projectStateLabels[v as keyof typeof projectStateLabels] ?? v,
            },
            {
              title: '末期评估',
              dataIndex: 'grade',
              render: (v: keyof typeof gradeLabels | null) => (v ? gradeLabels[v] : '—'),
            },
          ]}
        />
      </Card>
    </div>
  );
}

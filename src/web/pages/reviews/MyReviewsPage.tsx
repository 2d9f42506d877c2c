/** 我的评审 (expert): invitations to answer (accept, or declare a conflict), and sheets to score. */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Descriptions,
  Empty,
  Popconfirm,
  Progress,
  Skeleton,
  Space,
  Table,
  Tag,
} from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { api } from '../../api';
import { LoadFailed } from '../../components/ErrorPages';
import { PageHeader } from '../../components/PageHeader';
import { ReasonModal } from '../../components/ReasonModal';
import { PanelMemberTag, ReviewStatusTag } from '../../components/status';
import { formatDateTime } from '../../format';
import type { MyReview } from './types';

function ReviewCard({ item, onChanged }: { item: MyReview; onChanged: () => void }) {
  const navigate = useNavigate();
  const { message } = App.useApp();
  const [declining, setDeclining] = useState(false);
  const [accepting, setAccepting] = useState(false);
  const submitted = item.sheets.filter((s) => s.submitted).length;
  const respond = async (body: { accept: boolean; conflictReason?: string }) => {
    await api.post(`/api/reviews/${item.session.id}/respond`, body);
    message.success(body.accept ? '已接受评审邀请' : '已声明回避，系统将自动补抽专家');
    onChanged();
  };
  return (
    <Card
      title={item.call.title}
      extra={<ReviewStatusTag status={item.session.status} />}
      data-testid="my-review"
      className="review-card"
    >
      <Descriptions
        size="small"
        column={{ xs: 1, sm: 1, md: 2 }}
        items={[
          { key: 'code', label: '项目编号', children: <span className="mono">{item.call.code}</span> },
          { key: 'me', label: '我的状态', children: <PanelMemberTag status={item.member.status} /> },
          { key: 'at', label: '评审时间', children: formatDateTime(item.session.heldAt) },
          { key: 'place', label: '地点', children: item.session.place },
          {
            key: 'applicants',
            label: '申报单位',
            span: { xs: 1, sm: 1, md: 2 },
            children: item.applicants.length ? item.applicants.map((n) => <Tag key={n}>{n}</Tag>) : '—',
          },
          ...(item.member.conflictReason
            ? [
                {
                  key: 'reason',
                  label: '回避原因',
                  span: { xs: 1, sm: 1, md: 2 },
                  children: item.member.conflictReason,
                },
              ]
            : []),
        ]}
      />
      {item.actions.includes('respond') ? (
        <>
          <Alert
            type="info"
            showIcon
            style={{ margin: '12px 0' }}
            title="请确认是否参加评审"
            description="如您受聘于、曾受聘于上述申报单位，或与其存在其他利益关系，请声明回避。"
          />
          <Space wrap>
            <Popconfirm
              title="接受评审邀请"
              description="确认与上述申报单位无利益冲突，按时参加评审？"
              okText="接受"
              cancelText="取消"
              onConfirm={async () => {
                setAccepting(true);
                try {
                  await respond({ accept: true });
                } catch (error) {
                  message.error((error as Error).message);
                } finally {
                  setAccepting(false);
                }
              }}
            >
              <Button type="primary" loading={accepting}>
                接受邀请
              </Button>
            </Popconfirm>
            <Button danger onClick={() => setDeclining(true)}>
              声明回避
            </Button>
          </Space>
        </>
      ) : null}
      {item.member.status === 'accepted' ? (
        <div className="progress-row" style={{ marginTop: 12 }}>
          <span>我的评分</span>
          <Progress
            percent={item.sheets.length ? Math.round((submitted / item.sheets.length) * 100) : 0}
            size="small"
            style={{ flex: 1, margin: 0 }}
          />
          <span className="muted nowrap">
            {submitted}/{item.sheets.length}
          </span>
          {item.actions.includes('viewApplications') ? (
            <Button type="primary" onClick={() => navigate(`/app/reviews/${item.session.id}`)}>
              {item.actions.includes('score') ? '去评分' : '查看'}
            </Button>
          ) : null}
        </div>
      ) : null}
      {item.member.status === 'accepted' && item.session.status === 'drawing' ? (
        <Alert type="info" showIcon style={{ marginTop: 12 }} title="评审小组组齐后即可评分" />
      ) : null}
      {declining ? (
        <ReasonModal
          title="声明回避"
          label="回避原因"
          intro="声明后您将不参加本项目评审，系统按抽取顺序自动补抽一名专家。回避原因记入评审记录。"
          okText="确认回避"
          danger
          maxLength={500}
          onSubmit={(reason) => respond({ accept: false, conflictReason: reason })}
          onClose={() => setDeclining(false)}
        />
      ) : null}
    </Card>
  );
}

/** Open invitations and sessions still being scored come first; the rest is history. */
const isCurrent = (r: MyReview) =>
  r.actions.includes('respond') ||
  r.actions.includes('score') ||
  (r.session.status !== 'completed' && r.member.status !== 'declined');

export function MyReviewsPage() {
  const client = useQueryClient();
  const navigate = useNavigate();
  const list = useQuery({
    queryKey: ['reviews', 'mine'],
    queryFn: ({ signal }) => api.get<{ items: MyReview[] }>('/api/reviews/mine', undefined, signal),
  });
  const items = list.data?.items ?? [];
  const current = items.filter(isCurrent).sort((a, b) => b.session.heldAt.localeCompare(a.session.heldAt));
  const history = items
    .filter((r) => !isCurrent(r))
    .sort((a, b) => b.session.heldAt.localeCompare(a.session.heldAt));
  return (
    <>
      <PageHeader title="我的评审" subTitle="评审邀请、利益冲突声明和评分" />
      {list.isPending ? (
        <Skeleton active />
      ) : list.isError ? (
        <LoadFailed message={list.error.message} onRetry={() => list.refetch()} />
      ) : (
        <div className="stack" data-testid="my-reviews">
          {current.length === 0 ? (
            <Card>
              <Empty description="暂无待处理的评审" />
            </Card>
          ) : (
            current.map((item) => (
              <ReviewCard
                key={item.session.id}
                item={item}
                onChanged={() => client.invalidateQueries({ queryKey: ['reviews'] })}
              />
            ))
          )}
          {history.length ? (
            <Card title={`历史评审（${history.length}）`}>
              <Table<MyReview>
                size="small"
                rowKey={(r) => r.session.id}
                scroll={{ x: 'max-content' }}
                dataSource={history}
                pagination={{ pageSize: 10, showSizeChanger: false, hideOnSinglePage: true }}
                columns={[
                  { title: '项目', key: 'title', render: (_, r) => r.call.title },
                  {
                    title: '评审时间',
                    key: 'at',
                    render: (_, r) => <span className="nowrap">{formatDateTime(r.session.heldAt)}</span>,
                  },
                  {
                    title: '我的状态',
                    key: 'me',
                    render: (_, r) => <PanelMemberTag status={r.member.status} />,
                  },
                  {
                    title: '评审状态',
                    key: 's',
                    render: (_, r) => <ReviewStatusTag status={r.session.status} />,
                  },
                  {
                    title: '操作',
                    key: 'a',
                    render: (_, r) =>
                      r.actions.includes('viewApplications') ? (
                        <Button
                          type="link"
                          size="small"
                          onClick={() => navigate(`/app/reviews/${r.session.id}`)}
                        >
                          查看评分
                        </Button>
                      ) : (
                        <span className="muted">—</span>
                      ),
                  },
                ]}
              />
            </Card>
          ) : null}
        </div>
      )}
    </>
  );
}

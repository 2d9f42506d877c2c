/** An expert scores each application on every criterion (0 to its weight), comments, and submits. */
import { CheckCircleOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Collapse,
  Form,
  Input,
  InputNumber,
  Popconfirm,
  Skeleton,
  Space,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { ApiError, api, errorMessage } from '../../api';
import { DuplicatesPanel } from '../../components/DuplicatesPanel';
import { LoadFailed } from '../../components/ErrorPages';
import { PageHeader } from '../../components/PageHeader';
import { ReviewStatusTag } from '../../components/status';
import { formatDateTime, formatMoney } from '../../format';
import { ProposalSections } from '../applications/ApplicationDetails';
import { partnerKindLabels } from '../applications/types';
import { formatScore } from '../publicity/types';
import type { ReviewApplication, ReviewApplications, Sheet } from './types';

type Rubric = ReviewApplications['rubric'];

function SheetForm({
  sessionId,
  rubric,
  app,
  onSaved,
}: {
  sessionId: string;
  rubric: Rubric;
  app: ReviewApplication;
  onSaved: () => void;
}) {
  const [form] = Form.useForm<{ scores: Record<string, number | null>; comment: string }>();
  const { message } = App.useApp();
  const [busy, setBusy] = useState<'save' | 'submit' | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const sheet = app.sheet;
  const locked = !!sheet?.submittedAt || (sheet ? !sheet.actions.includes('save') : false);
  const scores = (Form.useWatch('scores', form) ?? {}) as Record<string, number | null>;
  const total = rubric.reduce((s, c) => s + (Number(scores[c.key]) || 0), 0);

  const body = () => {
    const v = form.getFieldsValue(true) as { scores: Record<string, number | null>; comment: string };
    return {
      scores: rubric
        .filter((c) => v.scores?.[c.key] !== null && v.scores?.[c.key] !== undefined)
        .map((c) => ({ key: c.key, score: Number(v.scores[c.key]) })),
      comment: v.comment ?? '',
    };
  };

  const save = async (submit: boolean) => {
    setFailure(null);
    if (submit) {
      try {
        await form.validateFields();
      } catch {
        return;
      }
    }
    setBusy(submit ? 'submit' : 'save');
    try {
      await api.put<Sheet>(`/api/reviews/${sessionId}/sheets/${app.id}`, body());
      if (submit) await api.post<Sheet>(`/api/reviews/${sessionId}/sheets/${app.id}/submit`);
      message.success(submit ? '评分表已提交' : '评分表已保存');
      onSaved();
    } catch (error) {
      if (error instanceof ApiError && error.fieldErrors.length)
        setFailure(error.fieldErrors.map((f) => f.message).join('；'));
      else setFailure(errorMessage(error));
    } finally {
      setBusy(null);
    }
  };

  return (
    <Form
      form={form}
      layout="vertical"
      disabled={locked}
      initialValues={{
        scores: Object.fromEntries(
          rubric.map((c) => [c.key, sheet?.scores.find((s) => s.key === c.key)?.score ?? null]),
        ),
        comment: sheet?.comment ?? '',
      }}
      className="sheet-form"
      data-testid={`sheet-${app.id}`}
    >
      {failure ? <Alert type="error" showIcon title={failure} style={{ marginBottom: 12 }} /> : null}
      <div className="sheet-grid">
        {rubric.map((c) => (
          <Form.Item
            key={c.key}
            label={`${c.label}（0–${c.weight}分）`}
            name={['scores', c.key]}
            rules={[
              { required: true, message: `请为“${c.label}”打分` },
              {
                validator: async (_r, v: number | null) => {
                  if (v === null || v === undefined) return;
                  if (v < 0 || v > c.weight) throw new Error(`应在0到${c.weight}分之间`);
                  if (Math.round(v * 10) !== v * 10) throw new Error('最多保留一位小数');
                },
              },
            ]}
          >
            <InputNumber
              min={0}
              max={c.weight}
              step={0.5}
              precision={1}
              style={{ width: '100%' }}
              aria-label={c.label}
            />
          </Form.Item>
        ))}
      </div>
      <div className="sheet-total" data-testid="sheet-total">
        总分 <strong>{total.toFixed(1)}</strong> / 100
      </div>
      <Form.Item
        label="评语"
        name="comment"
        rules={[{ required: true, whitespace: true, message: '提交前请填写评语' }]}
      >
        <Input.TextArea rows={3} maxLength={2000} showCount aria-label="评语" />
      </Form.Item>
      {locked ? (
        <Tag icon={<CheckCircleOutlined />} color="success">
          已于 {formatDateTime(sheet?.submittedAt)} 提交，总分 {formatScore(sheet?.totalCenti)}
        </Tag>
      ) : (
        <Space wrap>
          <Button onClick={() => save(false)} loading={busy === 'save'}>
            保存
          </Button>
          <Popconfirm
            title="提交评分表"
            description="提交后不能修改。确定提交？"
            okText="提交"
            cancelText="取消"
            onConfirm={() => save(true)}
          >
            <Button type="primary" loading={busy === 'submit'}>
              提交评分
            </Button>
          </Popconfirm>
        </Space>
      )}
    </Form>
  );
}

export function ScoringPage() {
  const { sessionId = '' } = useParams();
  const client = useQueryClient();
  const data = useQuery({
    queryKey: ['reviews', 'applications', sessionId],
    queryFn: ({ signal }) =>
      api.get<ReviewApplications>(`/api/reviews/${sessionId}/applications`, undefined, signal),
  });
  if (data.isPending) return <Skeleton active />;
  if (data.isError) return <LoadFailed message={data.error.message} onRetry={() => data.refetch()} />;
  const { session, rubric, items } = data.data;
  const done = items.filter((i) => i.sheet?.submittedAt).length;
  return (
    <>
      <PageHeader
        title="评分"
        subTitle={
          <span>
            评审时间 {formatDateTime(session.heldAt)} · {session.place} ·{' '}
            <ReviewStatusTag status={session.status} /> · 已提交 {done}/{items.length}
          </span>
        }
        extra={<Link to="/app/reviews">返回我的评审</Link>}
      />
      {session.status === 'drawing' ? (
        <Alert
          type="info"
          showIcon
          title="评审小组尚未组齐，暂不能评分，可先阅读申报材料"
          style={{ marginBottom: 16 }}
        />
      ) : null}
      <div className="stack">
        {items.map((app) => (
          <Card
            key={app.id}
            title={app.proposal.title || '（未命名）'}
            extra={app.sheet?.submittedAt ? <Tag color="success">已提交</Tag> : <Tag>待评分</Tag>}
            data-testid="score-card"
          >
            <Typography.Paragraph>
              申报单位：{app.providerOrgName} · 服务社区：{app.communityName ?? '—'} · 项目社工：
              {app.socialWorkerName} · 申请金额：
              {formatMoney(app.requestedFen)}
            </Typography.Paragraph>
            {app.partners.length ? (
              <Typography.Paragraph type="secondary">
                社区参与力量：
                {app.partners
                  .map(
                    (p) =>
                      `${p.name}（${partnerKindLabels[p.kind as keyof typeof partnerKindLabels] ?? p.kind}，${p.headcount}人）`,
                  )
                  .join('；')}
              </Typography.Paragraph>
            ) : null}
            <Collapse
              size="small"
              items={[
                {
                  key: 'proposal',
                  label: '查看申报书',
                  children: (
                    <div className="stack">
                      <ProposalSections proposal={app.proposal} requestedFen={app.requestedFen} />
                      <DuplicatesPanel applicationId={app.id} />
                    </div>
                  ),
                },
              ]}
              style={{ marginBottom: 16 }}
            />
            <SheetForm
              sessionId={session.id}
              rubric={rubric}
              app={app}
              onSaved={() => client.invalidateQueries({ queryKey: ['reviews'] })}
            />
          </Card>
        ))}
      </div>
    </>
  );
}

/**
 * 路演评审 for the buyer (and, read-only, for admins and supervisors): start the review with a
 * random panel, follow the experts' answers and replacements, check the draw record, compare the
 * three aggregations side by side, and award within the budget.
 */
import { CheckCircleTwoTone, WarningOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Descriptions,
  Form,
  Input,
  InputNumber,
  Progress,
  Select,
  Skeleton,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import { useState } from 'react';
import { EXPERT_FIELDS, type ExpertField, expertFieldLabels } from '../../../domain/enums';
import { AGGREGATIONS, type Aggregation, aggregationLabels } from '../../../domain/reviews';
import { ApiError, api, errorMessage } from '../../api';
import { DatePicker } from '../../components/DatePicker';
import { LoadFailed } from '../../components/ErrorPages';
import { applyServerErrors } from '../../components/forms';
import { MoneyInput } from '../../components/MoneyInput';
import {
  ApplicationStatusTag,
  AwardStatusTag,
  PanelMemberTag,
  ReviewStatusTag,
} from '../../components/status';
import { type Dayjs, formatDateTime, formatMoney, pickerInstant, pickerNow } from '../../format';
import { formatScore } from '../publicity/types';
import type { ReviewResults, ReviewView } from '../reviews/types';
import { aggregationShortLabels, type CallManaged } from './types';

function StartReviewForm({ call, onStarted }: { call: CallManaged; onStarted: () => void }) {
  const [form] = Form.useForm<{
    heldAt: Dayjs;
    place: string;
    panelSize: number;
    field: ExpertField;
  }>();
  const [saving, setSaving] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const { message } = App.useApp();
  return (
    <Card title="组织路演评审">
      <Typography.Paragraph type="secondary">
        系统从专家库中随机抽取评审专家（奇数，不少于5人），自动排除与申报单位、联合申报社区或合作方有关联的专家；专家声明回避后按抽取顺序自动补抽。抽取种子和候选名单留存备查。
      </Typography.Paragraph>
      {failure ? <Alert type="error" showIcon title={failure} style={{ marginBottom: 16 }} /> : null}
      <Form
        form={form}
        layout="vertical"
        className="form-grid"
        initialValues={{
          heldAt: pickerNow().add(7, 'day').hour(9).minute(0).second(0),
          panelSize: 5,
          field: call.category,
        }}
        onFinish={async (v) => {
          setSaving(true);
          setFailure(null);
          try {
            await api.post(`/api/calls/${call.id}/review`, {
              heldAt: pickerInstant(v.heldAt.second(0).millisecond(0)),
              place: v.place,
              panelSize: v.panelSize,
              field: v.field,
            });
            message.success('已抽取评审专家并发出邀请');
            onStarted();
          } catch (error) {
            setFailure(applyServerErrors(form, error, ['heldAt', 'place', 'panelSize', 'field']));
          } finally {
            setSaving(false);
          }
        }}
      >
        <Form.Item label="评审时间" name="heldAt" rules={[{ required: true, message: '请选择评审时间' }]}>
          <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item
          label="评审地点"
          name="place"
          rules={[{ required: true, whitespace: true, message: '请填写评审地点' }]}
        >
          <Input maxLength={200} placeholder="如：区民政局三楼会议室" />
        </Form.Item>
        <Form.Item
          label="评审专家人数"
          name="panelSize"
          rules={[
            { required: true, message: '请填写评审专家人数' },
            {
              validator: async (_r, v: number) => {
                if (v && v % 2 === 0) throw new Error('评审专家人数应为奇数');
              },
            },
          ]}
        >
          <InputNumber min={5} max={51} step={2} precision={0} suffix="人" style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item label="专家专业领域" name="field" extra="该领域专家不足时自动扩大到全部领域">
          <Select options={EXPERT_FIELDS.map((f) => ({ value: f, label: expertFieldLabels[f] }))} />
        </Form.Item>
        <div className="span-2">
          <Button type="primary" htmlType="submit" loading={saving}>
            抽取专家，开始评审
          </Button>
        </div>
      </Form>
    </Card>
  );
}

function PanelCard({ review }: { review: ReviewView }) {
  const { session, progress } = review;
  const percent = progress.total ? Math.round((progress.submitted / progress.total) * 100) : 0;
  return (
    <Card title="评审小组" extra={<ReviewStatusTag status={session.status} />}>
      <Descriptions
        size="small"
        column={{ xs: 1, sm: 1, md: 3 }}
        items={[
          { key: 'at', label: '评审时间', children: formatDateTime(session.heldAt) },
          { key: 'place', label: '地点', children: session.place },
          { key: 'size', label: '专家人数', children: `${session.panelSize}人` },
        ]}
      />
      {review.shortfall ? (
        <Alert type="warning" showIcon title={review.shortfall} style={{ margin: '12px 0' }} />
      ) : null}
      <div className="progress-row">
        <span>评分进度</span>
        <Progress percent={percent} size="small" style={{ flex: 1, margin: 0 }} />
        <span className="muted nowrap">
          {progress.submitted}/{progress.total} 份
        </span>
      </div>
      <Table
        size="small"
        rowKey="expertId"
        pagination={false}
        scroll={{ x: 'max-content' }}
        dataSource={review.panel}
        data-testid="panel-table"
        columns={[
          { title: '抽取顺序', dataIndex: 'drawPosition', width: 80, render: (v: number) => v + 1 },
          { title: '专家', dataIndex: 'name' },
          {
            title: '专业领域',
            dataIndex: 'field',
            render: (f: string) => expertFieldLabels[f as ExpertField] ?? f,
          },
          { title: '职称', dataIndex: 'title', render: (v) => v ?? '—' },
          {
            title: '状态',
            dataIndex: 'status',
            render: (s: string, r) => (
              <>
                <PanelMemberTag status={s} />
                {r.conflictReason ? <div className="muted">回避原因：{r.conflictReason}</div> : null}
              </>
            ),
          },
          {
            title: '答复时间',
            dataIndex: 'respondedAt',
            render: (v: string | null) => <span className="nowrap">{formatDateTime(v)}</span>,
          },
          {
            title: '已交评分表',
            dataIndex: 'submitted',
            render: (n: number, r) => (r.status === 'accepted' ? `${n}/${review.applications.length}` : '—'),
          },
        ]}
      />
    </Card>
  );
}

function DrawRecordCard({ review }: { review: ReviewView }) {
  const { draw } = review;
  return (
    <Card title="抽取记录" data-testid="draw-record">
      <div className="draw-verified">
        {draw.verified ? (
          <Tag icon={<CheckCircleTwoTone twoToneColor="#52c41a" />} color="success">
            复核一致：按记录的种子和候选名单重新抽取，结果与实际邀请一致
          </Tag>
        ) : (
          <Tag icon={<WarningOutlined />} color="error">
            复核不一致：重新抽取的结果与实际邀请不同
          </Tag>
        )}
      </div>
      <Descriptions
        size="small"
        column={1}
        items={[
          {
            key: 'seed',
            label: '随机种子',
            children: <span className="mono break-all">{draw.seed ?? '—'}</span>,
          },
          {
            key: 'field',
            label: '抽取范围',
            children: draw.field
              ? `${expertFieldLabels[draw.field as ExpertField] ?? draw.field}领域`
              : '全部领域（该领域可用专家不足）',
          },
          { key: 'candidates', label: '候选专家', children: `${draw.candidates.length}人` },
          { key: 'excluded', label: '排除', children: `${draw.exclusions.length}人` },
        ]}
      />
      {draw.exclusions.length ? (
        <details className="draw-exclusions">
          <summary>排除名单及原因</summary>
          <ul>
            {draw.exclusions.map((e) => (
              <li key={e.expertId}>
                {e.name || e.expertId.slice(0, 8)}：{e.reason}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </Card>
  );
}

interface AwardRow {
  applicationId: string;
  selected: boolean;
  amountFen: number | null;
}

function AwardForm({
  call,
  results,
  onAwarded,
}: {
  call: CallManaged;
  results: ReviewResults;
  onAwarded: () => void;
}) {
  const { message } = App.useApp();
  const pool = results.applications.filter((a) => a.status === 'scored' || a.status === 'not_awarded');
  const [rows, setRows] = useState<AwardRow[]>(() =>
    pool.map((a) => ({
      applicationId: a.applicationId,
      selected: false,
      amountFen: Math.min(a.requestedFen, call.budgetCapFen),
    })),
  );
  const [reason, setReason] = useState('');
  const [saving, setSaving] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const chosen = rows.filter((r) => r.selected);
  const kept = results.awards.filter((a) => a.status !== 'revoked').reduce((s, a) => s + a.amountFen, 0);
  const total = kept + chosen.reduce((s, r) => s + (r.amountFen ?? 0), 0);
  const over = total > call.totalBudgetFen;
  const update = (id: string, patch: Partial<AwardRow>) =>
    setRows((list) => list.map((r) => (r.applicationId === id ? { ...r, ...patch } : r)));

  return (
    <Card title="确定拟立项" data-testid="award-form">
      <Typography.Paragraph type="secondary">
        勾选拟立项的申报并填写立项金额（不超过申报金额和单个项目上限，合计不超过总预算）。不按“
        {aggregationLabels[results.method]}”排名顺序选择时，须说明理由。
      </Typography.Paragraph>
      {failure ? <Alert type="error" showIcon title={failure} style={{ marginBottom: 12 }} /> : null}
      <Table
        size="small"
        rowKey="applicationId"
        pagination={false}
        scroll={{ x: 'max-content' }}
        dataSource={pool}
        columns={[
          {
            title: '选择',
            key: 'select',
            width: 60,
            render: (_, a) => (
              <Checkbox
                aria-label={`选择${a.providerOrgName}`}
                checked={rows.find((r) => r.applicationId === a.applicationId)?.selected}
                onChange={(e) => update(a.applicationId, { selected: e.target.checked })}
              />
            ),
          },
          { title: '排名', key: 'rank', render: (_, a) => a.ranks[results.method] },
          { title: '申报单位', dataIndex: 'providerOrgName' },
          { title: '项目', dataIndex: 'title' },
          {
            title: '申报金额',
            dataIndex: 'requestedFen',
            align: 'right',
            render: (v: number) => <span className="nowrap">{formatMoney(v)}</span>,
          },
          {
            title: '立项金额',
            key: 'amount',
            width: 200,
            render: (_, a) => {
              const row = rows.find((r) => r.applicationId === a.applicationId);
              return (
                <MoneyInput
                  aria-label={`${a.providerOrgName}立项金额`}
                  value={row?.amountFen ?? null}
                  disabled={!row?.selected}
                  onChange={(v) => update(a.applicationId, { amountFen: v })}
                />
              );
            },
          },
        ]}
      />
      <div className={over ? 'award-total text-danger' : 'award-total'}>
        立项合计 {formatMoney(total)}
        {kept ? `（含已立项 ${formatMoney(kept)}）` : ''} / 总预算 {formatMoney(call.totalBudgetFen)}
      </div>
      <Form layout="vertical" style={{ marginTop: 12 }}>
        <Form.Item label="未按排名选择的理由" extra="按排名顺序选择时可不填">
          <Input.TextArea
            rows={2}
            maxLength={1000}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            aria-label="未按排名选择的理由"
          />
        </Form.Item>
      </Form>
      <Button
        type="primary"
        disabled={chosen.length === 0 || over}
        loading={saving}
        onClick={async () => {
          setSaving(true);
          setFailure(null);
          try {
            const r = await api.post<{ departure: boolean }>(`/api/calls/${call.id}/awards`, {
              awards: chosen.map((c) => ({ applicationId: c.applicationId, amountFen: c.amountFen ?? 0 })),
              ...(reason.trim() ? { departureReason: reason.trim() } : {}),
            });
            message.success(r.departure ? '已确定拟立项（已记录未按排名选择的理由）' : '已确定拟立项');
            onAwarded();
          } catch (error) {
            if (error instanceof ApiError && error.fieldErrors.length)
              setFailure(error.fieldErrors.map((f) => f.message).join('；'));
            else setFailure(errorMessage(error));
          } finally {
            setSaving(false);
          }
        }}
      >
        确定拟立项（{chosen.length}个）
      </Button>
    </Card>
  );
}

function ResultsCard({ results }: { results: ReviewResults }) {
  const methods = AGGREGATIONS;
  return (
    <Card title="评审结果：三种汇总方式对照" data-testid="review-results">
      <Typography.Paragraph>
        本项目采用：<Tag color="blue">{aggregationLabels[results.method]}</Tag>
      </Typography.Paragraph>
      <Table
        size="small"
        rowKey="applicationId"
        pagination={false}
        scroll={{ x: 'max-content' }}
        dataSource={results.applications}
        columns={[
          { title: '申报单位', dataIndex: 'providerOrgName', fixed: 'left' },
          { title: '项目', dataIndex: 'title' },
          ...results.experts.map((e) => ({
            title: e.name,
            key: e.id,
            align: 'right' as const,
            render: (_: unknown, a: ReviewResults['applications'][number]) =>
              formatScore(a.totals.find((t) => t.expertId === e.id)?.totalCenti),
          })),
          ...methods.map((m: Aggregation) => ({
            title: (
              <Tooltip title={results.methodLabels[m] ?? aggregationLabels[m]}>
                <span className={m === results.method ? 'method-chosen' : undefined}>
                  {aggregationShortLabels[m]}
                  {m === results.method ? '（采用）' : ''}
                </span>
              </Tooltip>
            ),
            key: m,
            align: 'right' as const,
            render: (_: unknown, a: ReviewResults['applications'][number]) => (
              <span className={m === results.method ? 'method-chosen nowrap' : 'nowrap'}>
                {m === 'zscore'
                  ? `${(a.zscore.milli / 1000).toFixed(3)}（${formatScore(a.scoreCenti.zscore)}）`
                  : formatScore(a.scoreCenti[m])}
                <Tag className="rank-tag">第{a.ranks[m]}名</Tag>
              </span>
            ),
          })),
          { title: '状态', dataIndex: 'status', render: (s: string) => <ApplicationStatusTag status={s} /> },
        ]}
      />
      {results.notes.map((n) => (
        <Typography.Paragraph key={n} type="secondary" className="note">
          {n}
        </Typography.Paragraph>
      ))}
      <Descriptions
        size="small"
        column={{ xs: 1, sm: 3 }}
        items={[
          { key: 'cap', label: '单个项目上限', children: formatMoney(results.budget.budgetCapFen) },
          { key: 'total', label: '总预算', children: formatMoney(results.budget.totalBudgetFen) },
          { key: 'awarded', label: '已立项', children: formatMoney(results.budget.awardedFen) },
        ]}
      />
      {results.awards.length ? (
        <>
          <Typography.Title level={5}>拟立项</Typography.Title>
          <Table
            size="small"
            rowKey="id"
            pagination={false}
            scroll={{ x: 'max-content' }}
            dataSource={results.awards}
            columns={[
              { title: '排名', dataIndex: 'rank' },
              { title: '承接单位', dataIndex: 'providerOrgName' },
              {
                title: '立项金额',
                dataIndex: 'amountFen',
                align: 'right',
                render: (v: number) => formatMoney(v),
              },
              {
                title: '得分',
                dataIndex: 'scoreCenti',
                align: 'right',
                render: (v: number) => formatScore(v),
              },
              { title: '状态', dataIndex: 'status', render: (s: string) => <AwardStatusTag status={s} /> },
              { title: '未按排名理由', dataIndex: 'departureReason', render: (v) => v ?? '—' },
            ]}
          />
        </>
      ) : null}
    </Card>
  );
}

export function ReviewTab({ call, onChanged }: { call: CallManaged; onChanged: () => void }) {
  const client = useQueryClient();
  const review = useQuery({
    queryKey: ['reviews', 'call', call.id],
    queryFn: ({ signal }) => api.get<ReviewView>(`/api/calls/${call.id}/review`, undefined, signal),
    retry: false,
  });
  const hasResults = review.data?.actions.includes('results') ?? false;
  const results = useQuery({
    queryKey: ['reviews', 'results', call.id],
    queryFn: ({ signal }) =>
      api.get<ReviewResults>(`/api/calls/${call.id}/review/results`, undefined, signal),
    enabled: hasResults,
  });
  const refresh = () => {
    client.invalidateQueries({ queryKey: ['reviews'] });
    client.invalidateQueries({ queryKey: ['applications'] });
    onChanged();
  };

  if (review.isPending) return <Skeleton active />;
  if (review.isError) {
    if (review.error instanceof ApiError && review.error.status === 404) {
      // The buyer of a closed call (who may also cancel it) starts the review; others just wait.
      const canStart =
        call.status === 'closed' && (call.actions.includes('fail') || call.actions.includes('cancel'));
      return canStart ? (
        <StartReviewForm call={call} onStarted={refresh} />
      ) : (
        <Alert
          type="info"
          showIcon
          title={call.status === 'published' ? '征集截止后方可组织评审' : '尚未组织评审'}
        />
      );
    }
    return <LoadFailed message={review.error.message} onRetry={() => review.refetch()} />;
  }
  const r = review.data;
  return (
    <div className="stack">
      <PanelCard review={r} />
      <DrawRecordCard review={r} />
      <Card title={`参评申报（${r.applications.length}）`}>
        <ul className="plain-list">
          {r.applications.map((a) => (
            <li key={a.id}>
              {a.providerOrgName}：{a.title}
            </li>
          ))}
        </ul>
      </Card>
      {hasResults ? (
        results.isPending ? (
          <Skeleton active />
        ) : results.isError ? (
          <LoadFailed message={results.error.message} onRetry={() => results.refetch()} />
        ) : (
          <>
            <ResultsCard results={results.data} />
            {results.data.actions.includes('award') ? (
              <AwardForm call={call} results={results.data} onAwarded={refresh} />
            ) : null}
          </>
        )
      ) : (
        <Alert type="info" showIcon title="全部专家提交评分后，可在此查看评审结果并确定拟立项" />
      )}
    </div>
  );
}

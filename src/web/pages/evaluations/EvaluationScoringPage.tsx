/**
 * The evaluator's scoring page: each indicator scored from 0 to its weight (one decimal) with a
 * note, the template's guidance beside it, the running total and grade, the report summary and
 * PDF, then submission. Others see the evaluation read-only.
 */
import { UploadOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Form,
  Input,
  InputNumber,
  Popconfirm,
  Skeleton,
  Space,
  Typography,
  Upload,
} from 'antd';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { type Evaluation, evaluationStageLabels, gradeLabels, gradeOf } from '../../../domain/evaluations';
import { api, errorMessage } from '../../api';
import { LoadFailed } from '../../components/ErrorPages';
import { applyServerErrors } from '../../components/forms';
import { PageHeader } from '../../components/PageHeader';
import { formatDate } from '../../format';
import { EvaluationStateTag, PROJECTS_KEY } from '../projects/parts';

interface Values {
  scores: Record<string, { score: number | null; note: string }>;
  reportSummary: string;
}

const deci = (v: number | null | undefined) => Math.round((Number(v) || 0) * 10);

export function EvaluationScoringPage() {
  const { id = '' } = useParams();
  const evaluation = useQuery({
    queryKey: [PROJECTS_KEY, 'evaluation', id],
    queryFn: ({ signal }) => api.get<Evaluation>(`/api/evaluations/${id}`, undefined, signal),
  });
  if (evaluation.isError)
    return <LoadFailed message={evaluation.error.message} onRetry={() => evaluation.refetch()} />;
  if (!evaluation.data) return <Skeleton active />;
  return <ScoringForm key={evaluation.data.version} evaluation={evaluation.data} />;
}

function ScoringForm({ evaluation: e }: { evaluation: Evaluation }) {
  const [form] = Form.useForm<Values>();
  const client = useQueryClient();
  const { message } = App.useApp();
  const [busy, setBusy] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const editable = e.actions.includes('score');
  const watched = (Form.useWatch('scores', form) ?? {}) as Values['scores'];
  const totalDeci = Object.values(watched).reduce((s, v) => s + deci(v?.score), 0);
  const scored = Object.values(watched).filter((v) => v?.score !== null && v?.score !== undefined).length;
  const indicators = e.dimensions.flatMap((d) => d.indicators);
  const byKey = new Map(e.scores.map((s) => [s.key, s]));

  async function save(values: Values) {
    const updated = await api.put<Evaluation>(`/api/evaluations/${e.id}/scores`, {
      scores: indicators
        .filter((i) => values.scores[i.key]?.score !== null && values.scores[i.key]?.score !== undefined)
        .map((i) => ({
          key: i.key,
          score: values.scores[i.key].score,
          note: values.scores[i.key].note ?? '',
        })),
      reportSummary: values.reportSummary ?? '',
      version: e.version,
    });
    return updated;
  }
  async function act(kind: 'save' | 'submit') {
    setBusy(kind);
    setFailure(null);
    try {
      const values = await form.validateFields();
      const saved = await save(values);
      if (kind === 'submit') await api.post(`/api/evaluations/${e.id}/submit`, { version: saved.version });
      message.success(kind === 'submit' ? '评估已提交，等待购买主体确认' : '评分已保存');
      await client.invalidateQueries({ queryKey: [PROJECTS_KEY] });
    } catch (error) {
      if (error && typeof error === 'object' && 'errorFields' in error) return;
      setFailure(applyServerErrors(form, error, ['scores', 'reportSummary']));
    } finally {
      setBusy(null);
    }
  }

  return (
    <>
      <PageHeader
        title={`${evaluationStageLabels[e.stage]} · 评分`}
        subTitle={
          <span>
            <Link to={`/app/projects/${e.projectId}`}>查看项目</Link> · {e.templateName} · 截止{' '}
            {formatDate(e.dueOn)} <EvaluationStateTag status={e.status} />
          </span>
        }
      />
      {e.returnReason && e.status === 'returned' ? (
        <Alert
          type="warning"
          showIcon
          title={`购买主体退回：${e.returnReason}`}
          style={{ marginBottom: 16 }}
        />
      ) : null}
      {failure ? <Alert type="error" showIcon title={failure} style={{ marginBottom: 16 }} /> : null}
      <Form<Values>
        form={form}
        layout="vertical"
        disabled={!editable}
        initialValues={{
          reportSummary: e.reportSummary ?? '',
          scores: Object.fromEntries(
            indicators.map((i) => [
              i.key,
              { score: byKey.get(i.key)?.score ?? null, note: byKey.get(i.key)?.note ?? '' },
            ]),
          ),
        }}
      >
        {e.dimensions.map((d) => (
          <Card key={d.name} title={d.name} size="small" style={{ marginBottom: 12 }}>
            {d.indicators.map((i) => (
              <div key={i.key} className="indicator-row" data-testid={`indicator-${i.key}`}>
                <div className="indicator-head">
                  <strong>{i.name}</strong> <span className="muted">（满分 {i.weight} 分）</span>
                  {i.guidance ? <div className="muted small">评分说明：{i.guidance}</div> : null}
                </div>
                <Space wrap align="start" className="indicator-fields">
                  <Form.Item
                    name={['scores', i.key, 'score']}
                    rules={[{ type: 'number', min: 0, max: i.weight, message: `0 到 ${i.weight} 分` }]}
                    className="w-120"
                  >
                    <InputNumber
                      min={0}
                      max={i.weight}
                      step={0.5}
                      precision={1}
                      aria-label={`${i.name}得分`}
                    />
                  </Form.Item>
                  <Form.Item name={['scores', i.key, 'note']} className="indicator-note">
                    <Input placeholder="评分说明" maxLength={1000} aria-label={`${i.name}说明`} />
                  </Form.Item>
                </Space>
              </div>
            ))}
          </Card>
        ))}
        <Card size="small" style={{ marginBottom: 12 }}>
          <Typography.Text strong data-testid="running-total">
            已评 {scored}/{indicators.length} 项，合计 {(totalDeci / 10).toFixed(1)} 分，等级{' '}
            {gradeLabels[gradeOf(totalDeci, e.bands)]}
          </Typography.Text>
          <div className="muted small">
            分数线：优秀 ≥ {e.bands.excellent}，良好 ≥ {e.bands.good}，合格 ≥ {e.bands.pass}
          </div>
          <Form.Item name="reportSummary" label="报告摘要（公开，不少于20个字）" style={{ marginTop: 12 }}>
            <Input.TextArea rows={4} maxLength={2000} showCount />
          </Form.Item>
        </Card>
      </Form>
      <Card size="small" title="评估报告（PDF）" style={{ marginBottom: 12 }}>
        {e.report ? (
          <a href={e.report.url} download={e.report.name} data-testid="report-link">
            {e.report.name}
          </a>
        ) : (
          <span className="muted">尚未上传</span>
        )}
        {e.actions.includes('upload') ? (
          <div style={{ marginTop: 8 }}>
            <Upload
              accept=".pdf,application/pdf"
              showUploadList={false}
              customRequest={async ({ file }) => {
                setBusy('upload');
                try {
                  await api.upload(`/api/evaluations/${e.id}/report`, file as File);
                  message.success('报告已上传');
                  await client.invalidateQueries({ queryKey: [PROJECTS_KEY] });
                } catch (error) {
                  message.error(errorMessage(error));
                } finally {
                  setBusy(null);
                }
              }}
            >
              <Button icon={<UploadOutlined />} loading={busy === 'upload'}>
                上传报告
              </Button>
            </Upload>
          </div>
        ) : null}
      </Card>
      {editable ? (
        <Space wrap>
          <Button loading={busy === 'save'} onClick={() => act('save')}>
            保存
          </Button>
          <Popconfirm title="提交后不能再修改评分，确认提交？" okText="提交" onConfirm={() => act('submit')}>
            <Button type="primary" loading={busy === 'submit'}>
              提交评估
            </Button>
          </Popconfirm>
        </Space>
      ) : null}
    </>
  );
}

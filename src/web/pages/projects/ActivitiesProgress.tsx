/**
 * 指标进度: each contract indicator's achieved value against its target as a bar, and the
 * project's roll-up (each indicator capped at 100%, equally weighted); the provider reports values.
 */
import { useQuery } from '@tanstack/react-query';
import { Progress as Bar, Button, Form, Input, InputNumber, Select, Tag } from 'antd';
import { BP_FULL, type Progress } from '../../../domain/implementation';
import { api } from '../../api';
import { FormModal } from '../../components/RecordEditor';
import { formatDate, formatNumber } from '../../format';
import { PROJECTS_KEY, useDialog } from './parts';

export function useProgress(projectId: string) {
  return useQuery({
    queryKey: [PROJECTS_KEY, 'progress', projectId],
    queryFn: ({ signal }) => api.get<Progress>(`/api/projects/${projectId}/progress`, undefined, signal),
  });
}

const ROW = { margin: '12px 0' };
const percentOf = (bp: number) => (bp / BP_FULL) * 100;
const bpText = (bp: number) => `${(bp / 100).toFixed(bp % 100 === 0 ? 0 : 2)}%`;

/** The roll-up and one bar per indicator; `onReport` adds the provider's report button. */
export function ProgressBars({
  progress,
  onReport,
}: {
  progress: Progress;
  onReport?: (index: number) => void;
}) {
  const n = progress.indicators.length;
  if (n === 0) return <span className="muted">合同未约定绩效指标</span>;
  const weight = `${formatNumber(Math.round((100 / n) * 100) / 100)}%`;
  return (
    <div data-testid="indicator-progress">
      <div style={ROW} data-testid="progress-rollup">
        <strong>总体进度</strong>
        <Bar percent={percentOf(progress.progressBp)} format={() => bpText(progress.progressBp)} />
        <div className="small muted">
          {n} 项指标，各占权重 {weight}；单项完成超过目标的按 100% 计
        </div>
      </div>
      {progress.indicators.map((i) => (
        <div key={i.index} style={ROW} data-testid={`indicator-${i.index}`}>
          <div>
            <Tag color={i.kind === 'output' ? 'blue' : 'purple'}>{i.kind === 'output' ? '产出' : '成效'}</Tag>
            {i.name}
            <span className="muted">
              {' '}
              · 完成 {formatNumber(i.achieved)} / {formatNumber(i.target)} {i.unit} · 权重 {weight}
            </span>
            {onReport ? (
              <Button size="small" type="link" onClick={() => onReport(i.index)}>
                填报进度
              </Button>
            ) : null}
          </div>
          <Bar percent={percentOf(i.progressBp)} format={() => bpText(i.progressBp)} size="small" />
          {i.evidence ? (
            <div className="small muted">
              {formatDate(i.reportedOn)} 佐证：{i.evidence}
            </div>
          ) : null}
        </div>
      ))}
    </div>
  );
}

export function ActivitiesProgress({ projectId, canReport }: { projectId: string; canReport: boolean }) {
  const progress = useProgress(projectId);
  const dialog = useDialog<'report', number>();
  if (!progress.data) return null;
  const p = progress.data;
  const index = dialog.is('report')?.subject;
  return (
    <>
      <ProgressBars progress={p} onReport={canReport ? (i) => dialog.show('report', i) : undefined} />
      {index !== undefined ? (
        <FormModal<{ indicatorIndex: number; achieved: number; evidence: string }>
          title="填报指标进度"
          okText="提交"
          fields={['indicatorIndex', 'achieved', 'evidence']}
          invalidate={PROJECTS_KEY}
          initialValues={{ indicatorIndex: index, achieved: p.indicators[index]?.achieved }}
          onClose={dialog.close}
          onSubmit={async (v) => {
            await api.post(`/api/projects/${projectId}/progress`, v);
            return '已填报指标进度';
          }}
        >
          <Form.Item
            name="indicatorIndex"
            label="绩效指标"
            rules={[{ required: true, message: '请选择绩效指标' }]}
          >
            <Select
              options={p.indicators.map((i) => ({
                value: i.index,
                label: `${i.name}（目标 ${formatNumber(i.target)} ${i.unit}）`,
              }))}
            />
          </Form.Item>
          <Form.Item
            name="achieved"
            label="累计完成值"
            rules={[{ required: true, message: '请填写累计完成值' }]}
            extra="填写截至目前的累计值，以最新一次填报为准。"
          >
            <InputNumber min={0} style={{ width: '100%' }} aria-label="累计完成值" />
          </Form.Item>
          <Form.Item
            name="evidence"
            label="佐证说明"
            rules={[{ required: true, whitespace: true, min: 5, message: '佐证说明不少于5个字' }]}
          >
            <Input.TextArea rows={3} maxLength={1000} placeholder="如：入户探访记录表 120 份、签到表、照片" />
          </Form.Item>
        </FormModal>
      ) : null}
    </>
  );
}

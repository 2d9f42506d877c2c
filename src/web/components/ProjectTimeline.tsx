/** The public timeline of a project: every public step, oldest first, with its public facts. */
import { Empty, Timeline, Typography } from 'antd';
import { formatBp } from '../../domain/contracts';
import { formatDateTime, formatMoney } from '../format';
import { LogInclusionTag, useLogInclusion } from './LogInclusion';

export interface TimelineEvent {
  at: string;
  kind: string;
  title: string;
  detail: unknown;
  /** The step's audit entry in the transparency log (null for imported history). */
  auditId?: number | null;
}

const colors: Record<string, string> = {
  'call.cancel': 'red',
  'call.fail': 'red',
  'application.revoke': 'red',
  'publicity.objection_filed': 'orange',
  'contract.signed': 'green',
  'call.contract': 'green',
  'call.closePublicity': 'green',
};

type Detail = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v : null);
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** The public facts of a step, as short lines. */
export function timelineDetailLines(kind: string, raw: unknown): string[] {
  if (!raw || typeof raw !== 'object') return [];
  const d = raw as Detail;
  const lines: string[] = [];
  if (str(d.reason)) lines.push(`原因：${d.reason}`);
  if (kind === 'call.publish' && str(d.applicationClosesAt))
    lines.push(`申报截止：${formatDateTime(d.applicationClosesAt as string)}`);
  if (kind === 'call.startReview' && num(d.panelSize)) lines.push(`评审专家：${d.panelSize}人`);
  if (kind === 'review.completed' && num(d.applications))
    lines.push(`评审申报：${d.applications}个，专家${d.panelSize ?? ''}人`);
  if (kind === 'application.award') {
    const parts = [
      str(d.providerOrgName),
      num(d.amountFen) !== null ? `金额${formatMoney(d.amountFen as number)}` : null,
      num(d.scoreCenti) !== null ? `得分${((d.scoreCenti as number) / 100).toFixed(2)}` : null,
      num(d.rank) !== null ? `排名第${d.rank}` : null,
    ].filter(Boolean);
    if (parts.length) lines.push(parts.join('，'));
  }
  if (kind === 'call.openPublicity' && str(d.opensOn))
    lines.push(`公示期：${d.opensOn} 至 ${d.closesOn}（${d.workingDays}个工作日）`);
  if (kind === 'publicity.objection_answered' && str(d.answer)) lines.push(`答复：${d.answer}`);
  if (kind === 'contract.signed' || kind === 'contract.amended') {
    if (str(d.contractCode)) lines.push(`合同编号：${d.contractCode}`);
    if (str(d.providerName)) lines.push(`承接单位：${d.providerName}`);
    if (num(d.amountFen) !== null) lines.push(`合同金额：${formatMoney(d.amountFen as number)}`);
    if (str(d.periodStart)) lines.push(`服务期：${d.periodStart} 至 ${d.periodEnd}`);
    if (Array.isArray(d.milestones) && d.milestones.length) {
      const ms = (d.milestones as { label?: string; shareBp?: number; amountFen?: number }[])
        .map((m) => `${m.label ?? ''} ${formatBp(m.shareBp ?? 0)}（${formatMoney(m.amountFen ?? 0)}）`)
        .join('；');
      lines.push(`付款节点：${ms}`);
    }
    if (str(d.raisesValue)) lines.push(String(d.raisesValue));
  }
  return lines;
}

export function ProjectTimeline({ events }: { events: readonly TimelineEvent[] }) {
  const auditIds = events.flatMap((e) => (e.auditId ? [e.auditId] : []));
  const inclusion = useLogInclusion(auditIds);
  if (events.length === 0) return <Empty description="暂无公开进展" image={Empty.PRESENTED_IMAGE_SIMPLE} />;
  return (
    <Timeline
      data-testid="project-timeline"
      items={events.map((e, i) => ({
        key: `${e.at}-${i}`,
        color: colors[e.kind] ?? 'blue',
        content: (
          <div className="timeline-step" data-kind={e.kind}>
            <div className="muted timeline-time">{formatDateTime(e.at)}</div>
            <Typography.Text strong>{e.title}</Typography.Text>
            {timelineDetailLines(e.kind, e.detail).map((line) => (
              <div key={line} className="timeline-line">
                {line}
              </div>
            ))}
            {e.auditId ? (
              <div className="timeline-line">
                <LogInclusionTag status={inclusion.data?.get(e.auditId)} />
              </div>
            ) : null}
          </div>
        ),
      }))}
    />
  );
}

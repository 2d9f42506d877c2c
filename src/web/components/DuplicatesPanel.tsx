/**
 * 查重结果: the buyer and the review panel see every hit with the two texts side by side and the
 * shared sentences highlighted; the applicant sees only that its application was flagged.
 */
import { useQuery } from '@tanstack/react-query';
import { Alert, Card, Col, Collapse, Empty, Row, Skeleton, Space, Tag, Typography } from 'antd';
import type { ReactNode } from 'react';
import type { z } from 'zod';
import {
  type DuplicateHit,
  duplicateKindLabels,
  type duplicateReport,
  structureReasonLabels,
} from '../../domain/duplicates';
import { api } from '../api';

type Report = z.infer<typeof duplicateReport>;
type Passage = { start: number; end: number };

/** The text with the given spans wrapped in <mark>. */
export function highlight(text: string, spans: Passage[]): ReactNode[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  const parts: ReactNode[] = [];
  let at = 0;
  for (const s of sorted) {
    if (s.start < at) continue;
    if (s.start > at) parts.push(text.slice(at, s.start));
    parts.push(<mark key={s.start}>{text.slice(s.start, s.end)}</mark>);
    at = s.end;
  }
  if (at < text.length) parts.push(text.slice(at));
  return parts;
}

function SideBySide({ hit }: { hit: DuplicateHit }) {
  if (!hit.sideBySide) return null;
  const { selfText, otherText, passages } = hit.sideBySide;
  const box = (title: string, text: string, spans: Passage[]) => (
    <Col xs={24} md={12}>
      <Typography.Text strong>{title}</Typography.Text>
      <div
        className="duplicate-text"
        style={{ whiteSpace: 'pre-wrap', lineHeight: 1.8, maxHeight: 360, overflow: 'auto' }}
      >
        {highlight(text, spans)}
      </div>
    </Col>
  );
  return (
    <Row gutter={[16, 16]}>
      {box('本申报', selfText, passages.a)}
      {box(`相似项目：${hit.other.title}`, otherText, passages.b)}
    </Row>
  );
}

function hitTitle(hit: DuplicateHit) {
  return (
    <Space wrap>
      <Tag color={hit.kind === 'text' ? 'orange' : hit.kind === 'structure' ? 'red' : 'purple'}>
        {duplicateKindLabels[hit.kind]}
      </Tag>
      <span>相似度 {(hit.score * 100).toFixed(1)}%</span>
      <span>
        {hit.other.callCode}《{hit.other.title || hit.other.callTitle}》· {hit.other.providerName} ·{' '}
        {hit.other.year}年
      </span>
      {hit.other.funded ? <Tag color="green">已资助</Tag> : null}
    </Space>
  );
}

export function DuplicatesPanel({ applicationId }: { applicationId: string }) {
  const report = useQuery({
    queryKey: ['applications', 'duplicates', applicationId],
    queryFn: ({ signal }) =>
      api.get<Report>(`/api/applications/${applicationId}/duplicates`, undefined, signal),
  });
  if (report.isPending) return <Skeleton active />;
  if (report.isError) return null;
  const r = report.data;
  if (r.hits === null) {
    return r.flagged ? (
      <Alert
        type="warning"
        showIcon
        title={`系统查重提示：本申报与其他申报或已资助项目存在${r.count}处相似`}
        description={
          r.explanation
            ? `已提交说明：${r.explanation}`
            : '购买主体和评审专家将看到查重结果，建议填写查重说明。'
        }
      />
    ) : null;
  }
  return (
    <Card title={`查重结果（${r.hits.length}）`}>
      {r.explanation ? (
        <Alert
          type="info"
          showIcon
          title="申报单位的说明"
          description={r.explanation}
          style={{ marginBottom: 12 }}
        />
      ) : null}
      {r.hits.length === 0 ? (
        <Empty description="未发现与其他申报或已资助项目重复" />
      ) : (
        <Collapse
          items={r.hits.map((hit, i) => ({
            key: String(i),
            label: hitTitle(hit),
            children:
              hit.kind === 'text' ? (
                <SideBySide hit={hit} />
              ) : hit.kind === 'structure' ? (
                <span>
                  {hit.reasons.map((x) => structureReasonLabels[x] ?? x).join('、')}
                  ；同一社区、同一服务领域、服务期重叠
                </span>
              ) : (
                <span>相同附件：{hit.files.join('、')}</span>
              ),
          }))}
        />
      )}
    </Card>
  );
}

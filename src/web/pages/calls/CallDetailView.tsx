/** Everything public about a call: facts, description, rubric, attachments, changes and timeline. */
import { Card, Descriptions, Empty, Table, Tag, Typography } from 'antd';
import type { ReactNode } from 'react';
import { type ServiceCategory, serviceCategoryLabels } from '../../../domain/enums';
import { AttachmentList } from '../../components/Attachments';
import { ProjectTimeline } from '../../components/ProjectTimeline';
import { SimpleList } from '../../components/SimpleList';
import { CallStatusTag } from '../../components/status';
import { descriptionsLayout, useIsMobile } from '../../components/useIsMobile';
import { formatDate, formatDateTime, formatMoney } from '../../format';
import { aggregationShortLabels, type CallDetail, callFieldLabels, reviewMethodLabels } from './types';

function changeValue(field: string, value: unknown): string {
  if (value === null || value === undefined || value === '') return '空';
  if (field.endsWith('Fen') && typeof value === 'number') return formatMoney(value);
  if (field.startsWith('application') && typeof value === 'string') return formatDateTime(value);
  if (field === 'category') return serviceCategoryLabels[value as ServiceCategory] ?? String(value);
  if (field === 'reviewMethod') return reviewMethodLabels[String(value)] ?? String(value);
  if (field === 'descriptionHtml') return '（已修改）';
  if (field === 'serviceAreaIds' && Array.isArray(value)) return `${value.length}个区域`;
  if (field === 'rubric' && Array.isArray(value))
    return (value as { label: string; weight: number }[]).map((c) => `${c.label}${c.weight}`).join('、');
  if (Array.isArray(value)) return value.join('、') || '空';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export function ChangeHistory({ changes }: { changes: CallDetail['changes'] }) {
  if (changes.length === 0)
    return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="发布后未作修改" />;
  return (
    <SimpleList
      items={changes}
      rowKey={(c, i) => `${c.at}-${i}`}
      renderItem={(c) => {
        const fields = Object.entries(
          (c.changes ?? {}) as Record<string, { before: unknown; after: unknown }>,
        );
        return (
          <div className="change-item">
            <div>
              <div className="muted">{formatDateTime(c.at)}</div>
              {c.reason ? <div>修改原因：{c.reason}</div> : null}
              {fields.map(([field, v]) => (
                <div key={field} className="change-line">
                  {callFieldLabels[field] ?? field}：{changeValue(field, v?.before)} →{' '}
                  {changeValue(field, v?.after)}
                </div>
              ))}
            </div>
          </div>
        );
      }}
    />
  );
}

export function RubricTable({ rubric }: { rubric: CallDetail['rubric'] }) {
  return (
    <Table
      size="small"
      rowKey="key"
      pagination={false}
      dataSource={rubric}
      columns={[
        { title: '评分项', dataIndex: 'label' },
        { title: '分值', dataIndex: 'weight', width: 100, align: 'right' },
      ]}
      summary={() => (
        <Table.Summary.Row>
          <Table.Summary.Cell index={0}>合计</Table.Summary.Cell>
          <Table.Summary.Cell index={1} align="right">
            {rubric.reduce((s, c) => s + c.weight, 0)}
          </Table.Summary.Cell>
        </Table.Summary.Row>
      )}
    />
  );
}

export function CallFacts({ call, extra }: { call: CallDetail; extra?: ReactNode }) {
  const mobile = useIsMobile();
  const eligibility = [
    call.eligibility.minGrade ? `评估等级${call.eligibility.minGrade}及以上` : null,
    call.eligibility.minYearsRegistered ? `登记满${call.eligibility.minYearsRegistered}年` : null,
  ].filter(Boolean);
  return (
    <Descriptions
      bordered
      layout={descriptionsLayout(mobile)}
      size="small"
      column={{ xs: 1, sm: 1, md: 2 }}
      className="call-facts"
      items={[
        { key: 'code', label: '项目编号', children: <span className="mono">{call.code}</span> },
        { key: 'status', label: '状态', children: <CallStatusTag status={call.status} /> },
        { key: 'buyer', label: '购买主体', children: call.buyerName },
        {
          key: 'category',
          label: '服务领域',
          children: serviceCategoryLabels[call.category] ?? call.category,
        },
        { key: 'cap', label: '单个项目预算上限', children: formatMoney(call.budgetCapFen) },
        { key: 'total', label: '总预算', children: formatMoney(call.totalBudgetFen) },
        {
          key: 'window',
          label: '申报时间',
          span: { xs: 1, sm: 1, md: 2 },
          children: `${formatDateTime(call.applicationOpensAt)} 至 ${formatDateTime(call.applicationClosesAt)}`,
        },
        {
          key: 'period',
          label: '服务期',
          span: { xs: 1, sm: 1, md: 2 },
          children: `${formatDate(call.servicePeriodStart)} 至 ${formatDate(call.servicePeriodEnd)}`,
        },
        {
          key: 'areas',
          label: '服务区域',
          span: { xs: 1, sm: 1, md: 2 },
          children: call.serviceAreas.length
            ? call.serviceAreas.map((a) => <Tag key={a.id}>{a.name}</Tag>)
            : '—',
        },
        {
          key: 'targets',
          label: '服务对象',
          span: { xs: 1, sm: 1, md: 2 },
          children: call.targetGroups.length ? call.targetGroups.join('、') : '—',
        },
        {
          key: 'method',
          label: '评审方式',
          children: `${reviewMethodLabels[call.reviewMethod] ?? call.reviewMethod}（${aggregationShortLabels[call.aggregation] ?? call.aggregation}）`,
        },
        { key: 'count', label: '已提交申报', children: `${call.applicationCount} 份` },
        {
          key: 'eligibility',
          label: '资格条件',
          span: { xs: 1, sm: 1, md: 2 },
          children: [
            '依法登记的社会组织，统一社会信用代码有效，未列入黑榜，申请金额不超过预算上限，服务社区在服务区域内',
            ...eligibility,
          ].join('；'),
        },
        ...(call.statusReason
          ? [{ key: 'reason', label: '状态说明', span: { xs: 1, sm: 1, md: 2 }, children: call.statusReason }]
          : []),
        ...(call.publishedAt
          ? [{ key: 'published', label: '发布时间', children: formatDateTime(call.publishedAt) }]
          : []),
      ]}
      extra={extra}
    />
  );
}

/** The public body of a call page, in cards; the management page adds its own around it. */
export function CallDetailSections({
  call,
  uploadPath,
  onUploaded,
}: {
  call: CallDetail;
  uploadPath?: string;
  onUploaded?: () => void;
}) {
  return (
    <div className="stack">
      <Card title="项目概况">
        <CallFacts call={call} />
      </Card>
      <Card title="项目说明">
        {call.descriptionHtml ? (
          <div
            className="rich-text"
            // Sanitized by the server (allow-list of formatting tags) when the call was saved.
            // biome-ignore lint/security/noDangerouslySetInnerHtml: server-sanitized rich text
            dangerouslySetInnerHTML={{ __html: call.descriptionHtml }}
          />
        ) : (
          <Typography.Text type="secondary">无</Typography.Text>
        )}
      </Card>
      <Card title="评分标准">
        <RubricTable rubric={call.rubric} />
      </Card>
      <Card title="附件">
        <AttachmentList items={call.attachments} uploadPath={uploadPath} onUploaded={onUploaded} />
      </Card>
      <Card title="变更记录">
        <ChangeHistory changes={call.changes} />
      </Card>
      <Card title="项目进展（公开）">
        <ProjectTimeline events={call.timeline} />
      </Card>
    </div>
  );
}

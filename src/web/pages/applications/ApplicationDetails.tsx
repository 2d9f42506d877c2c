/** An application, read-only: the joint applicants, the proposal, budget, plan, team, eligibility. */
import { CheckCircleFilled, CloseCircleFilled } from '@ant-design/icons';
import { Card, Descriptions, Empty, Table, Typography } from 'antd';
import type { ReactNode } from 'react';
import { type BUDGET_CATEGORIES, budgetCategoryLabels } from '../../../domain/applications';
import { SimpleList } from '../../components/SimpleList';
import { ApplicationStatusTag } from '../../components/status';
import { descriptionsLayout, useIsMobile } from '../../components/useIsMobile';
import { formatDateTime, formatMoney, formatNumber } from '../../format';
import { type ApplicationView, indicatorKindLabels, partnerKindLabels } from './types';

/** Table rows need stable keys; list positions are the rows' identity here. */
export const withKeys = <T extends object>(rows: readonly T[]) => rows.map((r, i) => ({ ...r, key: i }));

/** A proposal as any viewer receives it (reviewers get plain strings for the enums). */
export interface ProposalLike {
  title: string;
  needAssessment: string;
  objectives: string;
  activities: string;
  indicators: { kind: string; name: string; target: number; unit: string }[];
  budget: { category: string; item: string; amountFen: number }[];
  timeline: { period: string; work: string }[];
  team: { name: string; role: string; qualification: string }[];
}

function Text({ value }: { value: string }) {
  return value.trim() ? (
    <Typography.Paragraph className="pre-wrap">{value}</Typography.Paragraph>
  ) : (
    <Typography.Text type="secondary">未填写</Typography.Text>
  );
}

export function ProposalSections({
  proposal,
  requestedFen,
}: {
  proposal: ProposalLike;
  requestedFen: number;
}) {
  return (
    <>
      <Card title="项目方案">
        <Typography.Title level={5}>需求评估</Typography.Title>
        <Text value={proposal.needAssessment} />
        <Typography.Title level={5}>项目目标</Typography.Title>
        <Text value={proposal.objectives} />
        <Typography.Title level={5}>服务活动</Typography.Title>
        <Text value={proposal.activities} />
      </Card>
      <Card title="绩效指标">
        <Table
          size="small"
          rowKey="key"
          pagination={false}
          scroll={{ x: 'max-content' }}
          dataSource={withKeys(proposal.indicators)}
          locale={{ emptyText: '未填写' }}
          columns={[
            { title: '类型', dataIndex: 'kind', render: (k: string) => indicatorKindLabels[k] ?? k },
            { title: '指标', dataIndex: 'name' },
            {
              title: '目标值',
              key: 'target',
              align: 'right',
              render: (_, r) => `${formatNumber(r.target)} ${r.unit}`,
            },
          ]}
        />
      </Card>
      <Card title="预算明细">
        <Table
          size="small"
          rowKey="key"
          pagination={false}
          scroll={{ x: 'max-content' }}
          dataSource={withKeys(proposal.budget)}
          locale={{ emptyText: '未填写' }}
          columns={[
            {
              title: '类别',
              dataIndex: 'category',
              render: (c: string) => budgetCategoryLabels[c as (typeof BUDGET_CATEGORIES)[number]] ?? c,
            },
            { title: '项目', dataIndex: 'item' },
            {
              title: '金额',
              dataIndex: 'amountFen',
              align: 'right',
              render: (v: number) => <span className="nowrap">{formatMoney(v)}</span>,
            },
          ]}
          summary={() => (
            <Table.Summary.Row>
              <Table.Summary.Cell index={0} colSpan={2}>
                合计
              </Table.Summary.Cell>
              <Table.Summary.Cell index={2} align="right">
                <strong className="nowrap">{formatMoney(requestedFen)}</strong>
              </Table.Summary.Cell>
            </Table.Summary.Row>
          )}
        />
      </Card>
      <Card title="实施计划">
        {proposal.timeline.length ? (
          <SimpleList
            size="small"
            items={proposal.timeline}
            rowKey={(_, i) => String(i)}
            renderItem={(t) => (
              <>
                <strong>{t.period}</strong>：{t.work}
              </>
            )}
          />
        ) : (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="未填写" />
        )}
      </Card>
      <Card title="项目团队">
        <Table
          size="small"
          rowKey="key"
          pagination={false}
          scroll={{ x: 'max-content' }}
          dataSource={withKeys(proposal.team)}
          locale={{ emptyText: '未填写' }}
          columns={[
            { title: '姓名', dataIndex: 'name' },
            { title: '职责', dataIndex: 'role' },
            { title: '资质', dataIndex: 'qualification' },
          ]}
        />
      </Card>
    </>
  );
}

export function EligibilityCard({ application, extra }: { application: ApplicationView; extra?: ReactNode }) {
  const a = application;
  if (!a.submittedAt && a.eligibility.length === 0) return null;
  return (
    <Card title="资格审查" extra={extra} data-testid="eligibility">
      <SimpleList
        size="small"
        items={a.eligibility}
        rowKey={(c) => c.rule}
        empty={<Typography.Text type="secondary">尚未审查</Typography.Text>}
        renderItem={(c) => (
          <>
            <span className={c.passed ? 'check-ok' : 'check-fail'}>
              {c.passed ? <CheckCircleFilled /> : <CloseCircleFilled />} {c.message}
            </span>
          </>
        )}
      />
      {a.eligibilityOverrideReason ? (
        <div className="override-reason">
          <Typography.Text strong>购买主体复核意见：</Typography.Text>
          {a.eligibilityOverrideReason}
        </div>
      ) : null}
    </Card>
  );
}

export function JointApplicants({ application }: { application: ApplicationView }) {
  const mobile = useIsMobile();
  const a = application;
  return (
    <Card title="联合申报主体（1+1+1+N）">
      <Descriptions
        bordered
        layout={descriptionsLayout(mobile)}
        size="small"
        column={{ xs: 1, sm: 1, md: 2 }}
        items={[
          {
            key: 'title',
            label: '申报项目',
            span: { xs: 1, sm: 1, md: 2 },
            children: a.proposal.title || '（未命名）',
          },
          {
            key: 'call',
            label: '征集项目',
            span: { xs: 1, sm: 1, md: 2 },
            children: `${a.callTitle}（${a.callCode}）`,
          },
          { key: 'provider', label: '申报单位（社会组织）', children: a.providerName },
          { key: 'status', label: '状态', children: <ApplicationStatusTag status={a.status} /> },
          {
            key: 'community',
            label: '服务社区',
            children: a.communityName ? `${a.communityName}（${a.communityOrgName ?? '—'}）` : '未选择',
          },
          {
            key: 'cosign',
            label: '社区签章',
            children: a.cosignedAt ? `已签章（${formatDateTime(a.cosignedAt)}）` : '未签章',
          },
          { key: 'worker', label: '项目社工', children: a.socialWorkerName || '未填写' },
          {
            key: 'cert',
            label: '社工证书编号',
            children: <span className="mono">{a.socialWorkerCertificate || '—'}</span>,
          },
          {
            key: 'partners',
            label: '社区参与力量',
            span: { xs: 1, sm: 1, md: 2 },
            children: a.partners.length
              ? a.partners
                  .map((p) => `${p.name}（${partnerKindLabels[p.kind]}，${p.headcount}人）`)
                  .join('；')
              : '无',
          },
          { key: 'amount', label: '申请金额', children: formatMoney(a.requestedFen) },
          { key: 'submitted', label: '提交时间', children: formatDateTime(a.submittedAt) },
          ...(a.duplicateExplanation
            ? [
                {
                  key: 'dup',
                  label: '查重说明',
                  span: { xs: 1, sm: 1, md: 2 },
                  children: a.duplicateExplanation,
                },
              ]
            : []),
        ]}
      />
    </Card>
  );
}

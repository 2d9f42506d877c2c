/** Pieces shared by the public publicity page and the buyer's publicity tab. */
import { Descriptions, Empty, Table, Typography } from 'antd';
import type { ReactNode } from 'react';
import { SimpleList } from '../../components/SimpleList';
import { AwardStatusTag, ObjectionStatusTag, PublicityPhaseTag } from '../../components/status';
import { descriptionsLayout, useIsMobile } from '../../components/useIsMobile';
import { formatDateTime, formatMoney } from '../../format';
import { EstimatedMark } from '../calendar/EstimatedMark';
import { formatScore, type PublicPublicity } from './types';

export function PublicityFacts({ p }: { p: PublicPublicity }) {
  const mobile = useIsMobile();
  return (
    <Descriptions
      bordered
      layout={descriptionsLayout(mobile)}
      size="small"
      column={{ xs: 1, sm: 1, md: 2 }}
      items={[
        { key: 'call', label: '项目', children: `${p.callTitle}（${p.callCode}）` },
        { key: 'buyer', label: '购买主体', children: p.buyerName },
        {
          key: 'period',
          label: '公示期',
          children: (
            <>
              {p.opensOn} 至 {p.closesOn}（{p.workingDays}个工作日）
              <EstimatedMark estimated={p.closesOnEstimated} />
            </>
          ),
        },
        { key: 'phase', label: '状态', children: <PublicityPhaseTag phase={p.phase} /> },
        ...(p.closedAt ? [{ key: 'closed', label: '结束时间', children: formatDateTime(p.closedAt) }] : []),
      ]}
    />
  );
}

export function AwardsTable({ awards }: { awards: PublicPublicity['awards'] }) {
  return (
    <Table
      size="small"
      rowKey="id"
      pagination={false}
      scroll={{ x: 'max-content' }}
      dataSource={awards}
      columns={[
        { title: '排名', dataIndex: 'rank', width: 64 },
        { title: '项目名称', dataIndex: 'projectTitle' },
        { title: '承接单位', dataIndex: 'providerName' },
        {
          title: '立项金额',
          dataIndex: 'amountFen',
          align: 'right',
          render: (v: number) => <span className="nowrap">{formatMoney(v)}</span>,
        },
        { title: '评审得分', dataIndex: 'scoreCenti', align: 'right', render: (v: number) => formatScore(v) },
        {
          title: '状态',
          dataIndex: 'status',
          render: (v: string, r) => (
            <>
              <AwardStatusTag status={v} />
              {r.revokedReason ? <div className="muted">{r.revokedReason}</div> : null}
            </>
          ),
        },
      ]}
    />
  );
}

type AnyObjection = PublicPublicity['objections'][number] & {
  objectorName?: string;
  objectorContact?: string;
  attachments?: { id: string; name: string; url: string }[];
  actions?: string[];
};

export function ObjectionList<T extends AnyObjection>(props: {
  objections: readonly T[];
  /** Extra content per objection (the buyer's answer form). */
  renderExtra?: (o: T) => ReactNode;
}) {
  if (props.objections.length === 0)
    return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="暂无异议" />;
  return (
    <SimpleList
      items={props.objections}
      rowKey={(o) => o.id}
      itemTestId="objection"
      itemClassName={() => 'objection'}
      renderItem={(o, i) => (
        <>
          <div style={{ width: '100%' }}>
            <div className="objection-head">
              <Typography.Text strong>异议 {i + 1}</Typography.Text>
              <ObjectionStatusTag status={o.status} />
              <span className="muted">{formatDateTime(o.createdAt)}</span>
            </div>
            {o.projectTitle ? <div className="muted">针对项目：{o.projectTitle}</div> : null}
            {o.objectorName ? (
              <div className="muted">
                提出人：{o.objectorName}（{o.objectorContact}）
                <span className="internal-note">仅内部可见</span>
              </div>
            ) : null}
            <Typography.Paragraph className="objection-reason">{o.reason}</Typography.Paragraph>
            {o.attachments?.length ? (
              <div className="muted">
                证据附件（仅内部可见）：
                {o.attachments.map((f) => (
                  <a key={f.id} href={f.url} style={{ marginRight: 8 }}>
                    {f.name}
                  </a>
                ))}
              </div>
            ) : null}
            {o.answer ? (
              <div className="objection-answer">
                <Typography.Text strong>答复：</Typography.Text>
                {o.answer}
                {o.answeredAt ? <span className="muted">（{formatDateTime(o.answeredAt)}）</span> : null}
              </div>
            ) : null}
            {props.renderExtra?.(o)}
          </div>
        </>
      )}
    />
  );
}

/** 整改 (rectification: required, submitted, re-checked) and 追回 (recovery with its repayments). */
import { Button, Card, Descriptions, Empty, Form, Input, InputNumber, Radio, Table, Tag } from 'antd';
import { useState } from 'react';
import {
  type Project,
  RECTIFICATION_DEFAULT_WORKING_DAYS,
  RECTIFICATION_MAX_WORKING_DAYS,
  type Recovery,
  type Rectification,
  recoveryStateLabels,
  rectificationStateLabels,
} from '../../../domain/projects';
import { api } from '../../api';
import { DatePicker } from '../../components/DatePicker';
import { OrgSelect } from '../../components/OrgSelect';
import { FormModal } from '../../components/RecordEditor';
import { type Dayjs, formatDate, formatDateTime, formatMoney, pickerDate, pickerToday } from '../../format';
import { EstimatedMark } from '../calendar/EstimatedMark';
import { MoneyField, PROJECTS_KEY, ReasonField, Section } from './parts';

type Open = { kind: 'open' } | { kind: 'submit' | 'check'; r: Rectification } | null;

export function RectificationsSection({ project }: { project: Project }) {
  const [open, setOpen] = useState<Open>(null);
  const close = () => setOpen(null);
  if (project.rectifications.length === 0 && !project.actions.includes('rectify')) return null;
  return (
    <Section
      title="整改"
      testId="rectifications"
      extra={
        project.actions.includes('rectify') ? (
          <Button onClick={() => setOpen({ kind: 'open' })}>要求整改</Button>
        ) : null
      }
    >
      {project.rectifications.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="无整改" />
      ) : (
        project.rectifications.map((r) => (
          <Card key={r.id} size="small" className="rectification-card" data-testid="rectification">
            <Descriptions
              size="small"
              column={1}
              items={[
                {
                  key: 's',
                  label: '状态',
                  children: (
                    <Tag color={r.status === 'passed' ? 'green' : r.status === 'failed' ? 'red' : 'orange'}>
                      {rectificationStateLabels[r.status]}
                    </Tag>
                  ),
                },
                { key: 'r', label: '整改要求', children: r.reason },
                {
                  key: 'd',
                  label: '期限',
                  children: (
                    <>
                      {formatDate(r.openedOn)} 起 {r.workingDays} 个工作日，至 {formatDate(r.dueOn)}
                      <EstimatedMark estimated={r.dueOnEstimated} />
                    </>
                  ),
                },
                { key: 'e', label: '复核机构', children: r.evaluatorName },
                ...(r.plan ? [{ key: 'p', label: '整改方案', children: r.plan }] : []),
                ...(r.evidence ? [{ key: 'v', label: '整改情况', children: r.evidence }] : []),
                ...(r.submittedAt
                  ? [{ key: 't', label: '提交时间', children: formatDateTime(r.submittedAt) }]
                  : []),
                ...(r.checkedAt
                  ? [
                      {
                        key: 'c',
                        label: '复核',
                        children: `${formatDateTime(r.checkedAt)} ${r.checkNote ?? ''}`,
                      },
                    ]
                  : []),
              ]}
            />
            {r.actions.includes('submit') ? (
              <Button type="primary" onClick={() => setOpen({ kind: 'submit', r })}>
                提交整改
              </Button>
            ) : null}
            {r.actions.includes('check') ? (
              <Button type="primary" onClick={() => setOpen({ kind: 'check', r })}>
                复核整改
              </Button>
            ) : null}
          </Card>
        ))
      )}
      {open?.kind === 'open' ? (
        <FormModal<{ reason: string; workingDays: number; evaluatorOrgId: string }>
          title="要求整改"
          okText="发出整改要求"
          fields={['reason', 'workingDays', 'evaluatorOrgId']}
          invalidate={PROJECTS_KEY}
          initialValues={{ workingDays: RECTIFICATION_DEFAULT_WORKING_DAYS }}
          onClose={close}
          onSubmit={async (v) => {
            await api.post(`/api/projects/${project.id}/rectifications`, v);
            return '已发出整改要求';
          }}
        >
          <Form.Item
            name="reason"
            label="整改要求"
            rules={[{ required: true, min: 5, message: '整改要求不少于5个字' }]}
          >
            <Input.TextArea rows={3} maxLength={2000} />
          </Form.Item>
          <Form.Item name="workingDays" label="整改期限（工作日）" rules={[{ required: true }]}>
            <InputNumber min={1} max={RECTIFICATION_MAX_WORKING_DAYS} precision={0} />
          </Form.Item>
          <Form.Item
            name="evaluatorOrgId"
            label="复核评估机构"
            rules={[{ required: true, message: '请选择评估机构' }]}
          >
            <OrgSelect kind="evaluator" />
          </Form.Item>
        </FormModal>
      ) : null}
      {open?.kind === 'submit' ? (
        <FormModal<{ plan: string; evidence: string }>
          title="提交整改"
          okText="提交"
          fields={['plan', 'evidence']}
          invalidate={PROJECTS_KEY}
          onClose={close}
          onSubmit={async (v) => {
            await api.post(`/api/rectifications/${open.r.id}/submit`, { ...v, version: open.r.version });
            return '整改已提交，等待评估机构复核';
          }}
        >
          <Form.Item
            name="plan"
            label="整改方案"
            rules={[{ required: true, min: 10, message: '整改方案不少于10个字' }]}
          >
            <Input.TextArea rows={4} maxLength={5000} />
          </Form.Item>
          <Form.Item
            name="evidence"
            label="整改情况说明"
            rules={[{ required: true, min: 10, message: '整改情况说明不少于10个字' }]}
          >
            <Input.TextArea rows={4} maxLength={5000} />
          </Form.Item>
        </FormModal>
      ) : null}
      {open?.kind === 'check' ? (
        <FormModal<{ decision: 'passed' | 'failed'; note: string }>
          title="复核整改"
          okText="提交复核结论"
          fields={['decision', 'note']}
          invalidate={PROJECTS_KEY}
          initialValues={{ decision: 'passed', note: '' }}
          onClose={close}
          onSubmit={async (v) => {
            await api.post(`/api/rectifications/${open.r.id}/check`, { ...v, version: open.r.version });
            return '已提交复核结论';
          }}
        >
          <Form.Item name="decision" label="复核结论">
            <Radio.Group
              options={[
                { value: 'passed', label: '合格' },
                { value: 'failed', label: '不合格' },
              ]}
            />
          </Form.Item>
          <Form.Item name="note" label="复核意见">
            <Input.TextArea rows={3} maxLength={2000} />
          </Form.Item>
        </FormModal>
      ) : null}
    </Section>
  );
}

type RecoveryOpen = { kind: 'open' } | { kind: 'repay'; r: Recovery } | null;

export function RecoveriesSection({ project }: { project: Project }) {
  const [open, setOpen] = useState<RecoveryOpen>(null);
  const close = () => setOpen(null);
  if (project.recoveries.length === 0 && !project.actions.includes('recover')) return null;
  return (
    <Section
      title="资金追回"
      testId="recoveries"
      extra={
        project.actions.includes('recover') ? (
          <Button danger onClick={() => setOpen({ kind: 'open' })}>
            要求追回
          </Button>
        ) : null
      }
    >
      <Table<Recovery>
        rowKey="id"
        size="small"
        pagination={false}
        scroll={{ x: 'max-content' }}
        dataSource={project.recoveries}
        locale={{ emptyText: '无追回' }}
        expandable={{
          rowExpandable: (r) => r.repayments.length > 0,
          expandedRowRender: (r) => (
            <ul className="plain-list">
              {r.repayments.map((p) => (
                <li key={p.id}>
                  {formatDate(p.paidOn)} 还款 {formatMoney(p.amountFen)}，凭证号 {p.voucherNo}
                </li>
              ))}
            </ul>
          ),
        }}
        columns={[
          { title: '追回金额', dataIndex: 'amountFen', align: 'right', render: formatMoney },
          { title: '已还', dataIndex: 'repaidFen', align: 'right', render: formatMoney },
          { title: '待还', dataIndex: 'outstandingFen', align: 'right', render: formatMoney },
          { title: '原因', dataIndex: 'reason' },
          { title: '期限', dataIndex: 'dueOn', render: formatDate },
          { title: '状态', dataIndex: 'status', render: (s: Recovery['status']) => recoveryStateLabels[s] },
          {
            title: '操作',
            key: 'actions',
            render: (_, r) =>
              r.actions.includes('repay') ? (
                <Button size="small" onClick={() => setOpen({ kind: 'repay', r })}>
                  登记还款
                </Button>
              ) : (
                <span className="muted">—</span>
              ),
          },
        ]}
      />
      {open?.kind === 'open' ? (
        <FormModal<{ amountFen: number; reason: string; dueOn: Dayjs }>
          title="要求追回资金"
          okText="发出追回要求"
          danger
          fields={['amountFen', 'reason', 'dueOn']}
          invalidate={PROJECTS_KEY}
          onClose={close}
          onSubmit={async (v) => {
            await api.post(`/api/projects/${project.id}/recoveries`, { ...v, dueOn: pickerDate(v.dueOn) });
            return '已发出追回要求';
          }}
        >
          <MoneyField label="追回金额" />
          <ReasonField name="reason" label="追回原因" />
          <Form.Item name="dueOn" label="还款期限" rules={[{ required: true, message: '请选择还款期限' }]}>
            <DatePicker style={{ width: '100%' }} />
          </Form.Item>
        </FormModal>
      ) : null}
      {open?.kind === 'repay' ? (
        <FormModal<{ amountFen: number; paidOn: Dayjs; voucherNo: string }>
          title="登记还款"
          okText="登记"
          fields={['amountFen', 'paidOn', 'voucherNo']}
          invalidate={PROJECTS_KEY}
          initialValues={{ amountFen: open.r.outstandingFen, paidOn: pickerToday() }}
          onClose={close}
          onSubmit={async (v) => {
            await api.post(`/api/recoveries/${open.r.id}/repayments`, { ...v, paidOn: pickerDate(v.paidOn) });
            return '已登记还款';
          }}
        >
          <MoneyField label="还款金额" />
          <Form.Item name="paidOn" label="还款日期" rules={[{ required: true, message: '请选择日期' }]}>
            <DatePicker style={{ width: '100%' }} />
          </Form.Item>
          <Form.Item
            name="voucherNo"
            label="凭证号"
            rules={[{ required: true, whitespace: true, message: '请填写凭证号' }]}
          >
            <Input maxLength={50} />
          </Form.Item>
        </FormModal>
      ) : null}
    </Section>
  );
}

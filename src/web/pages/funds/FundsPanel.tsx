/**
 * 资金: budget against actual per category (table and chart), payment requests (the provider asks,
 * the buyer approves, refuses or overrides, and records the payment), expenses with receipts,
 * and budget adjustments.
 */
import { UploadOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Descriptions,
  Form,
  Input,
  Popconfirm,
  Select,
  Skeleton,
  Space,
  Table,
  Upload,
} from 'antd';
import { lazy, Suspense, useState } from 'react';
import {
  BUDGET_CATEGORIES,
  budgetCategoryLabels,
  type Funds,
  type Payment,
  paymentConditionLabels,
} from '../../../domain/funds';
import { ApiError, api, errorMessage } from '../../api';
import { ATTACHMENT_ACCEPT } from '../../components/Attachments';
import { DatePicker } from '../../components/DatePicker';
import { LoadFailed } from '../../components/ErrorPages';
import { ReasonModal } from '../../components/ReasonModal';
import { FormModal } from '../../components/RecordEditor';
import { type Dayjs, formatDate, formatMoney, pickerDate, pickerToday } from '../../format';
import {
  MoneyField,
  PaymentStateTag,
  PROJECTS_KEY,
  ReasonField,
  Section,
  useDialog,
} from '../projects/parts';

const BudgetChart = lazy(() => import('./BudgetChart'));

type Expense = Funds['expenses'][number];
type Adjustment = Funds['adjustments'][number];
type Dialog = 'request' | 'reject' | 'override' | 'pay' | 'expense' | 'adjust' | 'refuseAdjustment';

const categoryOptions = BUDGET_CATEGORIES.map((c) => ({ value: c, label: budgetCategoryLabels[c] }));
const usedText = (bp: number | null) => (bp === null ? '—' : `${(bp / 100).toFixed(2)}%`);

export function useFunds(projectId: string) {
  return useQuery({
    queryKey: [PROJECTS_KEY, 'funds', projectId],
    queryFn: ({ signal }) => api.get<Funds>(`/api/projects/${projectId}/funds`, undefined, signal),
  });
}

export function FundsPanel({ projectId, chart }: { projectId: string; chart?: boolean }) {
  const funds = useFunds(projectId);
  const client = useQueryClient();
  const { message } = App.useApp();
  const dialog = useDialog<Dialog, { payment?: Payment; adjustment?: Adjustment; reason?: string }>();
  const [busy, setBusy] = useState<string | null>(null);
  if (funds.isError) return <LoadFailed message={funds.error.message} onRetry={() => funds.refetch()} />;
  if (!funds.data) return <Skeleton active />;
  const f = funds.data;
  const refresh = () => client.invalidateQueries({ queryKey: [PROJECTS_KEY] });

  async function approve(payment: Payment) {
    setBusy(payment.id);
    try {
      await api.post(`/api/payments/${payment.id}/approve`, { version: payment.version });
      message.success('已批准拨付');
      await refresh();
    } catch (error) {
      // A condition that does not hold: the server's reason, and the choice to override it.
      if (error instanceof ApiError && error.status === 409)
        dialog.show('override', { payment, reason: error.message });
      else message.error(errorMessage(error));
    } finally {
      setBusy(null);
    }
  }

  async function decideAdjustment(a: Adjustment, decision: 'approved' | 'rejected', note = '') {
    await api.post(`/api/budget-adjustments/${a.id}/decide`, { decision, note, version: a.version });
    message.success(decision === 'approved' ? '已批准预算调整' : '已驳回预算调整');
    await refresh();
  }

  const current = (kind: Dialog) => dialog.is(kind)?.subject;
  return (
    <div data-testid="funds-panel">
      <Descriptions
        size="small"
        column={{ xs: 1, sm: 3 }}
        items={[
          { key: 'c', label: '合同金额', children: formatMoney(f.contractFen) },
          {
            key: 'p',
            label: '已拨付',
            children: <span data-testid="paid-total">{formatMoney(f.paidFen)}</span>,
          },
          {
            key: 's',
            label: '已支出',
            children: <span data-testid="spent-total">{formatMoney(f.spentFen)}</span>,
          },
        ]}
      />
      <Section title="预算执行" testId="budget">
        {chart ? (
          <Suspense fallback={<Skeleton active />}>
            <BudgetChart budget={f.budget} />
          </Suspense>
        ) : null}
        <Table
          rowKey="category"
          size="small"
          pagination={false}
          scroll={{ x: 'max-content' }}
          dataSource={f.budget}
          columns={[
            { title: '预算类别', dataIndex: 'label' },
            { title: '预算', dataIndex: 'budgetFen', align: 'right', render: formatMoney },
            { title: '实际支出', dataIndex: 'actualFen', align: 'right', render: formatMoney },
            {
              title: '执行率',
              dataIndex: 'usedBp',
              align: 'right',
              render: (bp: number | null) => (
                <span className={bp !== null && bp > 11000 ? 'text-danger' : undefined}>{usedText(bp)}</span>
              ),
            },
          ]}
        />
      </Section>

      <Section
        title="拨付申请"
        testId="payments"
        extra={
          f.actions.includes('requestPayment') && f.openMilestones.length > 0 ? (
            <Button type="primary" onClick={() => dialog.show('request', {})}>
              申请拨付
            </Button>
          ) : null
        }
      >
        <Table<Payment>
          rowKey="id"
          size="small"
          pagination={false}
          scroll={{ x: 'max-content' }}
          dataSource={f.payments}
          locale={{ emptyText: '尚无拨付申请' }}
          columns={[
            { title: '付款节点', dataIndex: 'label' },
            {
              title: '条件',
              dataIndex: 'condition',
              render: (c: Payment['condition']) => paymentConditionLabels[c],
            },
            { title: '金额', dataIndex: 'amountFen', align: 'right', render: formatMoney },
            {
              title: '状态',
              dataIndex: 'status',
              render: (s: Payment['status']) => <PaymentStateTag status={s} />,
            },
            {
              title: '说明',
              key: 'note',
              render: (_, p) => (
                <div className="small">
                  {p.blockedBy ? <div className="text-warning">条件未满足：{p.blockedBy}</div> : null}
                  {p.overrideReason ? <div>越过条件批准：{p.overrideReason}</div> : null}
                  {p.rejectReason ? <div className="text-danger">驳回原因：{p.rejectReason}</div> : null}
                  {p.paidOn ? (
                    <div>
                      {formatDate(p.paidOn)} 拨付 {formatMoney(p.paidFen)}，凭证号 {p.voucherNo}
                    </div>
                  ) : null}
                </div>
              ),
            },
            {
              title: '操作',
              key: 'actions',
              render: (_, p) => (
                <Space size={4} wrap>
                  {p.actions.includes('approve') ? (
                    <Button size="small" type="primary" loading={busy === p.id} onClick={() => approve(p)}>
                      批准
                    </Button>
                  ) : null}
                  {p.actions.includes('reject') ? (
                    <Button size="small" danger onClick={() => dialog.show('reject', { payment: p })}>
                      驳回
                    </Button>
                  ) : null}
                  {p.actions.includes('pay') ? (
                    <Button size="small" type="primary" onClick={() => dialog.show('pay', { payment: p })}>
                      登记拨付
                    </Button>
                  ) : null}
                </Space>
              ),
            },
          ]}
        />
      </Section>

      <Section
        title="支出记录"
        testId="expenses"
        extra={
          f.actions.includes('addExpense') ? (
            <Button type="primary" onClick={() => dialog.show('expense', {})}>
              记录支出
            </Button>
          ) : null
        }
      >
        <Table<Expense>
          rowKey="id"
          size="small"
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          scroll={{ x: 'max-content' }}
          dataSource={f.expenses}
          locale={{ emptyText: '尚无支出记录' }}
          columns={[
            { title: '日期', dataIndex: 'spentOn', render: formatDate },
            { title: '类别', dataIndex: 'categoryLabel' },
            { title: '金额', dataIndex: 'amountFen', align: 'right', render: formatMoney },
            { title: '收款方', dataIndex: 'payee' },
            {
              title: '发票号码',
              dataIndex: 'invoiceNo',
              render: (v: string) => <span className="mono">{v}</span>,
            },
            { title: '说明', dataIndex: 'description' },
            {
              title: '票据',
              key: 'receipt',
              render: (_, e) =>
                e.receipt ? (
                  <a href={e.receipt.url} download={e.receipt.name}>
                    {e.receipt.name}
                  </a>
                ) : e.actions.includes('attachReceipt') ? (
                  <ReceiptUpload expenseId={e.id} onDone={refresh} />
                ) : (
                  <span className="muted">未上传</span>
                ),
            },
          ]}
        />
      </Section>

      <Section
        title="预算调整"
        testId="adjustments"
        extra={
          f.actions.includes('requestAdjustment') ? (
            <Button onClick={() => dialog.show('adjust', {})}>申请预算调整</Button>
          ) : null
        }
      >
        <Table<Adjustment>
          rowKey="id"
          size="small"
          pagination={false}
          scroll={{ x: 'max-content' }}
          dataSource={f.adjustments}
          locale={{ emptyText: '尚无预算调整' }}
          columns={[
            {
              title: '调整',
              key: 'move',
              render: (_, a) => (
                <span className="nowrap">
                  {budgetCategoryLabels[a.fromCategory]} → {budgetCategoryLabels[a.toCategory]}
                </span>
              ),
            },
            { title: '金额', dataIndex: 'amountFen', align: 'right', render: formatMoney },
            { title: '理由', dataIndex: 'reason' },
            {
              title: '状态',
              key: 'status',
              render: (_, a) =>
                ({ requested: '待审批', approved: '已批准', rejected: '未批准' })[a.status] +
                (a.note ? `（${a.note}）` : ''),
            },
            {
              title: '操作',
              key: 'actions',
              render: (_, a) =>
                a.actions.includes('decide') ? (
                  <Space size={4}>
                    <Popconfirm
                      title="批准这项预算调整？"
                      okText="批准"
                      onConfirm={() => decideAdjustment(a, 'approved')}
                    >
                      <Button size="small" type="primary">
                        批准
                      </Button>
                    </Popconfirm>
                    <Button
                      size="small"
                      danger
                      onClick={() => dialog.show('refuseAdjustment', { adjustment: a })}
                    >
                      驳回
                    </Button>
                  </Space>
                ) : (
                  <span className="muted">—</span>
                ),
            },
          ]}
        />
      </Section>

      {dialog.is('request') ? (
        <FormModal<{ milestoneKey: string }>
          title="申请拨付"
          okText="提交申请"
          fields={['milestoneKey']}
          invalidate={PROJECTS_KEY}
          onClose={dialog.close}
          onSubmit={async (v) => {
            await api.post(`/api/projects/${projectId}/payments`, v);
            return '已提交拨付申请';
          }}
        >
          <Form.Item
            name="milestoneKey"
            label="付款节点"
            rules={[{ required: true, message: '请选择付款节点' }]}
          >
            <Select
              options={f.openMilestones.map((m) => ({
                value: m.key,
                label: `${m.label}（${formatMoney(m.amountFen)}，${paymentConditionLabels[m.condition]}）`,
              }))}
            />
          </Form.Item>
        </FormModal>
      ) : null}
      {current('reject')?.payment ? (
        <ReasonModal
          title={`驳回拨付申请：${current('reject')!.payment!.label}`}
          label="驳回原因"
          minLength={5}
          danger
          onClose={dialog.close}
          onSubmit={async (reason) => {
            const p = current('reject')!.payment!;
            await api.post(`/api/payments/${p.id}/reject`, { reason, version: p.version });
            message.success('已驳回');
            await refresh();
          }}
        />
      ) : null}
      {current('override')?.payment ? (
        <ReasonModal
          title="付款条件未满足"
          label="越过付款条件的理由"
          okText="越过条件批准"
          danger
          minLength={10}
          intro={
            <Alert
              type="error"
              showIcon
              data-testid="payment-refused"
              title={`不能批准：${current('override')!.reason}`}
              description="如确需拨付，请填写理由越过付款条件；理由会记录在审计日志中并触发预警。"
            />
          }
          onClose={dialog.close}
          onSubmit={async (overrideReason) => {
            const p = current('override')!.payment!;
            await api.post(`/api/payments/${p.id}/approve`, { overrideReason, version: p.version });
            message.success('已越过条件批准');
            await refresh();
          }}
        />
      ) : null}
      {current('pay')?.payment ? (
        <FormModal<{ paidOn: Dayjs; amountFen: number; voucherNo: string }>
          title={`登记拨付：${current('pay')!.payment!.label}`}
          okText="登记"
          fields={['paidOn', 'amountFen', 'voucherNo']}
          invalidate={PROJECTS_KEY}
          initialValues={{ paidOn: pickerToday(), amountFen: current('pay')!.payment!.amountFen }}
          onClose={dialog.close}
          onSubmit={async (v) => {
            const p = current('pay')!.payment!;
            await api.post(`/api/payments/${p.id}/paid`, {
              paidOn: pickerDate(v.paidOn),
              amountFen: v.amountFen,
              voucherNo: v.voucherNo,
              version: p.version,
            });
            return '已登记拨付';
          }}
        >
          <Form.Item name="paidOn" label="拨付日期" rules={[{ required: true, message: '请选择拨付日期' }]}>
            <DatePicker style={{ width: '100%' }} />
          </Form.Item>
          <MoneyField label="拨付金额" />
          <Form.Item
            name="voucherNo"
            label="凭证号"
            rules={[{ required: true, whitespace: true, message: '请填写凭证号' }]}
          >
            <Input maxLength={50} />
          </Form.Item>
        </FormModal>
      ) : null}
      {dialog.is('expense') ? <ExpenseModal projectId={projectId} onClose={dialog.close} /> : null}
      {dialog.is('adjust') ? (
        <FormModal<{ fromCategory: string; toCategory: string; amountFen: number; reason: string }>
          title="申请预算调整"
          okText="提交申请"
          fields={['fromCategory', 'toCategory', 'amountFen', 'reason']}
          invalidate={PROJECTS_KEY}
          onClose={dialog.close}
          onSubmit={async (v) => {
            await api.post(`/api/projects/${projectId}/budget-adjustments`, v);
            return '已提交预算调整申请，待购买主体审批';
          }}
        >
          <Form.Item
            name="fromCategory"
            label="调出类别"
            rules={[{ required: true, message: '请选择调出类别' }]}
          >
            <Select options={categoryOptions} />
          </Form.Item>
          <Form.Item
            name="toCategory"
            label="调入类别"
            rules={[{ required: true, message: '请选择调入类别' }]}
          >
            <Select options={categoryOptions} />
          </Form.Item>
          <MoneyField label="调整金额" />
          <ReasonField name="reason" label="调整理由" />
        </FormModal>
      ) : null}
      {current('refuseAdjustment')?.adjustment ? (
        <ReasonModal
          title="驳回预算调整"
          label="驳回意见"
          danger
          onClose={dialog.close}
          onSubmit={(note) => decideAdjustment(current('refuseAdjustment')!.adjustment!, 'rejected', note)}
        />
      ) : null}
    </div>
  );
}

function ReceiptUpload({ expenseId, onDone }: { expenseId: string; onDone: () => void }) {
  const { message } = App.useApp();
  const [uploading, setUploading] = useState(false);
  return (
    <Upload
      accept={ATTACHMENT_ACCEPT}
      showUploadList={false}
      customRequest={async ({ file }) => {
        setUploading(true);
        try {
          await api.upload(`/api/expenses/${expenseId}/receipt`, file as File);
          message.success('票据已上传');
          onDone();
        } catch (error) {
          message.error(errorMessage(error));
        } finally {
          setUploading(false);
        }
      }}
    >
      <Button size="small" icon={<UploadOutlined />} loading={uploading}>
        上传票据
      </Button>
    </Upload>
  );
}

interface ExpenseValues {
  category: string;
  amountFen: number;
  spentOn: Dayjs;
  invoiceNo: string;
  payee: string;
  description?: string;
}

/** Records an expense and, when a receipt file was chosen, uploads it to the new expense. */
function ExpenseModal({ projectId, onClose }: { projectId: string; onClose: () => void }) {
  const [receipt, setReceipt] = useState<File | null>(null);
  return (
    <FormModal<ExpenseValues>
      title="记录支出"
      okText="保存"
      fields={['category', 'amountFen', 'spentOn', 'invoiceNo', 'payee', 'description']}
      invalidate={PROJECTS_KEY}
      initialValues={{ spentOn: pickerToday() }}
      onClose={onClose}
      onSubmit={async (v) => {
        const created = await api.post<{ id: string }>(`/api/projects/${projectId}/expenses`, {
          ...v,
          spentOn: pickerDate(v.spentOn),
          description: v.description ?? '',
        });
        if (receipt) await api.upload(`/api/expenses/${created.id}/receipt`, receipt);
        return receipt ? '已记录支出并上传票据' : '已记录支出（请补传票据）';
      }}
    >
      <div className="form-grid">
        <Form.Item name="category" label="预算类别" rules={[{ required: true, message: '请选择预算类别' }]}>
          <Select options={categoryOptions} />
        </Form.Item>
        <MoneyField label="支出金额" />
        <Form.Item name="spentOn" label="支出日期" rules={[{ required: true, message: '请选择日期' }]}>
          <DatePicker style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item
          name="invoiceNo"
          label="发票号码"
          rules={[{ required: true, whitespace: true, message: '请填写发票号码' }]}
        >
          <Input maxLength={50} />
        </Form.Item>
        <Form.Item
          name="payee"
          label="收款方"
          className="span-2"
          rules={[{ required: true, whitespace: true, message: '请填写收款方' }]}
        >
          <Input maxLength={100} />
        </Form.Item>
      </div>
      <Form.Item name="description" label="说明">
        <Input.TextArea rows={2} maxLength={500} />
      </Form.Item>
      <Form.Item label="票据（PDF 或图片）">
        <Upload
          accept={ATTACHMENT_ACCEPT}
          maxCount={1}
          beforeUpload={(file) => {
            setReceipt(file);
            return false;
          }}
          onRemove={() => setReceipt(null)}
        >
          <Button icon={<UploadOutlined />}>选择票据文件</Button>
        </Upload>
      </Form.Item>
    </FormModal>
  );
}

/**
 * One contract: the buyer edits the draft's amount, period and payment milestones (percentages
 * adding up to 100%); each party confirms the terms it sees; amendments after signing keep a reason.
 */
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Descriptions,
  Form,
  Input,
  InputNumber,
  Modal,
  Popconfirm,
  Skeleton,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { BP_TOTAL, contractTermProblems, formatBp, milestoneAmounts } from '../../../domain/contracts';
import { api, errorMessage } from '../../api';
import { DatePicker } from '../../components/DatePicker';
import { LoadFailed } from '../../components/ErrorPages';
import { applyServerErrors } from '../../components/forms';
import { MoneyInput } from '../../components/MoneyInput';
import { PageHeader } from '../../components/PageHeader';
import { SimpleList } from '../../components/SimpleList';
import { ContractStatusTag } from '../../components/status';
import { descriptionsLayout, useIsMobile } from '../../components/useIsMobile';
import {
  type Dayjs,
  formatDate,
  formatDateTime,
  formatMoney,
  formatNumber,
  pickerDate,
  toPicker,
} from '../../format';
import { withKeys } from '../applications/ApplicationDetails';
import { indicatorKindLabels } from '../applications/types';
import type { Contract } from './types';

interface MilestoneRow {
  key?: string;
  label: string;
  percent: number | null;
}
interface TermsValues {
  amountFen: number | null;
  periodStart: Dayjs | null;
  periodEnd: Dayjs | null;
  milestones: MilestoneRow[];
}

const toBp = (percent: number | null | undefined) => Math.round((Number(percent) || 0) * 100);

/** The milestones with their amounts, when the percentages add up to 100%. */
function previewAmounts(amountFen: number | null, rows: MilestoneRow[]) {
  const shares = rows.map((r) => toBp(r?.percent));
  const sum = shares.reduce((a, b) => a + b, 0);
  if (!amountFen || sum !== BP_TOTAL || shares.some((s) => s <= 0)) return { sum, amounts: null };
  return {
    sum,
    amounts: milestoneAmounts(
      amountFen,
      rows.map((r, i) => ({ key: r.key ?? `m${i + 1}`, label: r.label ?? '', shareBp: shares[i] })),
    ).map((m) => m.amountFen),
  };
}

function TermsEditor({ contract, onSaved }: { contract: Contract; onSaved: (c: Contract) => void }) {
  const [form] = Form.useForm<TermsValues>();
  const { message } = App.useApp();
  const [saving, setSaving] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const amountFen = Form.useWatch('amountFen', form) as number | null;
  const rows = (Form.useWatch('milestones', form) ?? []) as MilestoneRow[];
  const preview = previewAmounts(amountFen, rows);
  const range = (d: Dayjs) =>
    d.isBefore(toPicker(contract.servicePeriodStart), 'day') ||
    d.isAfter(toPicker(contract.servicePeriodEnd), 'day');

  return (
    <Card title="合同条款（草稿，可修改）" data-testid="contract-terms">
      <Typography.Paragraph type="secondary">
        修改后双方需重新确认。合同金额不高于立项金额 {formatMoney(contract.awardAmountFen)}
        ，服务期在项目服务期 {contract.servicePeriodStart} 至 {contract.servicePeriodEnd} 之内。
      </Typography.Paragraph>
      {failure ? <Alert type="error" showIcon title={failure} style={{ marginBottom: 12 }} /> : null}
      <Form<TermsValues>
        form={form}
        layout="vertical"
        initialValues={{
          amountFen: contract.amountFen,
          periodStart: toPicker(contract.periodStart),
          periodEnd: toPicker(contract.periodEnd),
          milestones: contract.milestones.map((m) => ({
            key: m.key,
            label: m.label,
            percent: m.shareBp / 100,
          })),
        }}
        onFinish={async (v) => {
          // The same term checks as the server's (src/domain/contracts.ts), before sending.
          const problems = contractTermProblems(
            {
              amountFen: v.amountFen ?? 0,
              periodStart: pickerDate(v.periodStart) ?? '',
              periodEnd: pickerDate(v.periodEnd) ?? '',
              indicators: contract.indicators,
              milestones: [],
            },
            {
              awardFen: contract.awardAmountFen,
              servicePeriodStart: contract.servicePeriodStart,
              servicePeriodEnd: contract.servicePeriodEnd,
              proposalIndicators: contract.indicators,
            },
            null,
          );
          if (problems.length > 0) {
            form.setFields(problems.map((p) => ({ name: p.path as 'amountFen', errors: [p.message] })));
            return;
          }
          setSaving(true);
          setFailure(null);
          try {
            const updated = await api.patch<Contract>(`/api/contracts/${contract.id}`, {
              amountFen: v.amountFen,
              periodStart: pickerDate(v.periodStart),
              periodEnd: pickerDate(v.periodEnd),
              milestones: v.milestones.map((m) => ({
                ...(m.key ? { key: m.key } : {}),
                label: m.label.trim(),
                shareBp: toBp(m.percent),
              })),
              version: contract.version,
            });
            message.success('合同条款已保存，请双方确认');
            onSaved(updated);
          } catch (error) {
            setFailure(
              applyServerErrors(form, error, ['amountFen', 'periodStart', 'periodEnd', 'milestones']),
            );
          } finally {
            setSaving(false);
          }
        }}
      >
        <div className="form-grid">
          <Form.Item
            label="合同金额"
            name="amountFen"
            className="span-2"
            rules={[
              { required: true, message: '请填写合同金额' },
              {
                validator: async (_r, v: number | null) => {
                  if (v && v > contract.awardAmountFen)
                    throw new Error(`不能高于立项金额${formatMoney(contract.awardAmountFen)}`);
                },
              },
            ]}
          >
            <MoneyInput aria-label="合同金额" />
          </Form.Item>
          <Form.Item
            label="服务期开始"
            name="periodStart"
            rules={[{ required: true, message: '请选择开始日期' }]}
          >
            <DatePicker style={{ width: '100%' }} disabledDate={range} />
          </Form.Item>
          <Form.Item
            label="服务期结束"
            name="periodEnd"
            rules={[{ required: true, message: '请选择结束日期' }]}
          >
            <DatePicker style={{ width: '100%' }} disabledDate={range} />
          </Form.Item>
        </div>
        <Typography.Title level={5}>付款节点</Typography.Title>
        <Form.List
          name="milestones"
          rules={[
            {
              validator: async (_r, list: MilestoneRow[] | undefined) => {
                if (!list?.length) throw new Error('至少设置一个付款节点');
                const sum = list.reduce((s, m) => s + toBp(m?.percent), 0);
                if (sum !== BP_TOTAL) throw new Error(`付款节点比例合计必须为100%（当前${formatBp(sum)}）`);
              },
            },
          ]}
        >
          {(fields, { add, remove }, { errors }) => (
            <div className="milestones-editor">
              {fields.map((f, i) => (
                <Space key={f.key} align="start" wrap className="row-fields">
                  <Form.Item
                    name={[f.name, 'label']}
                    rules={[{ required: true, whitespace: true, message: '请填写付款条件' }]}
                    className="w-220"
                  >
                    <Input
                      placeholder="付款条件，如：中期评估合格后"
                      aria-label={`付款节点${i + 1}条件`}
                      maxLength={50}
                    />
                  </Form.Item>
                  <Form.Item
                    name={[f.name, 'percent']}
                    rules={[{ required: true, message: '请填写比例' }]}
                    className="w-120"
                  >
                    <InputNumber
                      min={0.01}
                      max={100}
                      precision={2}
                      suffix="%"
                      aria-label={`付款节点${i + 1}比例`}
                      style={{ width: '100%' }}
                    />
                  </Form.Item>
                  <span className="milestone-amount" data-testid={`milestone-amount-${i}`}>
                    {preview.amounts ? formatMoney(preview.amounts[i]) : '—'}
                  </span>
                  <Button
                    type="text"
                    danger
                    icon={<DeleteOutlined />}
                    aria-label={`删除付款节点${i + 1}`}
                    disabled={fields.length <= 1}
                    onClick={() => remove(f.name)}
                  />
                  <Form.Item name={[f.name, 'key']} hidden noStyle>
                    <Input type="hidden" />
                  </Form.Item>
                </Space>
              ))}
              <div className="rubric-footer">
                <Button icon={<PlusOutlined />} onClick={() => add({ label: '', percent: null })}>
                  添加付款节点
                </Button>
                <span
                  className={preview.sum === BP_TOTAL ? 'rubric-total ok' : 'rubric-total bad'}
                  data-testid="milestone-total"
                >
                  合计 {formatBp(preview.sum)}
                </span>
              </div>
              <Form.ErrorList errors={errors} />
            </div>
          )}
        </Form.List>
        <Button type="primary" htmlType="submit" loading={saving} style={{ marginTop: 12 }}>
          保存条款
        </Button>
      </Form>
    </Card>
  );
}

function TermsView({ contract }: { contract: Contract }) {
  return (
    <Card title="付款节点">
      <Table
        size="small"
        rowKey="key"
        pagination={false}
        dataSource={contract.milestones}
        columns={[
          { title: '付款条件', dataIndex: 'label' },
          { title: '比例', dataIndex: 'shareBp', align: 'right', render: (v: number) => formatBp(v) },
          { title: '金额', dataIndex: 'amountFen', align: 'right', render: (v: number) => formatMoney(v) },
        ]}
      />
    </Card>
  );
}

function AmendModal({
  contract,
  onClose,
  onDone,
}: {
  contract: Contract;
  onClose: () => void;
  onDone: (c: Contract) => void;
}) {
  const [form] = Form.useForm<{ reason: string; amountFen: number | null; periodEnd: Dayjs | null }>();
  const [saving, setSaving] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const amount = Form.useWatch('amountFen', form);
  return (
    <Modal
      open
      title="合同变更"
      okText="登记变更"
      confirmLoading={saving}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">
        变更前后内容和原因永久留存；提高合同金额将提示监督单位。
      </Typography.Paragraph>
      {failure ? <Alert type="error" showIcon title={failure} style={{ marginBottom: 12 }} /> : null}
      <Form
        form={form}
        layout="vertical"
        initialValues={{ amountFen: contract.amountFen, periodEnd: toPicker(contract.periodEnd) }}
        onFinish={async (v) => {
          setSaving(true);
          setFailure(null);
          const changes: Record<string, unknown> = {};
          if (v.amountFen && v.amountFen !== contract.amountFen) changes.amountFen = v.amountFen;
          const end = pickerDate(v.periodEnd);
          if (end && end !== contract.periodEnd) changes.periodEnd = end;
          try {
            onDone(
              await api.post<Contract>(`/api/contracts/${contract.id}/amendments`, {
                reason: v.reason,
                changes,
              }),
            );
            onClose();
          } catch (error) {
            setFailure(applyServerErrors(form, error, ['reason']));
          } finally {
            setSaving(false);
          }
        }}
      >
        <Form.Item
          label="合同金额"
          name="amountFen"
          extra={
            amount && amount > contract.amountFen ? (
              <span className="text-danger">金额提高，将标记提示监督单位</span>
            ) : null
          }
        >
          <MoneyInput aria-label="变更后合同金额" />
        </Form.Item>
        <Form.Item label="服务期结束" name="periodEnd">
          <DatePicker style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item
          label="变更原因"
          name="reason"
          rules={[
            { required: true, whitespace: true, message: '请填写变更原因' },
            { min: 5, message: '不少于5个字' },
          ]}
        >
          <Input.TextArea rows={3} maxLength={1000} showCount />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export function ContractPage() {
  const mobile = useIsMobile();
  const { id = '' } = useParams();
  const client = useQueryClient();
  const { message } = App.useApp();
  const [confirming, setConfirming] = useState(false);
  const [amending, setAmending] = useState(false);
  const query = useQuery({
    queryKey: ['contracts', 'detail', id],
    queryFn: ({ signal }) => api.get<Contract>(`/api/contracts/${id}`, undefined, signal),
  });
  if (query.isPending) return <Skeleton active />;
  if (query.isError) return <LoadFailed message={query.error.message} onRetry={() => query.refetch()} />;
  const c = query.data;
  const set = (updated: Contract) => {
    client.setQueryData(['contracts', 'detail', id], updated);
    client.invalidateQueries({ queryKey: ['contracts', 'list'] });
    client.invalidateQueries({ queryKey: ['calls'] });
  };

  return (
    <>
      <PageHeader
        title={`合同 ${c.code}`}
        subTitle={
          <span>
            {c.projectTitle} · <ContractStatusTag status={c.status} />
          </span>
        }
        extra={
          <>
            <Link to={`/calls/${c.callId}`}>项目公开页</Link>
            {c.actions.includes('confirm') ? (
              <Popconfirm
                title="确认合同"
                description={`确认以上条款（金额${formatMoney(c.amountFen)}，付款节点${c.milestones.map((m) => formatBp(m.shareBp)).join('/')}）？双方均确认后合同签订。`}
                okText="确认"
                cancelText="取消"
                onConfirm={async () => {
                  setConfirming(true);
                  try {
                    const updated = await api.post<Contract>(`/api/contracts/${c.id}/confirm`, {
                      termsDigest: c.termsDigest,
                    });
                    set(updated);
                    message.success(updated.status === 'signed' ? '合同已签订' : '已确认，等待对方确认');
                  } catch (error) {
                    message.error(errorMessage(error));
                    query.refetch();
                  } finally {
                    setConfirming(false);
                  }
                }}
              >
                <Button type="primary" loading={confirming}>
                  确认合同
                </Button>
              </Popconfirm>
            ) : null}
            {c.actions.includes('amend') ? <Button onClick={() => setAmending(true)}>合同变更</Button> : null}
          </>
        }
      />
      <div className="stack">
        {c.status === 'signed' ? (
          <Alert type="success" showIcon title={`合同已于 ${formatDateTime(c.signedAt)} 签订`} />
        ) : c.status === 'draft' ? (
          <Alert
            type="info"
            showIcon
            title="待双方确认"
            description={
              <span>
                购买方：{c.buyerConfirmedAt ? `已确认（${formatDateTime(c.buyerConfirmedAt)}）` : '未确认'}
                ；承接方：
                {c.providerConfirmedAt ? `已确认（${formatDateTime(c.providerConfirmedAt)}）` : '未确认'}
              </span>
            }
          />
        ) : null}
        <Card title="合同信息">
          <Descriptions
            bordered
            layout={descriptionsLayout(mobile)}
            size="small"
            column={{ xs: 1, sm: 1, md: 2 }}
            items={[
              { key: 'code', label: '合同编号', children: <span className="mono">{c.code}</span> },
              { key: 'status', label: '状态', children: <ContractStatusTag status={c.status} /> },
              { key: 'project', label: '项目', span: { xs: 1, sm: 1, md: 2 }, children: c.projectTitle },
              {
                key: 'call',
                label: '征集项目',
                span: { xs: 1, sm: 1, md: 2 },
                children: `${c.callTitle}（${c.callCode}）`,
              },
              { key: 'buyer', label: '购买方', children: c.buyerName },
              { key: 'provider', label: '承接方', children: c.providerName },
              { key: 'award', label: '立项金额', children: formatMoney(c.awardAmountFen) },
              { key: 'amount', label: '合同金额', children: <strong>{formatMoney(c.amountFen)}</strong> },
              {
                key: 'period',
                label: '服务期',
                span: { xs: 1, sm: 1, md: 2 },
                children: `${formatDate(c.periodStart)} 至 ${formatDate(c.periodEnd)}`,
              },
            ]}
          />
        </Card>
        {c.actions.includes('update') ? (
          <TermsEditor key={c.version} contract={c} onSaved={set} />
        ) : (
          <TermsView contract={c} />
        )}
        <Card title="绩效指标" extra={c.indicatorsChanged ? <Tag color="orange">与申报书不同</Tag> : null}>
          {c.indicatorChangeReason ? (
            <Typography.Paragraph>调整原因：{c.indicatorChangeReason}</Typography.Paragraph>
          ) : null}
          <Table
            size="small"
            rowKey="key"
            pagination={false}
            scroll={{ x: 'max-content' }}
            dataSource={withKeys(c.indicators)}
            columns={[
              { title: '类型', dataIndex: 'kind', render: (k: string) => indicatorKindLabels[k] ?? k },
              { title: '指标', dataIndex: 'name' },
              {
                title: '目标值',
                key: 't',
                align: 'right',
                render: (_, r) => `${formatNumber(r.target)} ${r.unit}`,
              },
            ]}
          />
        </Card>
        {c.amendments.length ? (
          <Card title={`合同变更（${c.amendments.length}）`}>
            <SimpleList
              items={c.amendments}
              rowKey={(a) => a.id}
              renderItem={(a) => (
                <>
                  <div>
                    <div>
                      <strong>第{a.number}次变更</strong>{' '}
                      <span className="muted">{formatDateTime(a.createdAt)}</span>
                      {a.raisesValue ? (
                        <Tag color="red" style={{ marginLeft: 8 }}>
                          {a.raisesValue}
                        </Tag>
                      ) : null}
                    </div>
                    <div>原因：{a.reason}</div>
                    {Object.keys(a.after).map((k) => (
                      <div key={k} className="muted">
                        {k === 'amountFen'
                          ? '合同金额'
                          : k === 'periodEnd'
                            ? '服务期结束'
                            : k === 'milestones'
                              ? '付款节点'
                              : k}
                        ：
                        {k === 'amountFen'
                          ? `${formatMoney(a.before[k] as number)} → ${formatMoney(a.after[k] as number)}`
                          : k === 'milestones'
                            ? '已调整'
                            : `${String(a.before[k])} → ${String(a.after[k])}`}
                      </div>
                    ))}
                  </div>
                </>
              )}
            />
          </Card>
        ) : null}
      </div>
      {amending ? (
        <AmendModal
          contract={c}
          onClose={() => setAmending(false)}
          onDone={(u) => {
            set(u);
            message.success('已登记合同变更');
          }}
        />
      ) : null}
    </>
  );
}

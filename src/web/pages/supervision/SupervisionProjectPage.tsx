/** One project as the supervisory bodies see it: everything, non-public included; reads are audited. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Descriptions, Form, Input, List, Modal, Table, Tabs, Tag } from 'antd';
import { useState } from 'react';
import { useParams } from 'react-router';
import { budgetCategoryLabels } from '../../../domain/applications';
import { contractStatusLabels } from '../../../domain/contracts';
import { evaluationStageLabels, gradeLabels } from '../../../domain/evaluations';
import { callStateLabels } from '../../../domain/lifecycle';
import { projectStateLabels } from '../../../domain/projects';
import type { Inspection } from '../../../server/modules/supervision/api';
import { api, download, errorMessage } from '../../api';
import { DatePicker } from '../../components/DatePicker';
import { applyServerErrors } from '../../components/forms';
import { PageHeader } from '../../components/PageHeader';
import { PageSpinner } from '../../components/PageSpinner';
import { descriptionsLayout, useIsMobile } from '../../components/useIsMobile';
import { type Dayjs, formatDate, formatDateTime, formatMoney, pickerDate, toPicker } from '../../format';
import { inspectionStateColors, inspectionStateLabels } from './labels';

type FileRef = { id: string; name: string; url: string };
type L = Record<string, string>;
const label = (labels: L, v: string | null) => (v ? (labels[v] ?? v) : '—');

interface ProjectFile {
  call: {
    id: string;
    code: string;
    title: string;
    status: string;
    year: number;
    buyerName: string;
    totalBudgetFen: number;
    servicePeriodStart: string;
    servicePeriodEnd: string;
    files: FileRef[];
  };
  applications: {
    id: string;
    providerName: string;
    title: string;
    status: string;
    requestedFen: number;
    files: FileRef[];
  }[];
  duplicates: { id: string; applicationTitle: string; kind: string; score: number }[];
  contracts: {
    id: string;
    code: string;
    providerName: string;
    amountFen: number;
    status: string;
    projectStatus: string | null;
    files: FileRef[];
  }[];
  payments: {
    id: string;
    label: string;
    amountFen: number;
    status: string;
    paidOn: string | null;
    voucherNo: string | null;
  }[];
  expenses: {
    id: string;
    spentOn: string;
    category: string;
    amountFen: number;
    invoiceNo: string;
    payee: string;
    receipts: FileRef[];
  }[];
  evaluations: {
    id: string;
    stage: string;
    evaluatorName: string;
    status: string;
    grade: string | null;
    totalDeci: number | null;
    reports: FileRef[];
  }[];
  alerts: { id: string; message: string; status: string; raisedAt: string }[];
  inspections: Inspection[];
}

/** Opens a non-public document through the console's route, which records the read. */
function Files({ files }: { files: FileRef[] }) {
  if (!files.length) return <span className="muted">—</span>;
  return (
    <span className="file-links">
      {files.map((f) => (
        <a key={f.id} href={f.url} target="_blank" rel="noopener">
          {f.name}{' '}
        </a>
      ))}
    </span>
  );
}

/** A non-public list loaded only when asked for: the request itself is what the audit trail records. */
function AuditedRead<T extends object>(props: {
  path: string;
  button: string;
  columns: { title: string; dataIndex?: string; render?: (v: never, r: T) => React.ReactNode }[];
}) {
  const [open, setOpen] = useState(false);
  const data = useQuery({
    queryKey: ['supervision', 'read', props.path],
    queryFn: () => api.get<{ items: T[] }>(props.path),
    enabled: open,
  });
  if (!open)
    return (
      <div>
        <p className="muted">以下内容不公开，查阅将记入审计日志。</p>
        <Button onClick={() => setOpen(true)}>{props.button}</Button>
      </div>
    );
  return (
    <Table<T>
      rowKey={(r) => ('id' in r ? String(r.id) : JSON.stringify(r))}
      loading={data.isLoading}
      dataSource={data.data?.items ?? []}
      columns={props.columns as never}
      pagination={false}
      scroll={{ x: true }}
      size="small"
    />
  );
}

function InspectionForm(props: { callId: string; editing?: Inspection; onDone: () => void }) {
  const [form] = Form.useForm();
  const { message } = App.useApp();
  const fields = ['scope', 'findings', 'followUp', 'dueOn'];
  const save = useMutation({
    mutationFn: (v: { scope: string; findings: string; followUp: string; dueOn: Dayjs | null }) => {
      const body = { ...v, dueOn: pickerDate(v.dueOn) };
      return props.editing
        ? api.patch(`/api/inspections/${props.editing.id}`, { ...body, version: props.editing.version })
        : api.post(`/api/supervision/projects/${props.callId}/inspections`, body);
    },
    onSuccess: () => {
      message.success('检查记录已保存');
      form.resetFields();
      props.onDone();
    },
    onError: (e) => {
      const rest = applyServerErrors(form, e, fields);
      if (rest) message.error(rest);
    },
  });
  const initial = props.editing ? { ...props.editing, dueOn: toPicker(props.editing.dueOn) } : undefined;
  return (
    <Form form={form} layout="vertical" initialValues={initial} onFinish={(v) => save.mutate(v)}>
      <Form.Item name="scope" label="检查范围" rules={[{ required: true, message: '请填写检查范围' }]}>
        <Input.TextArea rows={2} maxLength={1000} />
      </Form.Item>
      <Form.Item name="findings" label="检查发现" rules={[{ required: true, message: '请填写检查发现' }]}>
        <Input.TextArea rows={3} maxLength={4000} />
      </Form.Item>
      <Form.Item name="followUp" label="整改要求" rules={[{ required: true, message: '请填写整改要求' }]}>
        <Input.TextArea rows={2} maxLength={2000} />
      </Form.Item>
      <Form.Item name="dueOn" label="答复期限" rules={[{ required: true, message: '请选择答复期限' }]}>
        <DatePicker className="filter-160" />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={save.isPending}>
        {props.editing ? '保存修改' : '记录检查'}
      </Button>
    </Form>
  );
}

export function InspectionItem(props: { item: Inspection; actions?: React.ReactNode }) {
  const i = props.item;
  return (
    <List.Item actions={props.actions ? [props.actions] : undefined}>
      <List.Item.Meta
        title={
          <span>
            <Tag color={inspectionStateColors[i.status]}>{inspectionStateLabels[i.status]}</Tag>
            {i.callTitle} <span className="muted">{formatDateTime(i.createdAt)}</span>
          </span>
        }
        description={
          <div className="inspection-text">
            <div>
              检查单位：{i.supervisorOrgName ?? '—'}（{i.supervisorName}）
            </div>
            <div>检查范围：{i.scope}</div>
            <div>检查发现：{i.findings}</div>
            <div>
              整改要求：{i.followUp}（{formatDate(i.dueOn)} 前答复）
            </div>
            {i.answer ? <div>购买主体答复：{i.answer}</div> : null}
            {i.answerFileName ? (
              <div>
                答复附件：
                <a href={`/api/inspections/${i.id}/answer-file`} target="_blank" rel="noopener">
                  {i.answerFileName}
                </a>
              </div>
            ) : null}
            {i.closeNote ? <div>办结意见：{i.closeNote}</div> : null}
          </div>
        }
      />
    </List.Item>
  );
}

function Inspections(props: { file: ProjectFile; refresh: () => void }) {
  const [editing, setEditing] = useState<Inspection | null>(null);
  const [closing, setClosing] = useState<Inspection | null>(null);
  const [note, setNote] = useState('');
  const { message } = App.useApp();
  const close = useMutation({
    mutationFn: (i: Inspection) => api.post(`/api/inspections/${i.id}/close`, { note, version: i.version }),
    onSuccess: () => {
      message.success('已办结');
      setClosing(null);
      props.refresh();
    },
    onError: (e) => message.error(errorMessage(e)),
  });
  return (
    <>
      <List
        dataSource={props.file.inspections}
        locale={{ emptyText: '尚无检查记录' }}
        renderItem={(i) => (
          <InspectionItem
            item={i}
            actions={
              <span>
                {i.actions.includes('edit') ? <Button onClick={() => setEditing(i)}>修改</Button> : null}{' '}
                {i.actions.includes('close') ? <Button onClick={() => setClosing(i)}>办结</Button> : null}
              </span>
            }
          />
        )}
      />
      <Card title="记录检查" size="small">
        <InspectionForm callId={props.file.call.id} onDone={props.refresh} />
      </Card>
      <Modal
        title="修改检查记录"
        open={!!editing}
        footer={null}
        onCancel={() => setEditing(null)}
        destroyOnHidden
      >
        {editing ? (
          <InspectionForm
            callId={props.file.call.id}
            editing={editing}
            onDone={() => {
              setEditing(null);
              props.refresh();
            }}
          />
        ) : null}
      </Modal>
      <Modal
        title="办结检查"
        open={!!closing}
        okText="办结"
        confirmLoading={close.isPending}
        onOk={() => closing && close.mutate(closing)}
        onCancel={() => setClosing(null)}
      >
        <Input.TextArea
          aria-label="办结意见"
          placeholder="办结意见（选填）"
          value={note}
          onChange={(e) => setNote(e.target.value)}
        />
      </Modal>
    </>
  );
}

export function SupervisionProjectPage() {
  const { id } = useParams();
  const mobile = useIsMobile();
  const client = useQueryClient();
  const { message } = App.useApp();
  const [zipping, setZipping] = useState(false);
  const key = ['supervision', 'project', id];
  const file = useQuery({
    queryKey: key,
    queryFn: () => api.get<ProjectFile>(`/api/supervision/projects/${id}`),
  });
  if (!file.data) return <PageSpinner />;
  const f = file.data;
  const refresh = () => client.invalidateQueries({ queryKey: key });
  const money = (v: number) => <span className="nowrap">{formatMoney(v)}</span>;
  return (
    <>
      <PageHeader
        title={f.call.title}
        subTitle={f.call.code}
        extra={
          <Button
            loading={zipping}
            onClick={async () => {
              setZipping(true);
              try {
                await download(
                  `/api/supervision/projects/${f.call.id}/dossier.zip`,
                  undefined,
                  `档案-${f.call.code}.zip`,
                );
              } catch (e) {
                message.error(errorMessage(e));
              } finally {
                setZipping(false);
              }
            }}
          >
            下载档案（ZIP）
          </Button>
        }
      />
      <Card>
        <Tabs
          items={[
            {
              key: 'overview',
              label: '概况',
              children: (
                <>
                  <Descriptions
                    bordered
                    size="small"
                    column={mobile ? 1 : 2}
                    layout={descriptionsLayout(mobile)}
                  >
                    <Descriptions.Item label="购买主体">{f.call.buyerName}</Descriptions.Item>
                    <Descriptions.Item label="年度">{f.call.year}</Descriptions.Item>
                    <Descriptions.Item label="征集状态">
                      {label(callStateLabels, f.call.status)}
                    </Descriptions.Item>
                    <Descriptions.Item label="总预算">{money(f.call.totalBudgetFen)}</Descriptions.Item>
                    <Descriptions.Item label="服务期">
                      {formatDate(f.call.servicePeriodStart)} 至 {formatDate(f.call.servicePeriodEnd)}
                    </Descriptions.Item>
                    <Descriptions.Item label="征集附件">
                      <Files files={f.call.files} />
                    </Descriptions.Item>
                  </Descriptions>
                  <Table
                    rowKey="id"
                    size="small"
                    pagination={false}
                    scroll={{ x: true }}
                    dataSource={f.contracts}
                    columns={[
                      { title: '合同', dataIndex: 'code' },
                      { title: '承接主体', dataIndex: 'providerName' },
                      { title: '金额', dataIndex: 'amountFen', render: money },
                      {
                        title: '合同状态',
                        dataIndex: 'status',
                        render: (v: string) => label(contractStatusLabels, v),
                      },
                      {
                        title: '实施',
                        dataIndex: 'projectStatus',
                        render: (v: string | null) => label(projectStateLabels, v),
                      },
                      { title: '附件', key: 'files', render: (_, r) => <Files files={r.files} /> },
                    ]}
                  />
                  {f.alerts.length ? (
                    <List
                      header="预警"
                      dataSource={f.alerts}
                      renderItem={(a) => (
                        <List.Item>
                          {formatDateTime(a.raisedAt)} {a.message} <Tag>{a.status}</Tag>
                        </List.Item>
                      )}
                    />
                  ) : null}
                </>
              ),
            },
            {
              key: 'applications',
              label: '申报与查重',
              children: (
                <>
                  <Table
                    rowKey="id"
                    size="small"
                    pagination={false}
                    scroll={{ x: true }}
                    dataSource={f.applications}
                    columns={[
                      { title: '申报主体', dataIndex: 'providerName' },
                      { title: '项目', dataIndex: 'title' },
                      { title: '申请金额', dataIndex: 'requestedFen', render: money },
                      { title: '申报材料', key: 'files', render: (_, r) => <Files files={r.files} /> },
                    ]}
                  />
                  <List
                    header="查重结果"
                    dataSource={f.duplicates}
                    locale={{ emptyText: '无查重命中' }}
                    renderItem={(d) => (
                      <List.Item>
                        《{d.applicationTitle}》{d.kind} 相似度 {(d.score * 100).toFixed(0)}%
                      </List.Item>
                    )}
                  />
                </>
              ),
            },
            {
              key: 'scores',
              label: '专家评分',
              children: (
                <AuditedRead<{
                  expertName: string;
                  applicationTitle: string;
                  totalCenti: number | null;
                  comment: string;
                }>
                  path={`/api/supervision/projects/${f.call.id}/scores`}
                  button="查看专家评分"
                  columns={[
                    { title: '专家', dataIndex: 'expertName' },
                    { title: '申报项目', dataIndex: 'applicationTitle' },
                    {
                      title: '总分',
                      dataIndex: 'totalCenti',
                      render: (v: number | null) => (v === null ? '未提交' : (v / 100).toFixed(2)),
                    },
                    { title: '意见', dataIndex: 'comment' },
                  ]}
                />
              ),
            },
            {
              key: 'objections',
              label: '公示异议',
              children: (
                <AuditedRead<{
                  id: string;
                  objectorName: string;
                  objectorContact: string;
                  reason: string;
                  status: string;
                }>
                  path={`/api/supervision/projects/${f.call.id}/objections`}
                  button="查看异议人身份"
                  columns={[
                    { title: '异议人', dataIndex: 'objectorName' },
                    { title: '联系方式', dataIndex: 'objectorContact' },
                    { title: '理由', dataIndex: 'reason' },
                    { title: '处理', dataIndex: 'status' },
                  ]}
                />
              ),
            },
            {
              key: 'funds',
              label: '资金',
              children: (
                <>
                  <Table
                    rowKey="id"
                    size="small"
                    pagination={false}
                    scroll={{ x: true }}
                    dataSource={f.payments}
                    columns={[
                      { title: '拨付节点', dataIndex: 'label' },
                      { title: '金额', dataIndex: 'amountFen', render: money },
                      { title: '状态', dataIndex: 'status' },
                      {
                        title: '支付日期',
                        dataIndex: 'paidOn',
                        render: (v: string | null) => (v ? formatDate(v) : '—'),
                      },
                      { title: '凭证号', dataIndex: 'voucherNo' },
                    ]}
                  />
                  <Table
                    rowKey="id"
                    size="small"
                    pagination={false}
                    scroll={{ x: true }}
                    dataSource={f.expenses}
                    columns={[
                      { title: '日期', dataIndex: 'spentOn', render: (v: string) => formatDate(v) },
                      {
                        title: '类别',
                        dataIndex: 'category',
                        render: (v: string) => label(budgetCategoryLabels, v),
                      },
                      { title: '金额', dataIndex: 'amountFen', render: money },
                      { title: '发票号', dataIndex: 'invoiceNo' },
                      { title: '收款方', dataIndex: 'payee' },
                      { title: '票据', key: 'receipts', render: (_, r) => <Files files={r.receipts} /> },
                    ]}
                  />
                </>
              ),
            },
            {
              key: 'evaluations',
              label: '评估',
              children: (
                <Table
                  rowKey="id"
                  size="small"
                  pagination={false}
                  scroll={{ x: true }}
                  dataSource={f.evaluations}
                  columns={[
                    {
                      title: '阶段',
                      dataIndex: 'stage',
                      render: (v: string) => label(evaluationStageLabels, v),
                    },
                    { title: '评估机构', dataIndex: 'evaluatorName' },
                    {
                      title: '得分',
                      dataIndex: 'totalDeci',
                      render: (v: number | null) => (v === null ? '—' : (v / 10).toFixed(1)),
                    },
                    {
                      title: '等级',
                      dataIndex: 'grade',
                      render: (v: string | null) => label(gradeLabels, v),
                    },
                    { title: '报告', key: 'reports', render: (_, r) => <Files files={r.reports} /> },
                  ]}
                />
              ),
            },
            { key: 'inspections', label: '检查记录', children: <Inspections file={f} refresh={refresh} /> },
          ]}
        />
      </Card>
    </>
  );
}

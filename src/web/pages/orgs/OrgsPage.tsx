/** 组织管理: buyers, street stations, providers, communities, evaluators, supervisors. */
import { PlusOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Descriptions, Drawer, Form, Input, Modal, Select, Tag } from 'antd';
import { useState } from 'react';
import type { Org } from '../../../domain/api';
import { creditCodeMessages, creditCodeProblem } from '../../../domain/credit-code';
import {
  GRADES,
  ORG_KINDS,
  type OrgKind,
  orgKindLabels,
  SERVICE_CATEGORIES,
  type ServiceCategory,
  serviceCategoryLabels,
} from '../../../domain/enums';
import { api } from '../../api';
import { DatePicker } from '../../components/DatePicker';
import { LoadFailed } from '../../components/ErrorPages';
import { applyServerErrors, blanksToNull, changedFields } from '../../components/forms';
import { ExportButton, ImportButton, TemplateLink } from '../../components/ImportExport';
import {
  ACTIVE_OPTIONS,
  ActiveTag,
  activationActions,
  ListToolbar,
  PagedTable,
  RowActions,
  SearchBox,
  useList,
  useListParams,
  usePostAction,
} from '../../components/list';
import { PageHeader } from '../../components/PageHeader';
import { RegionTreeSelect } from '../../components/RegionTreeSelect';
import { useIsMobile } from '../../components/useIsMobile';
import { type Dayjs, formatDate, pickerDate, pickerNow, toPicker } from '../../format';

const KIND_OPTIONS = ORG_KINDS.map((k) => ({ value: k, label: orgKindLabels[k] }));
const CATEGORY_OPTIONS = SERVICE_CATEGORIES.map((c) => ({ value: c, label: serviceCategoryLabels[c] }));
const GRADE_OPTIONS = GRADES.map((g) => ({ value: g, label: g }));
/** Kinds that are registered legal entities with a registration date and a legal representative. */
const REGISTERED_KINDS: readonly OrgKind[] = ['provider', 'evaluator'];

interface FormValues {
  name: string;
  kind: OrgKind;
  creditCode: string | null;
  regionId: string | null;
  registeredOn: string | null;
  grade: string | null;
  legalRepresentative: string | null;
  contactName: string | null;
  contactPhone: string | null;
  address: string | null;
  categories: ServiceCategory[];
}
const FIELDS = [
  'name',
  'kind',
  'creditCode',
  'regionId',
  'registeredOn',
  'grade',
  'legalRepresentative',
  'contactName',
  'contactPhone',
  'address',
  'categories',
];

function fromOrg(o: Org): FormValues {
  return {
    name: o.name,
    kind: o.kind,
    creditCode: o.creditCode,
    regionId: o.regionId,
    registeredOn: o.registeredOn,
    grade: o.grade,
    legalRepresentative: o.legalRepresentative,
    contactName: o.contactName,
    contactPhone: o.contactPhone,
    address: o.address,
    categories: o.categories,
  };
}

function OrgForm(props: { editing: Org | 'new'; onClose: () => void }) {
  const [form] = Form.useForm<FormValues>();
  const { message } = App.useApp();
  const client = useQueryClient();
  const [saving, setSaving] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const kind = Form.useWatch('kind', form) as OrgKind | undefined;
  const isProvider = kind === 'provider';
  const registered = !!kind && REGISTERED_KINDS.includes(kind);

  async function submit(raw: FormValues) {
    setSaving(true);
    setFailure(null);
    const values = blanksToNull({
      ...raw,
      creditCode: raw.creditCode ? raw.creditCode.trim().toUpperCase() : null,
      grade: isProvider ? (raw.grade ?? null) : null,
      categories: isProvider ? (raw.categories ?? []) : [],
      registeredOn: registered ? (raw.registeredOn ?? null) : null,
      legalRepresentative: registered ? (raw.legalRepresentative ?? null) : null,
      regionId: raw.regionId ?? null,
    });
    try {
      if (props.editing === 'new') {
        await api.post('/api/orgs', values);
        message.success(`已新建组织「${values.name}」`);
      } else {
        const patch = changedFields(values, fromOrg(props.editing) as unknown as Record<string, unknown>);
        if (Object.keys(patch).length > 0) await api.patch(`/api/orgs/${props.editing.id}`, patch);
        message.success(`已保存「${values.name}」`);
      }
      await client.invalidateQueries({ queryKey: ['orgs'] });
      props.onClose();
    } catch (error) {
      setFailure(applyServerErrors(form, error, FIELDS));
    } finally {
      setSaving(false);
    }
  }

  return (
    <Modal
      open
      title={props.editing === 'new' ? '新建组织' : `编辑组织：${props.editing.name}`}
      okText="保存"
      onOk={() => form.submit()}
      confirmLoading={saving}
      onCancel={props.onClose}
      destroyOnHidden
      width={640}
    >
      {failure ? <Alert type="error" showIcon title={failure} style={{ marginBottom: 16 }} /> : null}
      <Form<FormValues>
        form={form}
        layout="vertical"
        onFinish={submit}
        initialValues={
          props.editing === 'new' ? { kind: 'provider', categories: [] } : fromOrg(props.editing)
        }
        className="form-grid"
      >
        <Form.Item
          label="名称"
          name="name"
          rules={[{ required: true, whitespace: true, message: '请填写名称' }]}
          className="span-2"
        >
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item label="单位类型" name="kind" rules={[{ required: true, message: '请选择单位类型' }]}>
          <Select options={KIND_OPTIONS} />
        </Form.Item>
        <Form.Item label="所属区划" name="regionId">
          <RegionTreeSelect />
        </Form.Item>
        <Form.Item
          label="统一社会信用代码"
          name="creditCode"
          className="span-2"
          normalize={(v: string) => (v ? v.toUpperCase() : v)}
          rules={[
            { required: isProvider, message: '社会组织必须填写统一社会信用代码' },
            {
              validator: async (_rule, value: string | null) => {
                const code = value?.trim();
                if (!code) return;
                const problem = creditCodeProblem(code);
                if (problem) throw new Error(creditCodeMessages[problem]);
              },
            },
          ]}
          extra="18位，GB 32100-2015，系统自动校验最后一位校验码"
        >
          <Input maxLength={18} className="mono" autoComplete="off" />
        </Form.Item>
        {registered ? (
          <>
            <Form.Item
              label="登记日期"
              name="registeredOn"
              getValueProps={(v: string | null) => ({ value: toPicker(v) })}
              normalize={(d: Dayjs | null) => pickerDate(d) ?? null}
            >
              <DatePicker style={{ width: '100%' }} disabledDate={(d) => d.isAfter(pickerNow())} />
            </Form.Item>
            <Form.Item label="法定代表人" name="legalRepresentative">
              <Input maxLength={50} />
            </Form.Item>
          </>
        ) : null}
        {isProvider ? (
          <>
            <Form.Item label="社会组织评估等级" name="grade">
              <Select options={GRADE_OPTIONS} allowClear placeholder="未评估" />
            </Form.Item>
            <Form.Item label="服务领域" name="categories" className="span-2">
              <Select mode="multiple" options={CATEGORY_OPTIONS} allowClear placeholder="可多选" />
            </Form.Item>
          </>
        ) : null}
        <Form.Item label="联系人" name="contactName">
          <Input maxLength={50} />
        </Form.Item>
        <Form.Item
          label="联系电话"
          name="contactPhone"
          rules={[
            {
              pattern: /^(1\d{10}|0\d{2,3}-?\d{7,8})$/,
              message: '请填写有效的手机号或座机号（如 13800000000 或 0871-12345678）',
            },
          ]}
        >
          <Input inputMode="tel" maxLength={20} />
        </Form.Item>
        <Form.Item label="地址" name="address" className="span-2">
          <Input maxLength={200} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function OrgDetail({ org, onClose }: { org: Org; onClose: () => void }) {
  const mobile = useIsMobile();
  return (
    <Drawer open onClose={onClose} title={org.name} size={mobile ? '100%' : 560}>
      <Descriptions column={1} bordered size="small">
        <Descriptions.Item label="单位类型">{orgKindLabels[org.kind]}</Descriptions.Item>
        <Descriptions.Item label="统一社会信用代码">
          <span className="mono">{org.creditCode ?? '—'}</span>
        </Descriptions.Item>
        <Descriptions.Item label="所属区划">{org.regionName ?? '—'}</Descriptions.Item>
        <Descriptions.Item label="登记日期">{formatDate(org.registeredOn)}</Descriptions.Item>
        <Descriptions.Item label="评估等级">{org.grade ?? '—'}</Descriptions.Item>
        <Descriptions.Item label="法定代表人">{org.legalRepresentative ?? '—'}</Descriptions.Item>
        <Descriptions.Item label="联系人">{org.contactName ?? '—'}</Descriptions.Item>
        <Descriptions.Item label="联系电话">{org.contactPhone ?? '—'}</Descriptions.Item>
        <Descriptions.Item label="地址">{org.address ?? '—'}</Descriptions.Item>
        <Descriptions.Item label="服务领域">
          {org.categories.length
            ? org.categories.map((c) => <Tag key={c}>{serviceCategoryLabels[c]}</Tag>)
            : '—'}
        </Descriptions.Item>
        <Descriptions.Item label="状态">
          <ActiveTag active={org.active} />
        </Descriptions.Item>
      </Descriptions>
    </Drawer>
  );
}

export function OrgsPage() {
  const params = useListParams(['kind', 'regionId', 'active'] as const);
  const list = useList<Org>('orgs', '/api/orgs', params.query);
  const act = usePostAction('orgs', '/api/orgs');
  const [editing, setEditing] = useState<Org | 'new' | null>(null);
  const [viewing, setViewing] = useState<Org | null>(null);
  const listActions = list.data?.actions ?? [];

  return (
    <>
      <PageHeader
        title="组织管理"
        subTitle="购买主体、社工站、社会组织、社区、评估机构和监督单位"
        extra={
          <>
            {listActions.includes('import') ? (
              <>
                <TemplateLink href="/api/orgs/template.xlsx" />
                <ImportButton path="/api/orgs/import" queryKey="orgs" />
              </>
            ) : null}
            {listActions.includes('export') ? (
              <ExportButton path="/api/orgs/export.xlsx" query={params.query} fileName="组织.xlsx" />
            ) : null}
            {listActions.includes('create') ? (
              <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
                新建
              </Button>
            ) : null}
          </>
        }
      />
      <Card>
        <ListToolbar>
          <SearchBox
            value={params.q}
            onSearch={(q) => params.update({ q })}
            placeholder="搜索名称或信用代码"
          />
          <Select
            allowClear
            placeholder="单位类型"
            aria-label="单位类型"
            options={KIND_OPTIONS}
            value={params.filters.kind}
            onChange={(kind) => params.update({ kind })}
            className="filter-150"
          />
          <RegionTreeSelect
            placeholder="所属区划"
            value={params.filters.regionId ?? null}
            onChange={(regionId) => params.update({ regionId })}
            className="filter-200"
          />
          <Select
            allowClear
            placeholder="状态"
            aria-label="状态"
            options={ACTIVE_OPTIONS}
            value={params.filters.active}
            onChange={(active) => params.update({ active })}
            className="filter-110"
          />
        </ListToolbar>
        {list.isError ? (
          <LoadFailed message={list.error.message} onRetry={() => list.refetch()} />
        ) : (
          <PagedTable<Org>
            data={list.data}
            loading={list.isFetching}
            params={params}
            columns={[
              {
                title: '名称',
                dataIndex: 'name',
                fixed: 'left',
                render: (name: string, r) => (
                  <Button type="link" size="small" className="cell-link" onClick={() => setViewing(r)}>
                    {name}
                  </Button>
                ),
              },
              { title: '类型', dataIndex: 'kind', render: (k: OrgKind) => orgKindLabels[k] ?? k },
              {
                title: '统一社会信用代码',
                dataIndex: 'creditCode',
                render: (v: string | null) => <span className="mono">{v ?? '—'}</span>,
              },
              { title: '所属区划', dataIndex: 'regionName', render: (v) => v ?? '—' },
              { title: '等级', dataIndex: 'grade', render: (v) => v ?? '—' },
              { title: '联系人', dataIndex: 'contactName', render: (v) => v ?? '—' },
              { title: '联系电话', dataIndex: 'contactPhone', render: (v) => v ?? '—' },
              { title: '状态', dataIndex: 'active', render: (a: boolean) => <ActiveTag active={a} /> },
              {
                title: '操作',
                key: 'actions',
                render: (_, r) => (
                  <RowActions
                    allowed={r.actions}
                    items={[
                      { action: 'update', label: '编辑', onClick: () => setEditing(r) },
                      ...activationActions(r, r.name, act),
                    ]}
                  />
                ),
              },
            ]}
          />
        )}
      </Card>
      {editing ? <OrgForm editing={editing} onClose={() => setEditing(null)} /> : null}
      {viewing ? <OrgDetail org={viewing} onClose={() => setViewing(null)} /> : null}
    </>
  );
}

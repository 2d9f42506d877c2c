/** 组织管理: buyers, street stations, providers, communities, evaluators, supervisors. */
import { Button, Card, Descriptions, Drawer, Form, Input, Select, Tag } from 'antd';
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
import { DatePicker } from '../../components/DatePicker';
import { blanksToNull, PHONE_RULE } from '../../components/forms';
import {
  ACTIVE_COLUMN,
  ACTIVE_FILTER,
  ActiveTag,
  actionsColumn,
  activationActions,
  ListActions,
  type ListFilter,
  ListToolbar,
  PagedTable,
} from '../../components/list';
import { PageHeader } from '../../components/PageHeader';
import { type RecordEditorConfig, useDirectory } from '../../components/RecordEditor';
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

function toCreate(raw: FormValues) {
  const isProvider = raw.kind === 'provider';
  const registered = REGISTERED_KINDS.includes(raw.kind);
  return blanksToNull({
    ...raw,
    creditCode: raw.creditCode ? raw.creditCode.trim().toUpperCase() : null,
    grade: isProvider ? (raw.grade ?? null) : null,
    categories: isProvider ? (raw.categories ?? []) : [],
    registeredOn: registered ? (raw.registeredOn ?? null) : null,
    legalRepresentative: registered ? (raw.legalRepresentative ?? null) : null,
    regionId: raw.regionId ?? null,
  });
}

function OrgFields() {
  const kind = Form.useWatch('kind', Form.useFormInstance<FormValues>()) as OrgKind | undefined;
  const isProvider = kind === 'provider';
  const registered = !!kind && REGISTERED_KINDS.includes(kind);
  return (
    <>
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
      <Form.Item label="联系电话" name="contactPhone" rules={[PHONE_RULE]}>
        <Input inputMode="tel" maxLength={20} />
      </Form.Item>
      <Form.Item label="地址" name="address" className="span-2">
        <Input maxLength={200} />
      </Form.Item>
    </>
  );
}

const EDITOR: RecordEditorConfig<Org, FormValues> = {
  path: '/api/orgs',
  queryKey: 'orgs',
  fields: FIELDS,
  title: (o) => (o ? `编辑组织：${o.name}` : '新建组织'),
  width: 640,
  className: 'form-grid',
  newValues: { kind: 'provider', categories: [] },
  toValues: fromOrg,
  toCreate,
  created: (v) => `已新建组织「${v.name}」`,
  saved: (v) => `已保存「${v.name}」`,
  Fields: OrgFields,
};

const FILTERS: ListFilter<'kind' | 'regionId' | 'active'>[] = [
  { key: 'kind', label: '单位类型', options: KIND_OPTIONS, className: 'filter-150' },
  { key: 'regionId', label: '所属区划', control: RegionTreeSelect, className: 'filter-200' },
  ACTIVE_FILTER,
];

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
  const { params, list, act, editor } = useDirectory(EDITOR, ['kind', 'regionId', 'active'] as const);
  const [viewing, setViewing] = useState<Org | null>(null);

  return (
    <>
      <PageHeader
        title="组织管理"
        subTitle="购买主体、社工站、社会组织、社区、评估机构和监督单位"
        extra={
          <ListActions
            allowed={list.data?.actions ?? []}
            importTo={{ template: '/api/orgs/template.xlsx', path: '/api/orgs/import', queryKey: 'orgs' }}
            exportFrom={{ path: '/api/orgs/export.xlsx', query: params.query, fileName: '组织.xlsx' }}
            create={{ label: '新建', onClick: editor.openNew }}
          />
        }
      />
      <Card>
        <ListToolbar params={params} search="搜索名称或信用代码" filters={FILTERS} />
        <PagedTable<Org>
          list={list}
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
            ACTIVE_COLUMN,
            actionsColumn<Org>((r) => [editor.editAction(r), ...activationActions(r, r.name, act)]),
          ]}
        />
      </Card>
      {editor.modal}
      {viewing ? <OrgDetail org={viewing} onClose={() => setViewing(null)} /> : null}
    </>
  );
}

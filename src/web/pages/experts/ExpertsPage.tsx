/** 专家库: the pool review panels are drawn from, with employers for conflict-of-interest checks. */
import { Card, Form, Input, Select } from 'antd';
import type { Expert } from '../../../domain/api';
import { EXPERT_FIELDS, type ExpertField, expertFieldLabels } from '../../../domain/enums';
import { blanksToNull, PHONE_RULE } from '../../components/forms';
import {
  ACTIVE_COLUMN,
  ACTIVE_FILTER,
  actionsColumn,
  activationActions,
  ListActions,
  type ListFilter,
  ListToolbar,
  PagedTable,
} from '../../components/list';
import { OrgSelect } from '../../components/OrgSelect';
import { PageHeader } from '../../components/PageHeader';
import { type RecordEditorConfig, useDirectory } from '../../components/RecordEditor';

const FIELD_OPTIONS = EXPERT_FIELDS.map((f) => ({ value: f, label: expertFieldLabels[f] }));

interface FormValues {
  name: string;
  field: ExpertField;
  title: string | null;
  employerOrgId: string | null;
  employerName: string | null;
  formerEmployerOrgIds: string[];
  phone: string | null;
}
const FIELDS = ['name', 'field', 'title', 'employerOrgId', 'employerName', 'formerEmployerOrgIds', 'phone'];

function fromExpert(e: Expert): FormValues {
  return {
    name: e.name,
    field: e.field,
    title: e.title,
    employerOrgId: e.employerOrgId,
    employerName: e.employerName,
    formerEmployerOrgIds: e.formerEmployerOrgIds,
    phone: e.phone,
  };
}

function ExpertFields() {
  return (
    <>
      <Form.Item
        label="姓名"
        name="name"
        rules={[{ required: true, whitespace: true, message: '请填写姓名' }]}
      >
        <Input maxLength={50} />
      </Form.Item>
      <Form.Item label="专业领域" name="field" rules={[{ required: true, message: '请选择专业领域' }]}>
        <Select options={FIELD_OPTIONS} />
      </Form.Item>
      <Form.Item label="职称" name="title">
        <Input maxLength={50} placeholder="如：高级社会工作师、副教授" />
      </Form.Item>
      <Form.Item label="联系电话" name="phone" rules={[PHONE_RULE]}>
        <Input inputMode="tel" maxLength={20} />
      </Form.Item>
      <Form.Item label="工作单位（平台内组织）" name="employerOrgId" className="span-2">
        <OrgSelect placeholder="在平台登记的单位中搜索" />
      </Form.Item>
      <Form.Item
        label="工作单位名称"
        name="employerName"
        className="span-2"
        extra="工作单位不在平台内时填写，如高校、医院"
      >
        <Input maxLength={100} />
      </Form.Item>
      <Form.Item
        label="近年曾任职单位"
        name="formerEmployerOrgIds"
        className="span-2"
        extra="用于评审时自动回避利益冲突"
      >
        <OrgSelect multiple placeholder="可多选" />
      </Form.Item>
    </>
  );
}

const EDITOR: RecordEditorConfig<Expert, FormValues> = {
  path: '/api/experts',
  queryKey: 'experts',
  fields: FIELDS,
  title: (e) => (e ? `编辑专家：${e.name}` : '新增专家'),
  width: 640,
  className: 'form-grid',
  newValues: { formerEmployerOrgIds: [] },
  toValues: fromExpert,
  toCreate: (raw) =>
    blanksToNull({
      ...raw,
      employerOrgId: raw.employerOrgId ?? null,
      formerEmployerOrgIds: raw.formerEmployerOrgIds ?? [],
    }),
  created: (v) => `已新增专家「${v.name}」`,
  saved: (v) => `已保存「${v.name}」`,
  Fields: ExpertFields,
};

const FILTERS: ListFilter<'field' | 'active'>[] = [
  { key: 'field', label: '专业领域', options: FIELD_OPTIONS, className: 'filter-160' },
  ACTIVE_FILTER,
];

export function ExpertsPage() {
  const { params, list, act, editor } = useDirectory(EDITOR, ['field', 'active'] as const);

  return (
    <>
      <PageHeader
        title="专家库"
        subTitle="路演评审专家从专家库中抽取，自动回避利益冲突"
        extra={
          <ListActions
            allowed={list.data?.actions ?? []}
            importTo={{
              template: '/api/experts/template.xlsx',
              path: '/api/experts/import',
              queryKey: 'experts',
            }}
            exportFrom={{ path: '/api/experts/export.xlsx', query: params.query, fileName: '专家库.xlsx' }}
            create={{ label: '新增专家', onClick: editor.openNew }}
          />
        }
      />
      <Card>
        <ListToolbar params={params} search="搜索姓名或单位" filters={FILTERS} />
        <PagedTable<Expert>
          list={list}
          params={params}
          columns={[
            { title: '姓名', dataIndex: 'name', fixed: 'left' },
            {
              title: '专业领域',
              dataIndex: 'field',
              render: (f: ExpertField) => expertFieldLabels[f] ?? f,
            },
            { title: '职称', dataIndex: 'title', render: (v) => v ?? '—' },
            { title: '工作单位', dataIndex: 'employerName', render: (v) => v ?? '—' },
            { title: '联系电话', dataIndex: 'phone', render: (v) => v ?? '—' },
            {
              title: '平台账号',
              dataIndex: 'userId',
              render: (v: string | null) => (v ? '已关联' : '未关联'),
            },
            ACTIVE_COLUMN,
            actionsColumn<Expert>((r) => [editor.editAction(r), ...activationActions(r, r.name, act)]),
          ]}
        />
      </Card>
      {editor.modal}
    </>
  );
}

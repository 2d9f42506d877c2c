/** 专家库: the pool review panels are drawn from, with employers for conflict-of-interest checks. */
import { PlusOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Form, Input, Modal, Select } from 'antd';
import { useState } from 'react';
import type { Expert } from '../../../domain/api';
import { EXPERT_FIELDS, type ExpertField, expertFieldLabels } from '../../../domain/enums';
import { api } from '../../api';
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
import { OrgSelect } from '../../components/OrgSelect';
import { PageHeader } from '../../components/PageHeader';

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

function ExpertForm(props: { editing: Expert | 'new'; onClose: () => void }) {
  const [form] = Form.useForm<FormValues>();
  const { message } = App.useApp();
  const client = useQueryClient();
  const [saving, setSaving] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);

  async function submit(raw: FormValues) {
    setSaving(true);
    setFailure(null);
    const values = blanksToNull({
      ...raw,
      employerOrgId: raw.employerOrgId ?? null,
      formerEmployerOrgIds: raw.formerEmployerOrgIds ?? [],
    });
    try {
      if (props.editing === 'new') {
        await api.post('/api/experts', values);
        message.success(`已新增专家「${values.name}」`);
      } else {
        const patch = changedFields(values, fromExpert(props.editing) as unknown as Record<string, unknown>);
        if (Object.keys(patch).length > 0) await api.patch(`/api/experts/${props.editing.id}`, patch);
        message.success(`已保存「${values.name}」`);
      }
      await client.invalidateQueries({ queryKey: ['experts'] });
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
      title={props.editing === 'new' ? '新增专家' : `编辑专家：${props.editing.name}`}
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
        initialValues={props.editing === 'new' ? { formerEmployerOrgIds: [] } : fromExpert(props.editing)}
        className="form-grid"
      >
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
        <Form.Item
          label="联系电话"
          name="phone"
          rules={[
            {
              pattern: /^(1\d{10}|0\d{2,3}-?\d{7,8})$/,
              message: '请填写有效的手机号或座机号（如 13800000000 或 0871-12345678）',
            },
          ]}
        >
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
      </Form>
    </Modal>
  );
}

export function ExpertsPage() {
  const params = useListParams(['field', 'active'] as const);
  const list = useList<Expert>('experts', '/api/experts', params.query);
  const act = usePostAction('experts', '/api/experts');
  const [editing, setEditing] = useState<Expert | 'new' | null>(null);
  const listActions = list.data?.actions ?? [];

  return (
    <>
      <PageHeader
        title="专家库"
        subTitle="路演评审专家从专家库中抽取，自动回避利益冲突"
        extra={
          <>
            {listActions.includes('import') ? (
              <>
                <TemplateLink href="/api/experts/template.xlsx" />
                <ImportButton path="/api/experts/import" queryKey="experts" />
              </>
            ) : null}
            {listActions.includes('export') ? (
              <ExportButton path="/api/experts/export.xlsx" query={params.query} fileName="专家库.xlsx" />
            ) : null}
            {listActions.includes('create') ? (
              <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
                新增专家
              </Button>
            ) : null}
          </>
        }
      />
      <Card>
        <ListToolbar>
          <SearchBox value={params.q} onSearch={(q) => params.update({ q })} placeholder="搜索姓名或单位" />
          <Select
            allowClear
            placeholder="专业领域"
            aria-label="专业领域"
            options={FIELD_OPTIONS}
            value={params.filters.field}
            onChange={(field) => params.update({ field })}
            className="filter-160"
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
          <PagedTable<Expert>
            data={list.data}
            loading={list.isFetching}
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
      {editing ? <ExpertForm editing={editing} onClose={() => setEditing(null)} /> : null}
    </>
  );
}

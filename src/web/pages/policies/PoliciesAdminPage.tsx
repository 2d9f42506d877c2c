/** 政策法规管理 (admins): add, edit, import and retire the library's documents, and attach files. */
import { useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Form, Input, Modal, Select, Space, Upload } from 'antd';
import { useState } from 'react';
import {
  POLICY_CATEGORIES,
  POLICY_LEVELS,
  type PolicySummary,
  policyLevelLabels,
} from '../../../domain/policies';
import { api, errorMessage } from '../../api';
import { applyServerErrors, blanksToNull, changedFields } from '../../components/forms';
import { ListActions, ListToolbar, PagedCards } from '../../components/list';
import { PageHeader } from '../../components/PageHeader';
import { ReasonModal } from '../../components/ReasonModal';
import { PolicyCard, usePolicyList } from '../public/PoliciesPage';
import { usePolicy } from '../public/PolicyDetailPage';

const FIELDS = [
  'title',
  'level',
  'issuer',
  'docNumber',
  'issuedOn',
  'effectiveOn',
  'category',
  'summary',
  'body',
];
type Values = Record<string, string | null>;

function PolicyForm(props: { id: string | null; onClose: () => void }) {
  const [form] = Form.useForm<Values>();
  const existing = usePolicy(props.id ?? undefined);
  const client = useQueryClient();
  const { message } = App.useApp();
  const [saving, setSaving] = useState(false);
  const original = existing.data as unknown as Values | undefined;
  const save = async (values: Values) => {
    setSaving(true);
    try {
      const body = blanksToNull(values);
      if (props.id && original)
        await api.patch(`/api/policies/${props.id}`, {
          ...changedFields(body, original),
          version: existing.data?.version,
        });
      else await api.post('/api/policies', body);
      message.success('已保存');
      await client.invalidateQueries({ queryKey: ['policies'] });
      props.onClose();
    } catch (error) {
      const left = applyServerErrors(form, error, FIELDS);
      if (left) message.error(left);
    } finally {
      setSaving(false);
    }
  };
  if (props.id && !original) return null;
  return (
    <Modal
      open
      width={720}
      title={props.id ? '编辑政策文件' : '添加政策文件'}
      okText="保存"
      confirmLoading={saving}
      onOk={() => form.submit()}
      onCancel={props.onClose}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" initialValues={original ?? { level: 'district' }} onFinish={save}>
        <Form.Item name="title" label="标题" rules={[{ required: true, message: '请填写标题' }]}>
          <Input maxLength={200} />
        </Form.Item>
        <Space wrap>
          <Form.Item name="level" label="层级" rules={[{ required: true }]}>
            <Select
              className="filter-110"
              options={POLICY_LEVELS.map((l) => ({ value: l, label: policyLevelLabels[l] }))}
            />
          </Form.Item>
          <Form.Item name="category" label="分类" rules={[{ required: true, message: '请选择分类' }]}>
            <Select className="filter-150" options={POLICY_CATEGORIES.map((c) => ({ value: c, label: c }))} />
          </Form.Item>
          <Form.Item name="issuer" label="发布机关" rules={[{ required: true, message: '请填写发布机关' }]}>
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item name="docNumber" label="文号">
            <Input maxLength={60} placeholder="如 财政部令第102号" />
          </Form.Item>
          <Form.Item name="issuedOn" label="发布日期" rules={[{ required: true, message: '请填写发布日期' }]}>
            <Input type="date" />
          </Form.Item>
          <Form.Item name="effectiveOn" label="施行日期">
            <Input type="date" />
          </Form.Item>
        </Space>
        <Form.Item name="summary" label="摘要">
          <Input.TextArea rows={3} maxLength={2000} />
        </Form.Item>
        <Form.Item name="body" label="正文">
          <Input.TextArea rows={8} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export function PoliciesAdminPage() {
  const { params, list, filters } = usePolicyList();
  const [editing, setEditing] = useState<string | null | undefined>(undefined);
  const [retiring, setRetiring] = useState<{ policy: PolicySummary; to: 'revised' | 'repealed' } | null>(
    null,
  );
  const client = useQueryClient();
  const { message } = App.useApp();
  const refresh = () => client.invalidateQueries({ queryKey: ['policies'] });
  const retire = async (reason: string) => {
    if (!retiring) return;
    const detail = await api.get<{ version: number }>(`/api/public/policies/${retiring.policy.id}`);
    await api.post(`/api/policies/${retiring.policy.id}/retire`, {
      status: retiring.to,
      reason,
      version: detail.version,
    });
    message.success('已更新效力状态');
    await refresh();
  };
  return (
    <>
      <PageHeader
        title="政策法规管理"
        extra={
          <ListActions
            allowed={['create', 'import']}
            importTo={{
              template: '/api/policies/template.xlsx',
              path: '/api/policies/import',
              queryKey: 'policies',
            }}
            create={{ label: '添加文件', onClick: () => setEditing(null) }}
          />
        }
      />
      <Card>
        <ListToolbar params={params} search="搜索标题、文号、发布机关、正文" filters={filters} />
        <PagedCards
          list={list}
          params={params}
          empty="暂无政策文件"
          unit="份文件"
          renderItem={(p) => (
            <div>
              <PolicyCard policy={p} to={`/policies/${p.id}`} />
              <Space wrap style={{ marginTop: 4 }}>
                <Button size="small" onClick={() => setEditing(p.id)}>
                  编辑
                </Button>
                <Upload
                  showUploadList={false}
                  customRequest={async ({ file }) => {
                    try {
                      await api.upload(`/api/policies/${p.id}/attachments`, file as File);
                      message.success('附件已上传');
                      await refresh();
                    } catch (error) {
                      message.error(errorMessage(error));
                    }
                  }}
                >
                  <Button size="small">上传附件</Button>
                </Upload>
                {p.status === 'current' ? (
                  <Button size="small" onClick={() => setRetiring({ policy: p, to: 'revised' })}>
                    标记已修订
                  </Button>
                ) : null}
                {p.status !== 'repealed' ? (
                  <Button size="small" danger onClick={() => setRetiring({ policy: p, to: 'repealed' })}>
                    废止
                  </Button>
                ) : null}
              </Space>
            </div>
          )}
        />
      </Card>
      {editing !== undefined ? <PolicyForm id={editing} onClose={() => setEditing(undefined)} /> : null}
      {retiring ? (
        <ReasonModal
          title={
            retiring.to === 'revised'
              ? `标记为已修订：${retiring.policy.title}`
              : `废止：${retiring.policy.title}`
          }
          label={retiring.to === 'revised' ? '修订情况（如新文件的文号）' : '废止依据'}
          danger={retiring.to === 'repealed'}
          onSubmit={retire}
          onClose={() => setRetiring(null)}
        />
      ) : null}
    </>
  );
}

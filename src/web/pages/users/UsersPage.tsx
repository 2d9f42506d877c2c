/** 用户管理: accounts, their organization and roles; password reset by the admin. */
import { PlusOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Form, Input, Modal, Select, Space, Tag, Tooltip } from 'antd';
import { useState } from 'react';
import type { User } from '../../../domain/api';
import { ROLES, type Role, roleLabels } from '../../../domain/enums';
import { passwordProblem } from '../../../domain/password-policy';
import { api } from '../../api';
import { LoadFailed } from '../../components/ErrorPages';
import { applyServerErrors, changedFields } from '../../components/forms';
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
import { formatDateTime } from '../../format';
import { PasswordPolicy } from '../account/ChangePasswordPage';

const ROLE_OPTIONS = ROLES.map((r) => ({ value: r, label: roleLabels[r] }));

const passwordRule = {
  validator: async (_rule: unknown, value: string) => {
    const problem = value ? passwordProblem(value) : null;
    if (problem) throw new Error(problem);
  },
};

interface FormValues {
  username: string;
  displayName: string;
  orgId: string | null;
  roles: Role[];
  password: string;
}
const FIELDS = ['username', 'displayName', 'orgId', 'roles', 'password'];

function UserForm(props: { editing: User | 'new'; onClose: () => void }) {
  const [form] = Form.useForm<FormValues>();
  const { message } = App.useApp();
  const client = useQueryClient();
  const [saving, setSaving] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const isNew = props.editing === 'new';

  async function submit(values: FormValues) {
    setSaving(true);
    setFailure(null);
    try {
      if (props.editing === 'new') {
        await api.post('/api/users', { ...values, orgId: values.orgId ?? null });
        message.success(`已创建账号「${values.username}」`);
      } else {
        const patch = changedFields(
          { displayName: values.displayName, orgId: values.orgId ?? null, roles: values.roles },
          props.editing,
        );
        if (Object.keys(patch).length > 0) await api.patch(`/api/users/${props.editing.id}`, patch);
        message.success(`已保存「${props.editing.username}」`);
      }
      await client.invalidateQueries({ queryKey: ['users'] });
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
      title={props.editing === 'new' ? '新建账号' : `编辑账号：${props.editing.username}`}
      okText="保存"
      onOk={() => form.submit()}
      confirmLoading={saving}
      onCancel={props.onClose}
      destroyOnHidden
      width={560}
    >
      {failure ? <Alert type="error" showIcon title={failure} style={{ marginBottom: 16 }} /> : null}
      <Form<FormValues>
        form={form}
        layout="vertical"
        onFinish={submit}
        initialValues={
          props.editing === 'new'
            ? { roles: [], orgId: null }
            : {
                displayName: props.editing.displayName,
                orgId: props.editing.orgId,
                roles: props.editing.roles,
              }
        }
      >
        {isNew ? (
          <Form.Item
            label="用户名"
            name="username"
            rules={[
              { required: true, message: '请填写用户名' },
              { pattern: /^[a-zA-Z0-9_.-]{3,32}$/, message: '用户名为3到32位字母、数字、下划线、点或短横线' },
            ]}
          >
            <Input maxLength={32} autoComplete="off" />
          </Form.Item>
        ) : null}
        <Form.Item
          label="姓名"
          name="displayName"
          rules={[{ required: true, whitespace: true, message: '请填写姓名' }]}
        >
          <Input maxLength={50} />
        </Form.Item>
        <Form.Item label="所属组织" name="orgId">
          <OrgSelect />
        </Form.Item>
        <Form.Item
          label="角色"
          name="roles"
          rules={[{ required: true, type: 'array', min: 1, message: '至少选择一个角色' }]}
        >
          <Select mode="multiple" options={ROLE_OPTIONS} placeholder="可多选" />
        </Form.Item>
        {isNew ? (
          <>
            <PasswordPolicy />
            <Form.Item
              label="初始密码"
              name="password"
              rules={[{ required: true, message: '请填写初始密码' }, passwordRule]}
              hasFeedback
            >
              <Input.Password autoComplete="new-password" />
            </Form.Item>
          </>
        ) : null}
      </Form>
    </Modal>
  );
}

function ResetPasswordForm(props: { user: User; onClose: () => void }) {
  const [form] = Form.useForm<{ newPassword: string; confirm: string }>();
  const { message } = App.useApp();
  const client = useQueryClient();
  const [saving, setSaving] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);

  async function submit(values: { newPassword: string }) {
    setSaving(true);
    setFailure(null);
    try {
      await api.post(`/api/users/${props.user.id}/reset-password`, { newPassword: values.newPassword });
      message.success(`已重置「${props.user.username}」的密码`);
      await client.invalidateQueries({ queryKey: ['users'] });
      props.onClose();
    } catch (error) {
      setFailure(applyServerErrors(form, error, ['newPassword']));
    } finally {
      setSaving(false);
    }
  }

  return (
    <Modal
      open
      title={`重置密码：${props.user.displayName}（${props.user.username}）`}
      okText="重置"
      okButtonProps={{ danger: true }}
      onOk={() => form.submit()}
      confirmLoading={saving}
      onCancel={props.onClose}
      destroyOnHidden
    >
      {failure ? <Alert type="error" showIcon title={failure} style={{ marginBottom: 16 }} /> : null}
      <PasswordPolicy />
      <Form form={form} layout="vertical" onFinish={submit}>
        <Form.Item
          label="新密码"
          name="newPassword"
          rules={[{ required: true, message: '请填写新密码' }, passwordRule]}
          hasFeedback
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item
          label="确认新密码"
          name="confirm"
          dependencies={['newPassword']}
          hasFeedback
          rules={[
            { required: true, message: '请再次输入新密码' },
            ({ getFieldValue }) => ({
              validator: async (_rule, value: string) => {
                if (value && value !== getFieldValue('newPassword'))
                  throw new Error('两次输入的新密码不一致');
              },
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
      </Form>
      <Alert type="warning" showIcon title="请通过安全渠道把新密码告知本人，并提醒其登录后立即修改。" />
    </Modal>
  );
}

export function UsersPage() {
  const params = useListParams(['role', 'orgId', 'active'] as const);
  const list = useList<User>('users', '/api/users', params.query);
  const act = usePostAction('users', '/api/users');
  const [editing, setEditing] = useState<User | 'new' | null>(null);
  const [resetting, setResetting] = useState<User | null>(null);

  return (
    <>
      <PageHeader
        title="用户管理"
        subTitle="平台账号、所属组织和角色"
        extra={
          list.data?.actions.includes('create') ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
              新建账号
            </Button>
          ) : null
        }
      />
      <Card>
        <ListToolbar>
          <SearchBox value={params.q} onSearch={(q) => params.update({ q })} placeholder="搜索用户名或姓名" />
          <Select
            allowClear
            placeholder="角色"
            aria-label="角色"
            options={ROLE_OPTIONS}
            value={params.filters.role}
            onChange={(role) => params.update({ role })}
            className="filter-130"
          />
          <OrgSelect
            placeholder="所属组织"
            value={params.filters.orgId ?? null}
            onChange={(orgId) => params.update({ orgId })}
            className="filter-220"
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
          <PagedTable<User>
            data={list.data}
            loading={list.isFetching}
            params={params}
            columns={[
              {
                title: '用户名',
                dataIndex: 'username',
                fixed: 'left',
                render: (v) => <span className="mono">{v}</span>,
              },
              { title: '姓名', dataIndex: 'displayName' },
              { title: '所属组织', dataIndex: 'orgName', render: (v) => v ?? '—' },
              {
                title: '角色',
                dataIndex: 'roles',
                render: (roles: Role[]) => (
                  <Space size={[0, 4]} wrap>
                    {roles.map((r) => (
                      <Tag key={r}>{roleLabels[r] ?? r}</Tag>
                    ))}
                  </Space>
                ),
              },
              {
                title: '状态',
                key: 'status',
                render: (_, r) => {
                  const locked = r.lockedUntil && new Date(r.lockedUntil) > new Date();
                  return (
                    <Space size={0}>
                      <ActiveTag active={r.active} />
                      {locked ? (
                        <Tooltip title={`锁定至 ${formatDateTime(r.lockedUntil)}`}>
                          <Tag color="orange">已锁定</Tag>
                        </Tooltip>
                      ) : null}
                    </Space>
                  );
                },
              },
              {
                title: '最近登录',
                dataIndex: 'lastLoginAt',
                render: (v: string | null) => formatDateTime(v),
              },
              {
                title: '操作',
                key: 'actions',
                render: (_, r) => (
                  <RowActions
                    allowed={r.actions}
                    items={[
                      { action: 'update', label: '编辑', onClick: () => setEditing(r) },
                      { action: 'resetPassword', label: '重置密码', onClick: () => setResetting(r) },
                      ...activationActions(r, `${r.displayName}（${r.username}）`, act),
                    ]}
                  />
                ),
              },
            ]}
          />
        )}
      </Card>
      {editing ? <UserForm editing={editing} onClose={() => setEditing(null)} /> : null}
      {resetting ? <ResetPasswordForm user={resetting} onClose={() => setResetting(null)} /> : null}
    </>
  );
}

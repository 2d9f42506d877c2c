/** 用户管理: accounts, their organization and roles; password reset by the admin. */
import { Alert, Card, Form, Input, Select, Space, Tag, Tooltip } from 'antd';
import { useState } from 'react';
import type { User } from '../../../domain/api';
import { ROLES, type Role, roleLabels } from '../../../domain/enums';
import { api } from '../../api';
import {
  ACTIVE_FILTER,
  ActiveTag,
  actionsColumn,
  activationActions,
  ListActions,
  type ListFilter,
  ListToolbar,
  PagedTable,
} from '../../components/list';
import { OrgSelect } from '../../components/OrgSelect';
import { PageHeader } from '../../components/PageHeader';
import { FormModal, type RecordEditorConfig, useDirectory } from '../../components/RecordEditor';
import { formatDateTime } from '../../format';
import { ConfirmPasswordItem, PASSWORD_RULE, PasswordPolicy } from '../account/ChangePasswordPage';

const ROLE_OPTIONS = ROLES.map((r) => ({ value: r, label: roleLabels[r] }));

interface FormValues {
  username: string;
  displayName: string;
  orgId: string | null;
  roles: Role[];
  password: string;
}
const FIELDS = ['username', 'displayName', 'orgId', 'roles', 'password'];

function UserFields({ record }: { record: User | null }) {
  const isNew = !record;
  return (
    <>
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
            rules={[{ required: true, message: '请填写初始密码' }, PASSWORD_RULE]}
            hasFeedback
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
        </>
      ) : null}
    </>
  );
}

const EDITOR: RecordEditorConfig<User, FormValues> = {
  path: '/api/users',
  queryKey: 'users',
  fields: FIELDS,
  title: (u) => (u ? `编辑账号：${u.username}` : '新建账号'),
  width: 560,
  newValues: { roles: [], orgId: null },
  toValues: (u) => ({ displayName: u.displayName, orgId: u.orgId, roles: u.roles }) as FormValues,
  toCreate: (v) => ({ ...v, orgId: v.orgId ?? null }),
  toUpdate: (v) => ({ displayName: v.displayName, orgId: v.orgId ?? null, roles: v.roles }),
  created: (v) => `已创建账号「${v.username}」`,
  saved: (_v, u) => `已保存「${u.username}」`,
  Fields: UserFields,
};

const FILTERS: ListFilter<'role' | 'orgId' | 'active'>[] = [
  { key: 'role', label: '角色', options: ROLE_OPTIONS, className: 'filter-130' },
  { key: 'orgId', label: '所属组织', control: OrgSelect, className: 'filter-220' },
  ACTIVE_FILTER,
];

function ResetPasswordForm(props: { user: User; onClose: () => void }) {
  return (
    <FormModal<{ newPassword: string; confirm: string }>
      title={`重置密码：${props.user.displayName}（${props.user.username}）`}
      okText="重置"
      danger
      fields={['newPassword']}
      invalidate="users"
      onSubmit={async (values) => {
        await api.post(`/api/users/${props.user.id}/reset-password`, { newPassword: values.newPassword });
        return `已重置「${props.user.username}」的密码`;
      }}
      onClose={props.onClose}
      before={<PasswordPolicy />}
      after={
        <Alert type="warning" showIcon title="请通过安全渠道把新密码告知本人，并提醒其登录后立即修改。" />
      }
    >
      <Form.Item
        label="新密码"
        name="newPassword"
        rules={[{ required: true, message: '请填写新密码' }, PASSWORD_RULE]}
        hasFeedback
      >
        <Input.Password autoComplete="new-password" />
      </Form.Item>
      <ConfirmPasswordItem />
    </FormModal>
  );
}

export function UsersPage() {
  const { params, list, act, editor } = useDirectory(EDITOR, ['role', 'orgId', 'active'] as const);
  const [resetting, setResetting] = useState<User | null>(null);

  return (
    <>
      <PageHeader
        title="用户管理"
        subTitle="平台账号、所属组织和角色"
        extra={
          <ListActions
            allowed={list.data?.actions ?? []}
            create={{ label: '新建账号', onClick: editor.openNew }}
          />
        }
      />
      <Card>
        <ListToolbar params={params} search="搜索用户名或姓名" filters={FILTERS} />
        <PagedTable<User>
          list={list}
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
                      <Tooltip
                        title={`有地址连续输错密码，该地址 ${formatDateTime(r.lockedUntil)} 前不能登录；重置密码可解除`}
                      >
                        <Tag color="orange">登录受限</Tag>
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
            actionsColumn<User>((r) => [
              editor.editAction(r),
              { action: 'resetPassword', label: '重置密码', onClick: () => setResetting(r) },
              ...activationActions(r, `${r.displayName}（${r.username}）`, act),
            ]),
          ]}
        />
      </Card>
      {editor.modal}
      {resetting ? <ResetPasswordForm user={resetting} onClose={() => setResetting(null)} /> : null}
    </>
  );
}

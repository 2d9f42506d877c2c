/** Change one's own password; the policy is checked here and again by the server. */
import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Form, Input } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { PASSWORD_MIN_LENGTH, passwordProblem } from '../../../domain/password-policy';
import { api } from '../../api';
import { applyServerErrors } from '../../components/forms';
import { PageHeader } from '../../components/PageHeader';
import { SESSION_KEY, type SessionData, useSession } from '../../session';

interface Values {
  currentPassword: string;
  newPassword: string;
  confirm: string;
}

export function PasswordPolicy() {
  return (
    <Alert
      type="info"
      showIcon
      title="密码要求"
      description={
        <ul className="policy-list">
          <li>至少 {PASSWORD_MIN_LENGTH} 个字符；</li>
          <li>包含小写字母、大写字母、数字、符号四类中的至少三类；</li>
          <li>不要与其他网站使用相同的密码。</li>
        </ul>
      }
      style={{ marginBottom: 16 }}
    />
  );
}

/** The password policy as a form rule (the server checks it again). */
export const PASSWORD_RULE = {
  validator: async (_rule: unknown, value: string) => {
    const problem = value ? passwordProblem(value) : null;
    if (problem) throw new Error(problem);
  },
};

/** 确认新密码: must repeat the form's `newPassword`. */
export function ConfirmPasswordItem() {
  return (
    <Form.Item
      label="确认新密码"
      name="confirm"
      dependencies={['newPassword']}
      hasFeedback
      rules={[
        { required: true, message: '请再次输入新密码' },
        ({ getFieldValue }) => ({
          validator: async (_rule, value: string) => {
            if (value && value !== getFieldValue('newPassword')) throw new Error('两次输入的新密码不一致');
          },
        }),
      ]}
    >
      <Input.Password autoComplete="new-password" />
    </Form.Item>
  );
}

export function ChangePasswordPage() {
  const [form] = Form.useForm<Values>();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const client = useQueryClient();
  const session = useSession();
  const [pending, setPending] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const mustChange = !!session.data?.user?.mustChangePassword;

  async function submit(values: Values) {
    setPending(true);
    setFailure(null);
    try {
      await api.post('/api/auth/password', {
        currentPassword: values.currentPassword,
        newPassword: values.newPassword,
      });
      message.success('密码已修改');
      form.resetFields();
      client.setQueryData<SessionData>(SESSION_KEY, (old) =>
        old?.user ? { user: { ...old.user, mustChangePassword: false } } : old,
      );
      await client.invalidateQueries({ queryKey: SESSION_KEY });
      navigate('/app');
    } catch (error) {
      setFailure(applyServerErrors(form, error, ['currentPassword', 'newPassword']));
    } finally {
      setPending(false);
    }
  }

  return (
    <>
      <PageHeader title="修改密码" />
      <Card className="narrow-card">
        {mustChange ? (
          <Alert type="warning" showIcon title="请先设置新密码再继续使用平台" style={{ marginBottom: 16 }} />
        ) : null}
        <PasswordPolicy />
        {failure ? <Alert type="error" showIcon title={failure} style={{ marginBottom: 16 }} /> : null}
        <Form form={form} layout="vertical" onFinish={submit} requiredMark={false}>
          <Form.Item
            label="当前密码"
            name="currentPassword"
            rules={[{ required: true, message: '请填写当前密码' }]}
          >
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Form.Item
            label="新密码"
            name="newPassword"
            rules={[
              { required: true, message: '请填写新密码' },
              PASSWORD_RULE,
              ({ getFieldValue }) => ({
                validator: async (_rule, value: string) => {
                  if (value && value === getFieldValue('currentPassword'))
                    throw new Error('新密码不能与当前密码相同');
                },
              }),
            ]}
            hasFeedback
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <ConfirmPasswordItem />
          <Button type="primary" htmlType="submit" loading={pending}>
            确认修改
          </Button>
        </Form>
      </Card>
    </>
  );
}

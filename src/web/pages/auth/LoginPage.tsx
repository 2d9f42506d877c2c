/** Sign-in with username and password; shows the server's message on failure. */
import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useEffect } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { errorMessage } from '../../api';
import { PASSWORD_PATH } from '../../components/AppLayout';
import { useLogin, useSession } from '../../session';

/** Only same-site paths inside /app may be a redirect target. */
function safeNext(next: string | null): string {
  return next && /^\/app(\/|$|\?)/.test(next) ? next : '/app';
}

export function LoginPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const session = useSession();
  const login = useLogin();
  const [form] = Form.useForm<{ username: string; password: string }>();
  const next = safeNext(params.get('next'));

  useEffect(() => {
    document.title = '登录 - 社会工作服务项目管理平台';
  }, []);

  const user = session.data?.user;
  if (user && !login.isPending && !login.isSuccess) return <Navigate to={next} replace />;

  return (
    <div className="login-wrap">
      <Card className="login-card" title={<span className="login-title">账号登录</span>}>
        <Typography.Paragraph type="secondary">
          面向购买主体、承接主体、社区、评审专家、评估机构、监督单位和平台管理员。
        </Typography.Paragraph>
        {login.isError ? (
          <Alert
            type="error"
            showIcon
            role="alert"
            title={errorMessage(login.error)}
            style={{ marginBottom: 16 }}
            data-testid="login-error"
          />
        ) : null}
        {params.get('expired') ? (
          <Alert type="warning" showIcon title="登录已过期，请重新登录" style={{ marginBottom: 16 }} />
        ) : null}
        <Form
          form={form}
          layout="vertical"
          requiredMark={false}
          onFinish={(values) =>
            login.mutate(values, {
              onSuccess: ({ user: me }) =>
                navigate(me.mustChangePassword ? PASSWORD_PATH : next, { replace: true }),
              onError: () => form.setFieldValue('password', ''),
            })
          }
        >
          <Form.Item
            label="用户名"
            name="username"
            rules={[{ required: true, whitespace: true, message: '请填写用户名' }]}
          >
            <Input prefix={<UserOutlined />} autoComplete="username" size="large" autoFocus />
          </Form.Item>
          <Form.Item label="密码" name="password" rules={[{ required: true, message: '请填写密码' }]}>
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" size="large" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block size="large" loading={login.isPending}>
            登录
          </Button>
        </Form>
        <Typography.Paragraph type="secondary" className="login-hint">
          连续输错密码后需等待几分钟才能再试。忘记密码请联系本单位或平台管理员重置。
        </Typography.Paragraph>
      </Card>
    </div>
  );
}

import { Button, Result } from 'antd';
import { useNavigate } from 'react-router';

export function NotFound({ home = '/' }: { home?: string }) {
  const navigate = useNavigate();
  return (
    <Result
      status="404"
      title="404"
      subTitle="页面不存在，或已被移除。"
      extra={
        <Button type="primary" onClick={() => navigate(home)}>
          返回{home === '/' ? '首页' : '工作台'}
        </Button>
      }
    />
  );
}

export function Forbidden() {
  const navigate = useNavigate();
  return (
    <Result
      status="403"
      title="403"
      subTitle="您的角色无权访问此页面。如需使用，请联系平台管理员。"
      extra={
        <Button type="primary" onClick={() => navigate('/app')}>
          返回工作台
        </Button>
      }
    />
  );
}

export function LoadFailed({ message, onRetry }: { message: string; onRetry?: () => void }) {
  return (
    <Result
      status="warning"
      title="加载失败"
      subTitle={message}
      extra={onRetry ? <Button onClick={onRetry}>重试</Button> : undefined}
    />
  );
}

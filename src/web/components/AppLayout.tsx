/**
 * Layout of the signed-in area: header with the user, side menu from the user's roles (a drawer
 * behind a hamburger button on phones), and the guards: sign-in, forced password change, role.
 */
import { KeyOutlined, LogoutOutlined, MenuOutlined } from '@ant-design/icons';
import { App, Button, Drawer, Layout, Menu, Space, Spin, Tag, Typography } from 'antd';
import { createElement, Suspense, useState } from 'react';
import { Link, Navigate, Outlet, useLocation, useNavigate } from 'react-router';
import type { Me } from '../../domain/api';
import { roleLabels } from '../../domain/enums';
import { errorMessage } from '../api';
import { canOpen, navFor, navItemFor } from '../navigation';
import { PASSWORD_PATH } from '../password-change';
import { CalendarBanner } from '../pages/calendar/CalendarBanner';
import { sessionExpired, useLogout, useSession } from '../session';
import { Brand } from './Brand';
import { Forbidden, LoadFailed } from './ErrorPages';
import { NotificationBell } from './NotificationBell';
import { useIsMobile } from './useIsMobile';

export { PASSWORD_PATH };

function RoleTags({ user }: { user: Me }) {
  return (
    <>
      {user.roles.map((r) => (
        <Tag key={r} color="geekblue" variant="outlined" className="role-tag">
          {roleLabels[r]}
        </Tag>
      ))}
    </>
  );
}

export function PageSpinner() {
  return (
    <div className="page-spinner">
      <Spin size="large" />
    </div>
  );
}

export function AppLayout() {
  const session = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const mobile = useIsMobile();
  const [drawerOpen, setDrawerOpen] = useState(false);
  const logout = useLogout();
  const { message } = App.useApp();

  if (session.isPending) return <PageSpinner />;
  if (session.isError)
    return <LoadFailed message={errorMessage(session.error)} onRetry={() => session.refetch()} />;
  const user = session.data.user;
  if (!user) {
    const next = `${location.pathname}${location.search}`;
    const query = new URLSearchParams({ next });
    if (sessionExpired()) query.set('expired', '1');
    return <Navigate to={`/login?${query}`} replace />;
  }
  if (user.mustChangePassword && location.pathname !== PASSWORD_PATH) {
    return <Navigate to={PASSWORD_PATH} replace />;
  }

  const nav = navFor(user.roles);
  const current = navItemFor(location.pathname);
  const menuItems = nav.map((item) => ({
    key: item.path,
    icon: createElement(item.icon),
    label: <Link to={item.path}>{item.label}</Link>,
  }));
  const selectedKeys = current ? [current.path] : [];

  const doLogout = () =>
    logout.mutate(undefined, {
      onSuccess: () => message.success('已退出登录'),
      onSettled: () => navigate('/login', { replace: true }),
    });

  const menu = (
    <Menu
      mode="inline"
      items={menuItems}
      selectedKeys={selectedKeys}
      onClick={() => setDrawerOpen(false)}
      aria-label="功能导航"
      className="app-menu"
    />
  );

  return (
    <Layout className="app-layout">
      <Layout.Header className="app-header">
        {mobile ? (
          <Button
            type="text"
            icon={<MenuOutlined />}
            aria-label="打开导航菜单"
            onClick={() => setDrawerOpen(true)}
            className="header-icon-button"
          />
        ) : null}
        <Link to="/app" className="brand-link">
          <Brand compact={mobile} />
        </Link>
        <div className="header-spacer" />
        {user.mustChangePassword ? null : <NotificationBell />}
        {mobile ? (
          <span className="header-user-compact" title={user.displayName}>
            {user.displayName}
          </span>
        ) : (
          <Space size={12} className="header-user" wrap={false}>
            <span className="header-user-name" data-testid="current-user">
              {user.displayName}
            </span>
            {user.org ? <span className="header-user-org">{user.org.name}</span> : null}
            <span>
              <RoleTags user={user} />
            </span>
            <Button type="text" icon={<KeyOutlined />} onClick={() => navigate(PASSWORD_PATH)}>
              修改密码
            </Button>
            <Button type="text" icon={<LogoutOutlined />} onClick={doLogout} loading={logout.isPending}>
              退出登录
            </Button>
          </Space>
        )}
      </Layout.Header>
      <Layout>
        {mobile ? (
          <Drawer
            open={drawerOpen}
            onClose={() => setDrawerOpen(false)}
            placement="left"
            size={280}
            title="导航"
            styles={{ body: { padding: 0 } }}
          >
            <div className="drawer-user">
              <Typography.Text strong data-testid="current-user">
                {user.displayName}
              </Typography.Text>
              {user.org ? <div className="muted">{user.org.name}</div> : null}
              <div style={{ marginTop: 6 }}>
                <RoleTags user={user} />
              </div>
            </div>
            {menu}
            <div className="drawer-actions">
              <Button
                block
                icon={<KeyOutlined />}
                onClick={() => {
                  setDrawerOpen(false);
                  navigate(PASSWORD_PATH);
                }}
              >
                修改密码
              </Button>
              <Button block danger icon={<LogoutOutlined />} onClick={doLogout} loading={logout.isPending}>
                退出登录
              </Button>
            </div>
          </Drawer>
        ) : (
          <Layout.Sider width={208} theme="light" className="app-sider">
            {menu}
          </Layout.Sider>
        )}
        <Layout.Content className="app-content">
          {user.mustChangePassword ? (
            <div className="must-change-banner">首次登录或密码已被重置，请先修改密码后再使用平台。</div>
          ) : null}
          {user.roles.includes('admin') && !user.mustChangePassword ? <CalendarBanner /> : null}
          {canOpen(user.roles, location.pathname) ? (
            <Suspense fallback={<PageSpinner />}>
              <Outlet />
            </Suspense>
          ) : (
            <Forbidden />
          )}
        </Layout.Content>
      </Layout>
    </Layout>
  );
}

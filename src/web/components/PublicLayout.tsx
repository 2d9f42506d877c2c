/** Layout of the public site: top navigation, content, footer. Later issues add public pages here. */
import { LoginOutlined, MenuOutlined } from '@ant-design/icons';
import { Button, Layout, Menu } from 'antd';
import { createElement, lazy, Suspense, useState } from 'react';
import { Link, Outlet, useLocation, useNavigate } from 'react-router';
import { PUBLIC_NAV, publicNavItemFor } from '../navigation';
import { Footer } from '../pages/public/Footer';
import { useSession } from '../session';
import { Brand } from './Brand';
import { PageSpinner } from './PageSpinner';
import { useIsMobile } from './useIsMobile';

// Only phones open the navigation drawer: its code loads when it is first opened.
const Drawer = lazy(() => import('antd/es/drawer'));

export function PublicLayout() {
  const location = useLocation();
  const navigate = useNavigate();
  const session = useSession();
  const mobile = useIsMobile();
  const [open, setOpen] = useState(false);
  const user = session.data?.user;

  const items = PUBLIC_NAV.map((item) => ({
    key: item.path,
    icon: createElement(item.icon),
    label: <Link to={item.path}>{item.label}</Link>,
  }));
  const current = publicNavItemFor(location.pathname);
  const selected = current ? [current.path] : [];

  const account = user ? (
    <Button type="primary" onClick={() => navigate('/app')}>
      进入工作台
    </Button>
  ) : location.pathname === '/login' ? null : (
    <Button type="primary" icon={<LoginOutlined />} onClick={() => navigate('/login')}>
      登录
    </Button>
  );

  return (
    <Layout className="public-layout">
      <Layout.Header className="public-header">
        <Link to="/" className="brand-link">
          <Brand compact={mobile} />
        </Link>
        {mobile ? (
          <>
            <div className="header-spacer" />
            {account}
            <Button
              type="text"
              icon={<MenuOutlined />}
              aria-label="打开导航菜单"
              onClick={() => setOpen(true)}
              className="header-icon-button"
            />
            {open && (
              <Suspense fallback={null}>
                <Drawer open onClose={() => setOpen(false)} placement="right" size={260} title="导航">
                  <Menu mode="inline" items={items} selectedKeys={selected} onClick={() => setOpen(false)} />
                </Drawer>
              </Suspense>
            )}
          </>
        ) : (
          <>
            <Menu
              mode="horizontal"
              items={items}
              selectedKeys={selected}
              className="public-menu"
              aria-label="网站导航"
            />
            {account}
          </>
        )}
      </Layout.Header>
      <Layout.Content className="public-content">
        <Suspense fallback={<PageSpinner />}>
          <Outlet />
        </Suspense>
      </Layout.Content>
      <Layout.Footer className="public-footer">
        <Footer />
      </Layout.Footer>
    </Layout>
  );
}

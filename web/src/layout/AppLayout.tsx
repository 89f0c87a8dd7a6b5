// The frame around every signed-in page: the menu for the person's role, their messages (站内消息), their name, sign-out.
import { LogoutOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { App, Button, Grid, Layout, Menu, Space, Typography } from 'antd';
import { Suspense, useState } from 'react';
import { Outlet, useLocation, useNavigate } from 'react-router';
import { auth } from '../api/endpoints';
import { useSignedIn } from '../auth/session';
import { Loading } from '../components/PageState';
import { ROLE_NAMES } from '../format/labels';
import { PAGES } from '../routes';
import InboxBell from './InboxBell';

export default function AppLayout() {
  const me = useSignedIn();
  const location = useLocation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const [collapsed, setCollapsed] = useState(false);
  const wide = Grid.useBreakpoint().md;

  const items = PAGES.filter((p) => p.menu && p.roles.includes(me.role)).map((p) => ({ key: p.path, icon: p.menu!.icon, label: p.title }));
  // The entry whose address is the longest start of this one (`/office/queues` is not `/office`).
  const selected = items
    .filter((i) => location.pathname === i.key || location.pathname.startsWith(`${i.key}/`))
    .sort((a, b) => b.key.length - a.key.length)
    .slice(0, 1)
    .map((i) => i.key);

  async function signOut() {
    try {
      await auth.logout();
    } catch {
      // Signed out already (or the server is away): the cookie goes with the session either way.
    }
    queryClient.clear();
    message.success('已退出登录');
    navigate('/login', { replace: true });
  }

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider breakpoint="lg" collapsedWidth={0} collapsed={collapsed} onCollapse={setCollapsed} theme="light" width={200}>
        <div style={{ padding: '16px 20px', fontWeight: 600, fontSize: 18, color: '#b71c1c' }}>三张清单</div>
        <Menu
          mode="inline"
          selectedKeys={selected}
          items={items}
          onClick={({ key }) => {
            navigate(key);
            if (window.matchMedia('(max-width: 991px)').matches) setCollapsed(true);
          }}
        />
      </Layout.Sider>
      <Layout>
        <Layout.Header style={{ background: '#fff', padding: '0 16px', display: 'flex', justifyContent: 'flex-end', alignItems: 'center' }}>
          <Space size="middle">
            <InboxBell />
            <Typography.Text>
              {me.displayName}
              {wide && <Typography.Text type="secondary">（{me.departmentName ?? ROLE_NAMES[me.role]}）</Typography.Text>}
            </Typography.Text>
            <Button icon={<LogoutOutlined />} onClick={() => void signOut()}>
              退出
            </Button>
          </Space>
        </Layout.Header>
        <Layout.Content style={{ margin: 16, minWidth: 0 }}>
          <Suspense fallback={<Loading />}>
            <Outlet />
          </Suspense>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}

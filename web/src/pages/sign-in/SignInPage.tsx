// 登录. After signing in, back to the page that asked for it (?next=…), else the role's home.
import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useNavigate, useSearchParams } from 'react-router';
import { auth } from '../../api/endpoints';
import type { LoginBody } from '../../api/types';
import { ME, safeNext } from '../../auth/session';

export default function SignInPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const signIn = useMutation({
    mutationFn: auth.login,
    onSuccess: ({ person }) => {
      queryClient.setQueryData(ME, person);
      navigate(safeNext(params.get('next')), { replace: true });
    },
  });

  return (
    <div style={{ minHeight: '100vh', display: 'flex', alignItems: 'center', justifyContent: 'center', background: '#f0f2f5', padding: 16 }}>
      <Card style={{ width: '100%', maxWidth: 380 }}>
        <Typography.Title level={3} style={{ textAlign: 'center', marginBottom: 4 }}>
          三张清单督办系统
        </Typography.Title>
        <Typography.Paragraph type="secondary" style={{ textAlign: 'center' }}>
          责任清单 · 督办清单 · 销号清单
        </Typography.Paragraph>
        {params.get('next') && !signIn.error && <Alert type="info" showIcon style={{ marginBottom: 16 }} title="请先登录，登录后将打开您要查看的页面。" />}
        {signIn.error && <Alert type="error" showIcon style={{ marginBottom: 16 }} title={signIn.error.message} />}
        <Form<LoginBody> layout="vertical" requiredMark={false} onFinish={(values) => signIn.mutate(values)} disabled={signIn.isPending}>
          <Form.Item name="username" label="用户名" rules={[{ required: true, whitespace: true, message: '请输入用户名' }]}>
            <Input prefix={<UserOutlined />} autoComplete="username" autoFocus />
          </Form.Item>
          <Form.Item name="password" label="密码" rules={[{ required: true, message: '请输入密码' }]}>
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={signIn.isPending}>
            登录
          </Button>
        </Form>
        <Typography.Paragraph type="secondary" style={{ marginTop: 16, marginBottom: 0, fontSize: 12, textAlign: 'center' }}>
          忘记密码或没有账号，请联系系统管理员。
        </Typography.Paragraph>
      </Card>
    </div>
  );
}

// Loading, failed and forbidden states, each saying what to do next.
import { Button, Result, Spin } from 'antd';
import { Link } from 'react-router';
import { ApiError } from '../api/client';

export function Loading({ tip = '正在加载…' }: { tip?: string }) {
  return (
    <div style={{ padding: 48, textAlign: 'center' }}>
      <Spin size="large" />
      <div style={{ marginTop: 12, color: 'rgba(0,0,0,0.45)' }}>{tip}</div>
    </div>
  );
}

export function LoadError({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const status = error instanceof ApiError ? error.status : 0;
  const message = error instanceof Error ? error.message : '未知错误';
  if (status === 404) {
    return <Result status="404" title="未找到" subTitle={`${message}。请核对链接，或返回首页查找。`} extra={<Link to="/">返回首页</Link>} />;
  }
  return (
    <Result
      status={status === 403 ? '403' : 'error'}
      title="加载失败"
      subTitle={`${message}。可稍后重试；如仍失败，请联系系统管理员。`}
      extra={onRetry ? <Button type="primary" onClick={onRetry}>重试</Button> : <Link to="/">返回首页</Link>}
    />
  );
}

export function Forbidden() {
  return <Result status="403" title="无权访问" subTitle="您的角色无权查看此页面。请从左侧菜单进入您的工作页面。" extra={<Link to="/">返回首页</Link>} />;
}

export function NotFoundPage() {
  return <Result status="404" title="页面不存在" subTitle="地址可能有误或已过期。请返回首页，从菜单进入。" extra={<Link to="/">返回首页</Link>} />;
}

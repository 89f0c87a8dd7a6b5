// 投递失败 (admins): notifications that could not be delivered after every attempt — to whom, by
// which channel, why — and a retry that sends again only the deliveries that failed.
import { useQuery } from '@tanstack/react-query';
import { Button, Card, Empty, Space, Table, Tag, Typography } from 'antd';
import { Link } from 'react-router';
import { notifications } from '../../api/endpoints';
import type { FailedNotification } from '../../api/types';
import { LoadError } from '../../components/PageState';
import { formatDateTime } from '../../format/date';
import { ROLE_NAMES } from '../../format/labels';
import { CHANNEL_NAMES } from './ChannelsPage';
import { useAdminMutation } from './useAdminMutation';

const STATUS = { pending: { color: 'blue', name: '待发送' }, sent: { color: 'green', name: '已发送' }, failed: { color: 'red', name: '失败' } } as const;

export default function FailedDeliveriesPage() {
  const failed = useQuery({ queryKey: ['failed-deliveries'], queryFn: notifications.failed });
  const retry = useAdminMutation((e: FailedNotification) => notifications.retry(e.id), { done: '已重新投递，稍后刷新查看结果', invalidate: [['failed-deliveries']] });
  if (failed.error) return <LoadError error={failed.error} onRetry={() => void failed.refetch()} />;
  return (
    <Card title="投递失败的通知" extra={<Button onClick={() => void failed.refetch()}>刷新</Button>}>
      <Table<FailedNotification>
        rowKey="id"
        loading={failed.isPending}
        dataSource={failed.data ?? []}
        scroll={{ x: 900 }}
        pagination={{ pageSize: 20 }}
        locale={{ emptyText: <Empty description="没有投递失败的通知。某个渠道多次发送失败时会列在这里，修正渠道地址后可重新投递。" /> }}
        columns={[
          { title: '时间', width: 170, render: (_, e) => formatDateTime(e.createdAt) },
          { title: '通知', render: (_, e) => (e.measureId ? <Link to={`/measures/${e.measureId}`}>{e.title}</Link> : e.title) },
          { title: '接收方', width: 140, render: (_, e) => e.recipientDepartmentId ?? (e.recipientRole ? ROLE_NAMES[e.recipientRole as keyof typeof ROLE_NAMES] : null) ?? '个人' },
          {
            title: '渠道与原因',
            render: (_, e) => (
              <Space direction="vertical" size={2}>
                {e.deliveries.map((d) => (
                  <span key={d.id}>
                    <Tag color={STATUS[d.status].color}>{STATUS[d.status].name}</Tag>
                    {CHANNEL_NAMES[d.channel as keyof typeof CHANNEL_NAMES] ?? '站内消息'} · 尝试{d.attempts}次
                    {d.lastError && (
                      <div>
                        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                          原因：<span translate="no">{d.lastError}</span>
                        </Typography.Text>
                      </div>
                    )}
                  </span>
                ))}
              </Space>
            ),
          },
          {
            title: '操作',
            width: 100,
            render: (_, e) => (
              <Button size="small" type="primary" loading={retry.isPending && retry.variables?.id === e.id} onClick={() => retry.mutate(e)}>
                重新投递
              </Button>
            ),
          },
        ]}
      />
    </Card>
  );
}

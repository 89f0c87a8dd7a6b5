// 通知渠道 (admins): where each department's and person's notifications go besides the inbox —
// email, WeCom or DingTalk group robots — with a test message to check one works.
import { useMutation, useQuery } from '@tanstack/react-query';
import { Alert, App, Button, Card, Empty, Form, Input, Modal, Popconfirm, Radio, Select, Space, Switch, Table, Tag } from 'antd';
import { useState } from 'react';
import { departments as departmentsApi, notifications, people as peopleApi } from '../../api/endpoints';
import type { Channel, NewChannel } from '../../api/types';
import { LoadError } from '../../components/PageState';
import { formatDateTime } from '../../format/date';
import { useAdminMutation } from './useAdminMutation';

export const CHANNEL_NAMES: Record<Channel['kind'], string> = { email: '电子邮件', wecom: '企业微信群机器人', dingtalk: '钉钉群机器人' };

type Draft = NewChannel & { owner: 'department' | 'person' };

function NewChannelDialog({ onClose }: { onClose: () => void }) {
  const [form] = Form.useForm<Draft>();
  const departments = useQuery({ queryKey: ['departments'], queryFn: departmentsApi.list });
  const people = useQuery({ queryKey: ['people'], queryFn: peopleApi.list });
  const create = useAdminMutation(
    ({ owner, departmentId, personId, secret, ...rest }: Draft) =>
      notifications.createChannel({ ...rest, ...(owner === 'department' ? { departmentId } : { personId }), ...(rest.kind === 'dingtalk' && secret?.trim() ? { secret } : {}) }),
    { done: '已添加通知渠道', invalidate: [['channels']], onDone: onClose },
  );
  return (
    <Modal open title="新增通知渠道" okText="添加" cancelText="取消" confirmLoading={create.isPending} onOk={() => form.submit()} onCancel={onClose} destroyOnHidden>
      <Form form={form} layout="vertical" initialValues={{ owner: 'department', kind: 'wecom', enabled: true }} onFinish={(v) => create.mutate(v)}>
        <Form.Item name="owner" label="接收对象">
          <Radio.Group options={[{ value: 'department', label: '部门' }, { value: 'person', label: '个人' }]} />
        </Form.Item>
        <Form.Item noStyle dependencies={['owner']}>
          {({ getFieldValue }) =>
            getFieldValue('owner') === 'department' ? (
              <Form.Item name="departmentId" label="部门" rules={[{ required: true, message: '请选择部门' }]}>
                <Select showSearch optionFilterProp="label" options={(departments.data ?? []).map((d) => ({ value: d.id, label: d.name }))} />
              </Form.Item>
            ) : (
              <Form.Item name="personId" label="人员" rules={[{ required: true, message: '请选择人员' }]}>
                <Select showSearch optionFilterProp="label" options={(people.data ?? []).map((p) => ({ value: p.id, label: `${p.displayName}（${p.departmentName ?? '—'}）` }))} />
              </Form.Item>
            )
          }
        </Form.Item>
        <Form.Item name="kind" label="渠道">
          <Radio.Group options={(Object.keys(CHANNEL_NAMES) as Channel['kind'][]).map((k) => ({ value: k, label: CHANNEL_NAMES[k] }))} />
        </Form.Item>
        <Form.Item noStyle dependencies={['kind']}>
          {({ getFieldValue }) => (
            <>
              <Form.Item
                name="target"
                label={getFieldValue('kind') === 'email' ? '邮箱地址' : '机器人 Webhook 地址'}
                rules={[getFieldValue('kind') === 'email' ? { required: true, type: 'email', message: '请填写正确的邮箱地址' } : { required: true, type: 'url', message: '请填写以 https:// 开头的 Webhook 地址' }]}
              >
                <Input maxLength={2000} />
              </Form.Item>
              {getFieldValue('kind') === 'dingtalk' && (
                <Form.Item name="secret" label="加签密钥（可选）">
                  <Input.Password maxLength={200} autoComplete="off" />
                </Form.Item>
              )}
            </>
          )}
        </Form.Item>
      </Form>
    </Modal>
  );
}

export default function ChannelsPage() {
  const { message, modal } = App.useApp();
  const channels = useQuery({ queryKey: ['channels'], queryFn: notifications.channels });
  const departments = useQuery({ queryKey: ['departments'], queryFn: departmentsApi.list });
  const people = useQuery({ queryKey: ['people'], queryFn: peopleApi.list });
  const [adding, setAdding] = useState(false);
  const toggle = useAdminMutation((c: Channel) => notifications.updateChannel(c.id, { enabled: !c.enabled }), { done: (c) => (c.enabled ? '已启用' : '已停用'), invalidate: [['channels']] });
  const remove = useAdminMutation((c: Channel) => notifications.deleteChannel(c.id), { done: '已删除通知渠道', invalidate: [['channels']] });
  const test = useMutation({
    mutationFn: (c: Channel) => notifications.testChannel(c.id),
    onSuccess: (r) =>
      r.ok ? void message.success(`测试消息已发出（${formatDateTime(r.sentAt)}），请到接收端确认。`) : void modal.warning({ title: '测试消息未发出', content: r.error ?? '原因不明，请检查地址后重试。', okText: '知道了' }),
    onError: (err: Error) => void message.error(err.message),
  });
  if (channels.error) return <LoadError error={channels.error} onRetry={() => void channels.refetch()} />;
  const deptName = new Map((departments.data ?? []).map((d) => [d.id, d.name]));
  const personName = new Map((people.data ?? []).map((p) => [p.id, p.displayName]));
  return (
    <Card title="通知渠道" extra={<Button type="primary" onClick={() => setAdding(true)}>新增通知渠道</Button>}>
      <Alert type="info" showIcon style={{ marginBottom: 16 }} title="站内消息总会送达；此处设置的邮件和群机器人为额外渠道。新增后可点「测试」确认能否收到。" />
      <Table<Channel>
        rowKey="id"
        loading={channels.isPending}
        dataSource={channels.data ?? []}
        scroll={{ x: 860 }}
        pagination={{ pageSize: 50 }}
        locale={{ emptyText: <Empty description="还没有通知渠道。点击「新增通知渠道」为部门或个人添加邮箱、企业微信或钉钉群机器人。" /> }}
        columns={[
          { title: '接收对象', render: (_, c) => (c.departmentId ? deptName.get(c.departmentId) ?? c.departmentId : `${personName.get(c.personId ?? '') ?? '—'}（个人）`) },
          { title: '渠道', render: (_, c) => <Space size={4}>{CHANNEL_NAMES[c.kind]}{c.hasSecret && <Tag>已加签</Tag>}</Space> },
          { title: '地址', render: (_, c) => <span translate="no" style={{ wordBreak: 'break-all' }}>{c.target}</span> },
          { title: '启用', width: 70, render: (_, c) => <Switch size="small" checked={c.enabled} aria-label="启用" onChange={() => toggle.mutate(c)} /> },
          {
            title: '操作',
            width: 150,
            render: (_, c) => (
              <Space size={4}>
                <Button size="small" loading={test.isPending && test.variables?.id === c.id} onClick={() => test.mutate(c)}>
                  测试
                </Button>
                <Popconfirm title="删除此通知渠道？" okText="删除" cancelText="取消" onConfirm={() => remove.mutate(c)}>
                  <Button size="small" type="link" danger>
                    删除
                  </Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
      {adding && <NewChannelDialog onClose={() => setAdding(false)} />}
    </Card>
  );
}

// 人员管理 (admins): everyone who may sign in — their role, department and what a leader oversees —
// adding people, resetting a password, and turning a sign-in off or on again.
import { useQuery } from '@tanstack/react-query';
import { Button, Card, Empty, Form, Input, Modal, Select, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { departments as departmentsApi, people } from '../../api/endpoints';
import type { NewPerson, Person } from '../../api/types';
import { LoadError } from '../../components/PageState';
import { formatDate } from '../../format/date';
import { ROLE_NAMES } from '../../format/labels';
import { useAdminMutation } from './useAdminMutation';

const ROLE_OPTIONS = (Object.keys(ROLE_NAMES) as Person['role'][]).map((r) => ({ value: r, label: ROLE_NAMES[r] }));
const PASSWORD_RULE = { pattern: /^(?=.*[A-Za-z])(?=.*\d).{8,72}$/, message: '密码为8–72位，须含字母和数字' };

function NewPersonDialog({ onClose }: { onClose: () => void }) {
  const [form] = Form.useForm<NewPerson>();
  const departments = useQuery({ queryKey: ['departments'], queryFn: departmentsApi.list });
  const options = (departments.data ?? []).map((d) => ({ value: d.id, label: d.name }));
  const create = useAdminMutation((v: NewPerson) => people.create(v), { done: (p) => `已添加：${p.displayName}`, invalidate: [['people']], onDone: onClose });
  return (
    <Modal open title="新增人员" okText="添加" cancelText="取消" confirmLoading={create.isPending} onOk={() => form.submit()} onCancel={onClose} destroyOnHidden>
      <Form form={form} layout="vertical" initialValues={{ role: 'department' }} onFinish={(v) => create.mutate(v)}>
        <Form.Item name="displayName" label="姓名" rules={[{ required: true, whitespace: true, message: '请填写姓名' }]}>
          <Input maxLength={50} />
        </Form.Item>
        <Form.Item name="username" label="用户名（登录用）" rules={[{ required: true, pattern: /^[A-Za-z0-9_.\-@]{2,64}$/, message: '用户名为2–64位字母、数字或 _.-@' }]}>
          <Input maxLength={64} />
        </Form.Item>
        <Form.Item name="role" label="角色">
          <Select options={ROLE_OPTIONS} />
        </Form.Item>
        <Form.Item noStyle dependencies={['role']}>
          {({ getFieldValue }) =>
            getFieldValue('role') === 'leader' ? (
              <Form.Item name="leaderDepartmentIds" label="分管部门">
                <Select mode="multiple" showSearch optionFilterProp="label" options={options} placeholder="选择分管的部门" />
              </Form.Item>
            ) : (
              <Form.Item name="departmentId" label="所属部门" rules={getFieldValue('role') === 'department' ? [{ required: true, message: '责任单位人员须选择所属部门' }] : []}>
                <Select showSearch allowClear optionFilterProp="label" options={options} placeholder="选择部门" />
              </Form.Item>
            )
          }
        </Form.Item>
        <Form.Item name="password" label="初始密码" rules={[{ required: true, message: '请设置初始密码' }, PASSWORD_RULE]} extra="请通知本人登录后修改。">
          <Input.Password autoComplete="new-password" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function PasswordDialog({ person, onClose }: { person: Person; onClose: () => void }) {
  const [form] = Form.useForm<{ password: string }>();
  const reset = useAdminMutation((v: { password: string }) => people.update(person.id, { password: v.password }), { done: `已重置${person.displayName}的密码，其登录已失效`, invalidate: [['people']], onDone: onClose });
  return (
    <Modal open title={`重置密码：${person.displayName}`} okText="重置" cancelText="取消" confirmLoading={reset.isPending} onOk={() => form.submit()} onCancel={onClose} destroyOnHidden>
      <Form form={form} layout="vertical" onFinish={(v) => reset.mutate(v)}>
        <Form.Item name="password" label="新密码" rules={[{ required: true, message: '请填写新密码' }, PASSWORD_RULE]}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export default function PeoplePage() {
  const result = useQuery({ queryKey: ['people'], queryFn: people.list });
  const [adding, setAdding] = useState(false);
  const [resetting, setResetting] = useState<Person | null>(null);
  const toggle = useAdminMutation((p: Person) => people.update(p.id, { active: !p.active }), { done: (p) => `${p.displayName}已${p.active ? '启用' : '停用'}`, invalidate: [['people']] });
  if (result.error) return <LoadError error={result.error} onRetry={() => void result.refetch()} />;
  return (
    <Card title="人员管理" extra={<Button type="primary" onClick={() => setAdding(true)}>新增人员</Button>}>
      <Table<Person>
        rowKey="id"
        loading={result.isPending}
        dataSource={result.data ?? []}
        scroll={{ x: 860 }}
        pagination={{ pageSize: 50, showTotal: (total) => `共 ${total} 人` }}
        locale={{ emptyText: <Empty description="还没有人员。点击「新增人员」添加。" /> }}
        columns={[
          { title: '姓名', dataIndex: 'displayName' },
          // Usernames are Latin letters by rule: translate="no" marks them as data, not wording.
          { title: '用户名', dataIndex: 'username', render: (u: string) => <span translate="no">{u}</span> },
          { title: '角色', dataIndex: 'role', render: (r: Person['role']) => ROLE_NAMES[r] },
          { title: '部门', dataIndex: 'departmentName', render: (d: string | null, p) => d ?? (p.role === 'leader' ? `分管 ${p.leaderDepartmentIds.length} 个部门` : '—') },
          { title: '状态', dataIndex: 'active', render: (a: boolean) => (a ? <Tag color="green">启用</Tag> : <Tag>停用</Tag>) },
          { title: '创建日期', dataIndex: 'createdAt', render: (d: string) => formatDate(d) },
          {
            title: '操作',
            width: 160,
            render: (_, p) => (
              <Space size={4}>
                <Button size="small" type="link" onClick={() => setResetting(p)}>
                  重置密码
                </Button>
                <Button size="small" type="link" danger={p.active} onClick={() => toggle.mutate(p)}>
                  {p.active ? '停用' : '启用'}
                </Button>
              </Space>
            ),
          },
        ]}
      />
      {adding && <NewPersonDialog onClose={() => setAdding(false)} />}
      {resetting && <PasswordDialog person={resetting} onClose={() => setResetting(null)} />}
    </Card>
  );
}

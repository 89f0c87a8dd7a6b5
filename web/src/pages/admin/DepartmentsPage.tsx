// 部门管理 (admins): the departments measures are assigned to and people belong to — adding one,
// correcting its name or short name (imports and every filter match departments by either).
import { useQuery } from '@tanstack/react-query';
import { Button, Card, Empty, Form, Input, Modal, Radio, Table } from 'antd';
import { useState } from 'react';
import { departments } from '../../api/endpoints';
import type { Department, NewDepartment } from '../../api/types';
import { LoadError } from '../../components/PageState';
import { useAdminMutation } from './useAdminMutation';

const KIND_NAMES: Record<Department['kind'], string> = { coordination_office: '统筹协调部门', line_department: '责任单位' };

function DepartmentDialog({ editing, onClose }: { editing: Department | null; onClose: () => void }) {
  const [form] = Form.useForm<NewDepartment>();
  const save = useAdminMutation(
    (v: NewDepartment) => (editing ? departments.update(editing.id, { name: v.name, shortName: v.shortName?.trim() ? v.shortName : null, kind: v.kind }) : departments.create({ ...v, ...(v.shortName?.trim() ? {} : { shortName: undefined }) })),
    { done: (d) => `已保存：${d.name}`, invalidate: [['departments']], onDone: onClose },
  );
  return (
    <Modal open title={editing ? `修改部门：${editing.name}` : '新增部门'} okText="保存" cancelText="取消" confirmLoading={save.isPending} onOk={() => form.submit()} onCancel={onClose} destroyOnHidden>
      <Form form={form} layout="vertical" initialValues={editing ? { ...editing, shortName: editing.shortName ?? undefined } : { kind: 'line_department' }} onFinish={(v) => save.mutate(v)}>
        <Form.Item name="id" label="编号" rules={[{ required: true, pattern: /^[a-z0-9][a-z0-9_-]{1,63}$/, message: '编号为2–64位小写字母、数字、_ 或 -' }]} extra="用于接口与导入，建立后不可修改，如 health。">
          <Input disabled={!!editing} maxLength={64} />
        </Form.Item>
        <Form.Item name="name" label="全称" rules={[{ required: true, whitespace: true, message: '请填写部门全称' }]}>
          <Input maxLength={100} placeholder="如 省卫生健康委员会" />
        </Form.Item>
        <Form.Item name="shortName" label="简称">
          <Input maxLength={50} placeholder="如 省卫生健康委" />
        </Form.Item>
        <Form.Item name="kind" label="类型">
          <Radio.Group options={(Object.keys(KIND_NAMES) as Department['kind'][]).map((k) => ({ value: k, label: KIND_NAMES[k] }))} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export default function DepartmentsPage() {
  const result = useQuery({ queryKey: ['departments'], queryFn: departments.list });
  const [editing, setEditing] = useState<Department | null | 'new'>(null);
  if (result.error) return <LoadError error={result.error} onRetry={() => void result.refetch()} />;
  return (
    <Card title="部门管理" extra={<Button type="primary" onClick={() => setEditing('new')}>新增部门</Button>}>
      <Table<Department>
        rowKey="id"
        loading={result.isPending}
        dataSource={result.data ?? []}
        scroll={{ x: 640 }}
        pagination={{ pageSize: 50, showTotal: (total) => `共 ${total} 个部门` }}
        locale={{ emptyText: <Empty description="还没有部门。点击「新增部门」添加，或在导入清单时一并新建。" /> }}
        columns={[
          { title: '全称', dataIndex: 'name' },
          { title: '简称', dataIndex: 'shortName', render: (s: string | null) => s ?? '—' },
          { title: '编号', dataIndex: 'id', render: (id: string) => <span translate="no">{id}</span> },
          { title: '类型', dataIndex: 'kind', render: (k: Department['kind']) => KIND_NAMES[k] },
          {
            title: '操作',
            width: 80,
            render: (_, d) => (
              <Button size="small" type="link" onClick={() => setEditing(d)}>
                修改
              </Button>
            ),
          },
        ]}
      />
      {editing && <DepartmentDialog editing={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />}
    </Card>
  );
}

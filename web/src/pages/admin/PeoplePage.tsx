// 人员管理 (admins): everyone who may sign in, their role and department.
import { useQuery } from '@tanstack/react-query';
import { Card, Empty, Table, Tag } from 'antd';
import { people } from '../../api/endpoints';
import type { Person } from '../../api/types';
import { LoadError } from '../../components/PageState';
import { formatDate } from '../../format/date';
import { ROLE_NAMES } from '../../format/labels';

export default function PeoplePage() {
  const result = useQuery({ queryKey: ['people'], queryFn: people.list });
  if (result.error) return <LoadError error={result.error} onRetry={() => void result.refetch()} />;
  return (
    <Card title="人员管理">
      <Table<Person>
        rowKey="id"
        loading={result.isPending}
        dataSource={result.data ?? []}
        scroll={{ x: 720 }}
        pagination={{ pageSize: 50, showTotal: (total) => `共 ${total} 人` }}
        locale={{ emptyText: <Empty description="还没有人员。可用命令 npm run person:add 添加。" /> }}
        columns={[
          { title: '姓名', dataIndex: 'displayName' },
          // Usernames are Latin letters by rule: translate="no" marks them as data, not wording.
          { title: '用户名', dataIndex: 'username', render: (u: string) => <span translate="no">{u}</span> },
          { title: '角色', dataIndex: 'role', render: (r: Person['role']) => ROLE_NAMES[r] },
          { title: '部门', dataIndex: 'departmentName', render: (d: string | null) => d ?? '—' },
          { title: '状态', dataIndex: 'active', render: (a: boolean) => (a ? <Tag color="green">启用</Tag> : <Tag>停用</Tag>) },
          { title: '创建日期', dataIndex: 'createdAt', render: (d: string) => formatDate(d) },
        ]}
      />
    </Card>
  );
}

// Measures of a list as a table: what, who leads, by when, the light and the escalation level.
import { Table, Tag, Typography, type TableProps } from 'antd';
import { Link } from 'react-router';
import type { ListItem } from '../api/types';
import { formatDateTime } from '../format/date';
import { RagLight } from './RagLight';

const columns: TableProps<ListItem>['columns'] = [
  { title: '序号', dataIndex: 'seq', width: 64 },
  {
    title: '措施',
    key: 'title',
    render: (_, m) => (
      <>
        <Link to={`/measures/${m.measureId}`}>{m.title}</Link>
        <div>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {m.policyCode}
            {m.areaTitle ? ` · ${m.areaTitle}` : ''}
          </Typography.Text>
        </div>
      </>
    ),
  },
  { title: '牵头单位', key: 'lead', width: 140, render: (_, m) => m.leadDepartmentShortName ?? m.leadDepartmentName },
  {
    title: '完成时限',
    key: 'deadline',
    width: 190,
    render: (_, m) => (
      <>
        {m.deadlineText}
        {m.deadlineAt && (
          <div>
            <Typography.Text type={m.overdue ? 'danger' : 'secondary'} style={{ fontSize: 12 }}>
              {formatDateTime(m.deadlineAt)}
            </Typography.Text>
          </div>
        )}
      </>
    ),
  },
  { title: '灯', key: 'rag', width: 80, render: (_, m) => <RagLight rag={m.rag} /> },
  {
    title: '督办级别',
    key: 'level',
    width: 110,
    render: (_, m) => (m.flagged ? <Tag color="red">挂牌督办</Tag> : m.escalationName ? <Tag color={m.escalationLevel >= 3 ? 'red' : 'orange'}>{m.escalationName}</Tag> : '—'),
  },
  { title: '进度', key: 'progress', width: 72, render: (_, m) => (m.progressPercent === null ? '—' : `${m.progressPercent}%`) },
];

export function MeasureTable(props: Omit<TableProps<ListItem>, 'columns' | 'rowKey'>) {
  return <Table<ListItem> rowKey="measureId" columns={columns} scroll={{ x: 860 }} size="middle" {...props} />;
}

// 责任单位首页: the to-do list first — assignments waiting for this department's 签收 and the
// progress reports due this round — each with its due time and a way to do it.
import { useQuery } from '@tanstack/react-query';
import { Button, Card, Empty, Flex, Space, Tag, Typography } from 'antd';
import { Link } from 'react-router';
import { lists } from '../../api/endpoints';
import type { ListItem } from '../../api/types';
import { useSignedIn } from '../../auth/session';
import { ItemList } from '../../components/ItemList';
import { LoadError, Loading } from '../../components/PageState';
import { RagLight } from '../../components/RagLight';
import { dueIn, formatDateTime } from '../../format/date';

// A department's open measures fit in one page of each list; the API allows 200 at most.
const ALL = { pageSize: 200, sort: 'deadline' } as const;

function DueTag({ at }: { at: string | null }) {
  if (!at) return null;
  const text = dueIn(at);
  return <Tag color={text.startsWith('已逾期') ? 'red' : text === '今天到期' ? 'orange' : 'blue'}>{text}</Tag>;
}

function Todo({ item, due, dueLabel, action, role }: { item: ListItem; due: string | null; dueLabel: string; action: string; role?: string }) {
  return (
    <Flex justify="space-between" align="center" gap="middle" wrap>
      <div>
        <Space wrap>
          <Link to={`/measures/${item.measureId}`}>{item.title}</Link>
          {role && <Tag>{role}</Tag>}
          <RagLight rag={item.rag} />
        </Space>
        <div>
          <Space wrap>
            <span>
              {dueLabel}：{due ? formatDateTime(due) : '未设定'}
            </span>
            <DueTag at={due} />
            <Typography.Text type="secondary">{item.policyCode}</Typography.Text>
          </Space>
        </div>
      </div>
      <Link to={`/measures/${item.measureId}`}>
        <Button type="primary" size="small">
          {action}
        </Button>
      </Link>
    </Flex>
  );
}

export default function DepartmentHome() {
  const me = useSignedIn();
  const mine = me.departmentId;
  const responsibility = useQuery({ queryKey: ['lists', 'responsibility', ALL], queryFn: () => lists.page('responsibility', ALL) });
  const supervision = useQuery({ queryKey: ['lists', 'supervision', ALL], queryFn: () => lists.page('supervision', ALL) });

  const failed = responsibility.error ?? supervision.error;
  if (failed) return <LoadError error={failed} onRetry={() => void Promise.all([responsibility.refetch(), supervision.refetch()])} />;
  if (!responsibility.data || !supervision.data) return <Loading />;

  const open = [...responsibility.data.items, ...supervision.data.items];
  // Lead or cooperating: each department acknowledges its own part.
  const toAcknowledge = open.flatMap((m) => {
    if (m.leadDepartmentId === mine && !m.leadAcknowledgedAt) return [{ m, role: '牵头' }];
    if (m.cooperating.some((c) => c.id === mine && !c.acknowledgedAt)) return [{ m, role: '配合' }];
    return [];
  });
  const toReport = supervision.data.items.filter((m) => m.leadDepartmentId === mine && m.status === 'supervised' && m.reportDueAt);

  return (
    <Flex vertical gap="middle">
      <Card title={`待签收（${toAcknowledge.length}）`}>
        <ItemList
          items={toAcknowledge}
          itemKey={({ m }) => m.measureId}
          empty={<Empty description="暂无待签收的任务。新任务交办后会显示在这里，并发送站内消息通知您。" />}
          render={({ m, role }) => <Todo item={m} due={m.acknowledgeDueAt} dueLabel="签收期限" action="去签收" role={role} />}
        />
      </Card>
      <Card title={`本轮待反馈（${toReport.length}）`}>
        <ItemList
          items={toReport}
          itemKey={(m) => m.measureId}
          empty={<Empty description="本轮调度暂无需要反馈的措施。调度开启后会显示在这里。" />}
          render={(m) => <Todo item={m} due={m.reportDueAt} dueLabel="反馈期限" action="去反馈" />}
        />
      </Card>
    </Flex>
  );
}

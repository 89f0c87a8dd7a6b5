// 责任单位首页: the to-do list first — assignments waiting for this department's 签收, progress
// reports due this round, closure applications the office returned, answers to extension requests
// — each with its due time and a button that opens the form on the measure's page; then every
// measure the department leads or cooperates on, with the forms it may open now.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Card, Empty, Flex, Space, Table, Tag, Typography } from 'antd';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { inbox, lists } from '../../api/endpoints';
import type { InboxMessage, ListItem } from '../../api/types';
import { useSignedIn } from '../../auth/session';
import { ItemList } from '../../components/ItemList';
import { LoadError, Loading } from '../../components/PageState';
import { RagLight } from '../../components/RagLight';
import { dueIn, formatDateTime } from '../../format/date';
import { STATUS_NAMES } from '../../format/labels';

// A department's open measures fit in one page of each list; the API allows 200 at most.
const ALL = { pageSize: 200, sort: 'deadline' } as const;
/** Messages that answer what the department asked: closure decisions and extension decisions. */
const ANSWERS = ['closure.returned', 'extension.approved', 'extension.rejected'];

const formLink = (measureId: string, action?: string) => `/measures/${measureId}${action ? `?action=${action}` : ''}`;

function DueTag({ at }: { at: string | null }) {
  if (!at) return null;
  const text = dueIn(at);
  return <Tag color={text.startsWith('已逾期') ? 'red' : text === '今天到期' ? 'orange' : 'blue'}>{text}</Tag>;
}

function Todo({ item, due, dueLabel, action, label, role, extra }: { item: ListItem; due: string | null; dueLabel: string; action: string; label: string; role?: string; extra?: ReactNode }) {
  return (
    <Flex justify="space-between" align="center" gap="middle" wrap>
      <div>
        <Space wrap>
          <Link to={`/measures/${item.measureId}`}>
            第{item.seq}项 {item.title}
          </Link>
          {role && <Tag>{role}</Tag>}
          <RagLight rag={item.rag} />
          {item.escalationName && <Tag color={item.escalationLevel >= 3 ? 'red' : 'orange'}>{item.escalationName}</Tag>}
        </Space>
        <div>
          <Space wrap>
            <span>
              {dueLabel}：{due ? formatDateTime(due) : '未设定'}
            </span>
            <DueTag at={due} />
            <Typography.Text type="secondary">{item.policyTitle}</Typography.Text>
          </Space>
        </div>
        {extra}
      </div>
      <Link to={formLink(item.measureId, action)}>
        <Button type="primary" size="small">
          {label}
        </Button>
      </Link>
    </Flex>
  );
}

function Answer({ message, item, onRead }: { message: InboxMessage; item: ListItem | undefined; onRead: () => void }) {
  const returned = message.kind === 'closure.returned';
  return (
    <Flex justify="space-between" align="center" gap="middle" wrap>
      <div>
        <Space wrap>
          <Tag color={returned ? 'red' : message.kind === 'extension.approved' ? 'green' : 'orange'}>
            {returned ? '销号申请被退回' : message.kind === 'extension.approved' ? '延期已批准' : '延期未批准'}
          </Tag>
          {message.measureId ? <Link to={`/measures/${message.measureId}`}>{message.title}</Link> : <span>{message.title}</span>}
        </Space>
        <div>
          <Typography.Text type="secondary">
            {formatDateTime(message.createdAt)} · {message.body.split('\n')[0]}
          </Typography.Text>
        </div>
      </div>
      <Space>
        {returned && item?.status === 'supervised' && message.measureId && (
          <Link to={formLink(message.measureId, 'applyClosure')}>
            <Button type="primary" size="small">
              重新申请销号
            </Button>
          </Link>
        )}
        <Button size="small" onClick={onRead}>
          知道了
        </Button>
      </Space>
    </Flex>
  );
}

export default function DepartmentHome() {
  const me = useSignedIn();
  const mine = me.departmentId;
  const queryClient = useQueryClient();
  const responsibility = useQuery({ queryKey: ['lists', 'responsibility', ALL], queryFn: () => lists.page('responsibility', ALL) });
  const supervision = useQuery({ queryKey: ['lists', 'supervision', ALL], queryFn: () => lists.page('supervision', ALL) });
  const unread = useQuery({ queryKey: ['inbox', 'unread'], queryFn: () => inbox.page({ unread: true, pageSize: 200 }) });
  const markRead = useMutation({
    mutationFn: (id: number) => inbox.read(id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['inbox'] }),
  });

  const failed = responsibility.error ?? supervision.error;
  if (failed) return <LoadError error={failed} onRetry={() => void Promise.all([responsibility.refetch(), supervision.refetch()])} />;
  if (!responsibility.data || !supervision.data) return <Loading />;

  const open = [...responsibility.data.items, ...supervision.data.items];
  const byId = new Map(open.map((m) => [m.measureId, m]));
  // Lead or cooperating: each department acknowledges its own part.
  const toAcknowledge = open.flatMap((m) => {
    if (m.leadDepartmentId === mine && !m.leadAcknowledgedAt) return [{ m, role: '牵头' }];
    if (m.cooperating.some((c) => c.id === mine && !c.acknowledgedAt)) return [{ m, role: '配合' }];
    return [];
  });
  const toReport = supervision.data.items.filter((m) => m.leadDepartmentId === mine && m.status === 'supervised' && m.reportDueAt);
  const answers = (unread.data?.items ?? []).filter((msg) => ANSWERS.includes(msg.kind));

  return (
    <Flex vertical gap="middle">
      <Card title={`待签收（${toAcknowledge.length}）`}>
        <ItemList
          items={toAcknowledge}
          itemKey={({ m }) => m.measureId}
          empty={<Empty description="暂无待签收的任务。新任务交办后会显示在这里，并发送站内消息通知您。" />}
          render={({ m, role }) => <Todo item={m} due={m.acknowledgeDueAt} dueLabel="签收期限" action="acknowledge" label="签收" role={role} />}
        />
      </Card>
      <Card title={`本轮待反馈（${toReport.length}）`}>
        <ItemList
          items={toReport}
          itemKey={(m) => m.measureId}
          empty={<Empty description="本轮调度暂无需要反馈的措施。调度开启后会显示在这里。" />}
          render={(m) => (
            <Todo
              item={m}
              due={m.reportDueAt}
              dueLabel="反馈期限"
              action="submitProgress"
              label="反馈进展"
              extra={
                <Typography.Text type="secondary">
                  {m.lastReportAt ? `上次反馈：${formatDateTime(m.lastReportAt)}，完成 ${m.progressPercent ?? '—'}%（表单已按上次预填，只改有变化的）` : '尚未反馈过'}
                </Typography.Text>
              }
            />
          )}
        />
      </Card>
      <Card title={`退回与延期答复（${answers.length}）`}>
        {unread.error ? (
          <LoadError error={unread.error} onRetry={() => void unread.refetch()} />
        ) : (
          <ItemList
            items={answers}
            itemKey={(msg) => msg.id}
            empty={<Empty description="没有新的退回或延期答复。统筹协调部门退回销号申请、答复延期申请时会显示在这里。" />}
            render={(msg) => <Answer message={msg} item={msg.measureId ? byId.get(msg.measureId) : undefined} onRead={() => markRead.mutate(msg.id)} />}
          />
        )}
      </Card>
      <Card title={`本单位承担的措施（${open.length}）`}>
        <Table<ListItem>
          rowKey="measureId"
          size="small"
          dataSource={open}
          pagination={open.length > 20 ? { pageSize: 20 } : false}
          scroll={{ x: 720 }}
          locale={{ emptyText: <Empty description="本单位暂无承担的措施。措施交办后会显示在这里。" /> }}
          columns={[
            { title: '措施', render: (_, m) => <Link to={`/measures/${m.measureId}`}>{`第${m.seq}项 ${m.title}`}</Link> },
            { title: '分工', width: 70, render: (_, m) => (m.leadDepartmentId === mine ? '牵头' : '配合') },
            { title: '状态', width: 100, render: (_, m) => <Space size={4}>{STATUS_NAMES[m.status]}<RagLight rag={m.rag} /></Space> },
            { title: '完成时限', width: 170, render: (_, m) => (m.deadlineAt ? formatDateTime(m.deadlineAt) : m.deadlineText) },
            {
              title: '办理',
              width: 230,
              render: (_, m) =>
                m.status === 'supervised' && m.leadDepartmentId === mine ? (
                  <Space size={4} wrap>
                    <Link to={formLink(m.measureId, 'submitProgress')}>反馈进展</Link>
                    <Link to={formLink(m.measureId, 'applyClosure')}>申请销号</Link>
                    {m.deadlineAt && <Link to={formLink(m.measureId, 'requestExtension')}>申请延期</Link>}
                  </Space>
                ) : (
                  <Link to={`/measures/${m.measureId}`}>查看</Link>
                ),
            },
          ]}
        />
      </Card>
    </Flex>
  );
}

// 分管领导首页: what was escalated to them (挂牌督办 and the other notices that reach a leader),
// the red measures in what they oversee, the latest digest (the last one sent, and as it stands
// now), and this month's scorecard of the departments they oversee.
import { useQuery } from '@tanstack/react-query';
import { Card, Collapse, Empty, Flex, Space, Table, Tag, Typography } from 'antd';
import { Link } from 'react-router';
import { digests, inbox, lists, scorecards } from '../../api/endpoints';
import type { DigestContent, InboxMessage, ScorecardRow } from '../../api/types';
import { ItemList } from '../../components/ItemList';
import { MeasureTable } from '../../components/MeasureTable';
import { LoadError, Loading } from '../../components/PageState';
import { formatDateTime } from '../../format/date';

const RED = { rag: 'red', pageSize: 200, sort: 'level', order: 'desc' } as const;
const RECENT = { pageSize: 200 } as const;

function Escalated({ messages }: { messages: InboxMessage[] }) {
  const escalated = messages.filter((m) => m.kind.startsWith('escalation.'));
  return (
    <Card title={`升级到您的督办事项（${escalated.length}）`}>
      <ItemList
        items={escalated.slice(0, 20)}
        itemKey={(m) => m.id}
        empty={<Empty description="暂无升级到您的督办事项。措施逾期升至挂牌督办，或统筹协调部门挂牌督办时，会显示在这里并通知您。" />}
        render={(m) => (
          <Space wrap>
            <Tag color="red">{m.kind === 'escalation.flagged' ? '挂牌督办' : '逾期升级'}</Tag>
            {m.measureId ? <Link to={`/measures/${m.measureId}`}>{m.title}</Link> : <span>{m.title}</span>}
            {!m.readAt && <Tag color="blue">未读</Tag>}
            <Typography.Text type="secondary">{formatDateTime(m.createdAt)}</Typography.Text>
          </Space>
        )}
      />
    </Card>
  );
}

function RedMeasures() {
  const responsibility = useQuery({ queryKey: ['lists', 'responsibility', RED], queryFn: () => lists.page('responsibility', RED) });
  const supervision = useQuery({ queryKey: ['lists', 'supervision', RED], queryFn: () => lists.page('supervision', RED) });
  const failed = responsibility.error ?? supervision.error;
  if (failed) return <LoadError error={failed} onRetry={() => void Promise.all([responsibility.refetch(), supervision.refetch()])} />;
  const items = [...(responsibility.data?.items ?? []), ...(supervision.data?.items ?? [])];
  return (
    <Card title={`红灯措施（${items.length}）`}>
      <MeasureTable
        loading={responsibility.isPending || supervision.isPending}
        dataSource={items}
        pagination={false}
        locale={{ emptyText: <Empty description="您分管范围内暂无红灯措施。" /> }}
      />
    </Card>
  );
}

/** The last digest delivered to this leader, as it was sent. */
function LastDigest({ messages }: { messages: InboxMessage[] }) {
  const last = messages.find((m) => m.kind === 'digest.leader');
  if (!last) return <Typography.Text type="secondary">尚未收到督办摘要。摘要按周期发送（默认每周一 09:00），下方为截至现在的内容。</Typography.Text>;
  return (
    <Collapse
      size="small"
      items={[
        {
          key: 'last',
          label: `最近一期：${last.title}（${formatDateTime(last.createdAt)}）`,
          children: <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{last.body}</Typography.Paragraph>,
        },
      ]}
    />
  );
}

function Digest({ messages }: { messages: InboxMessage[] }) {
  const preview = useQuery({ queryKey: ['digest'], queryFn: digests.preview });
  if (preview.error) return <LoadError error={preview.error} onRetry={() => void preview.refetch()} />;
  if (!preview.data) return <Loading tip="正在生成督办摘要…" />;
  // The API types `content` loosely; it is the DigestContent the digest activity gathered.
  const content = preview.data.content as unknown as DigestContent;
  return (
    <Card title="督办摘要" extra={<Typography.Text type="secondary">{`截至现在：${formatDateTime(content.since)} 至 ${formatDateTime(content.until)}`}</Typography.Text>}>
      <LastDigest messages={messages} />
      <Typography.Title level={5} style={{ marginTop: 16 }}>
        本期升级事项（{content.escalations.length}）
      </Typography.Title>
      <ItemList
        items={content.escalations}
        itemKey={(e, i) => `${e.measureId}-${i}`}
        empty="本期没有升级到您的督办事项。"
        render={(e) => (
          <Space wrap>
            <Tag color={e.level >= 3 ? 'red' : 'orange'}>{e.levelName}</Tag>
            <Link to={`/measures/${e.measureId}`}>
              第{e.measureSeq}项 {e.title}
            </Link>
            <span>{e.departmentName}</span>
            <Typography.Text type="secondary">{formatDateTime(e.at)}</Typography.Text>
          </Space>
        )}
      />
      <Typography.Title level={5} style={{ marginTop: 16 }}>
        两周内到期（{content.dueSoon.length}）
      </Typography.Title>
      <ItemList
        items={content.dueSoon}
        itemKey={(m) => m.measureId}
        empty="两周内没有到期的措施。"
        render={(m) => (
          <Space wrap>
            <Link to={`/measures/${m.measureId}`}>
              第{m.measureSeq}项 {m.title}
            </Link>
            <span>{m.departmentName}</span>
            <Typography.Text type="secondary">{formatDateTime(m.deadlineAt)}</Typography.Text>
          </Space>
        )}
      />
      <Typography.Title level={5} style={{ marginTop: 16 }}>
        本期销号（{content.closures.length}）
      </Typography.Title>
      <ItemList
        items={content.closures}
        itemKey={(m) => m.measureId}
        empty="本期没有销号的措施。"
        render={(m) => (
          <Space wrap>
            <Link to={`/measures/${m.measureId}`}>
              第{m.measureSeq}项 {m.title}
            </Link>
            <span>{m.departmentName}</span>
            <Typography.Text type="secondary">{formatDateTime(m.closedAt)}</Typography.Text>
          </Space>
        )}
      />
    </Card>
  );
}

const pct = (v: number | null) => (v === null ? '—' : `${Math.round(v * 1000) / 10}%`);

function Scorecard() {
  const card = useQuery({ queryKey: ['scorecards', 'current'], queryFn: scorecards.current });
  if (card.error) return <LoadError error={card.error} onRetry={() => void card.refetch()} />;
  return (
    <Card title="分管部门成绩单" extra={card.data && <Typography.Text type="secondary">{card.data.period.label}</Typography.Text>}>
      <Table<ScorecardRow>
        rowKey="departmentId"
        size="small"
        loading={card.isPending}
        dataSource={card.data?.rows ?? []}
        pagination={false}
        scroll={{ x: 760 }}
        locale={{ emptyText: <Empty description="您分管的部门本期暂无可考核的事项。" /> }}
        columns={[
          { title: '排名', width: 60, render: (_, r) => r.rank ?? '—' },
          { title: '部门', render: (_, r) => r.shortName ?? r.departmentName },
          { title: '综合得分', width: 90, render: (_, r) => (r.score === null ? '—' : r.score.toFixed(1)) },
          { title: '签收及时率', width: 100, render: (_, r) => pct(r.acknowledgeOnTimeRate) },
          { title: '反馈及时率', width: 100, render: (_, r) => pct(r.reportOnTimeRate) },
          { title: '按期销号率', width: 100, render: (_, r) => pct(r.closureOnTimeRate) },
          { title: '当前逾期', width: 80, render: (_, r) => r.overdue },
          { title: '红灯', width: 60, render: (_, r) => r.red },
        ]}
      />
    </Card>
  );
}

export default function LeaderHome() {
  const messages = useQuery({ queryKey: ['inbox', 'recent'], queryFn: () => inbox.page(RECENT) });
  return (
    <Flex vertical gap="middle">
      {messages.error ? <LoadError error={messages.error} onRetry={() => void messages.refetch()} /> : <Escalated messages={messages.data?.items ?? []} />}
      <RedMeasures />
      <Digest messages={messages.data?.items ?? []} />
      <Scorecard />
    </Flex>
  );
}

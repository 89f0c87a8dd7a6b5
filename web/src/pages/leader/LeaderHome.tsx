// 分管领导首页: the red measures in what they oversee, and their digest as it stands now —
// what was escalated to them and what falls due in the coming two weeks.
import { useQuery } from '@tanstack/react-query';
import { Card, Empty, Flex, Space, Tag, Typography } from 'antd';
import { Link } from 'react-router';
import { digests, lists } from '../../api/endpoints';
import type { DigestContent } from '../../api/types';
import { ItemList } from '../../components/ItemList';
import { MeasureTable } from '../../components/MeasureTable';
import { LoadError, Loading } from '../../components/PageState';
import { formatDateTime } from '../../format/date';

const RED = { rag: 'red', pageSize: 200, sort: 'level', order: 'desc' } as const;

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

function Digest() {
  const preview = useQuery({ queryKey: ['digest'], queryFn: digests.preview });
  if (preview.error) return <LoadError error={preview.error} onRetry={() => void preview.refetch()} />;
  if (!preview.data) return <Loading tip="正在生成督办摘要…" />;
  // The API types `content` loosely; it is the DigestContent the digest activity gathered.
  const content = preview.data.content as unknown as DigestContent;
  return (
    <Card title="督办摘要" extra={<Typography.Text type="secondary">{`${formatDateTime(content.since)} 至 ${formatDateTime(content.until)}`}</Typography.Text>}>
      <Typography.Title level={5}>升级到您的督办事项（{content.escalations.length}）</Typography.Title>
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
    </Card>
  );
}

export default function LeaderHome() {
  return (
    <Flex vertical gap="middle">
      <RedMeasures />
      <Digest />
    </Flex>
  );
}

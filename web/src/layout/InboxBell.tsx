// 站内消息 in the top bar: the unread count on a bell, the latest messages in a panel, each opening
// its measure. Asked for every 15 s; when a new message arrives it is announced, and the lists and
// measure pages refresh, so a reminder or an escalation shows up while one looks.
import { BellOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Badge, Button, Empty, Flex, Popover, Typography } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { inbox } from '../api/endpoints';
import type { InboxMessage } from '../api/types';
import { LoadError } from '../components/PageState';
import { formatDateTime } from '../format/date';

const LATEST = { pageSize: 10 } as const;
const POLL_MS = 15_000;

export default function InboxBell() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const { notification } = App.useApp();
  const [open, setOpen] = useState(false);
  const messages = useQuery({ queryKey: ['inbox', LATEST], queryFn: () => inbox.page(LATEST), refetchInterval: POLL_MS });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['inbox'] });
  const read = useMutation({ mutationFn: inbox.read, onSettled: refresh });
  const readAll = useMutation({ mutationFn: inbox.readAll, onSettled: refresh });

  // The newest message seen so far (0: none): anything newer arrived while the page was open.
  const newest = useRef<number | undefined>(undefined);
  const loaded = messages.data !== undefined;
  const latest = messages.data?.items[0];
  useEffect(() => {
    if (!loaded) return;
    const seen = newest.current;
    newest.current = Math.max(seen ?? 0, latest?.id ?? 0);
    if (!latest || seen === undefined || latest.id <= seen) return;
    notification.info({ title: '收到新消息', description: latest.title, placement: 'topRight' });
    void queryClient.invalidateQueries({ queryKey: ['lists'] });
    void queryClient.invalidateQueries({ queryKey: ['measure'] });
    void queryClient.invalidateQueries({ queryKey: ['digest'] });
  }, [loaded, latest, notification, queryClient]);

  const openMessage = (m: InboxMessage) => {
    if (!m.readAt) read.mutate(m.id);
    setOpen(false);
    if (m.measureId) navigate(`/measures/${m.measureId}`);
  };

  const unread = messages.data?.unread ?? 0;
  const panel = messages.error ? (
    <LoadError error={messages.error} onRetry={() => void messages.refetch()} />
  ) : !messages.data?.items.length ? (
    <Empty description="暂无消息。任务交办、提醒、催办和督办都会发到这里。" />
  ) : (
    <div role="list" style={{ maxHeight: 360, overflowY: 'auto' }}>
      {messages.data.items.map((m) => (
        <div role="listitem" key={m.id} style={{ padding: '8px 0', borderBottom: '1px solid rgba(5,5,5,0.06)', cursor: m.measureId ? 'pointer' : undefined }} onClick={() => openMessage(m)}>
          <Typography.Text strong={!m.readAt}>{m.title}</Typography.Text>
          <div>
            <Typography.Text type="secondary">{formatDateTime(m.createdAt)}</Typography.Text>
          </div>
        </div>
      ))}
    </div>
  );

  return (
    <Popover
      trigger="click"
      open={open}
      onOpenChange={setOpen}
      placement="bottomRight"
      styles={{ container: { width: 'min(380px, 92vw)' } }}
      title={
        <Flex justify="space-between" align="center">
          <span>站内消息{unread ? `（${unread}条未读）` : ''}</span>
          {unread > 0 && (
            <Button type="link" size="small" loading={readAll.isPending} onClick={() => readAll.mutate()}>
              全部标为已读
            </Button>
          )}
        </Flex>
      }
      content={panel}
    >
      <Badge count={unread} size="small" overflowCount={99}>
        <Button icon={<BellOutlined />} aria-label={unread ? `站内消息，${unread}条未读` : '站内消息'} />
      </Badge>
    </Popover>
  );
}

// After a calendar change every open measure recomputes its pending due times, in batches: this
// shows how far that has come and, per measure whose due times moved, each one before and after.
import { useQuery } from '@tanstack/react-query';
import { Alert, Flex, Table, Typography } from 'antd';
import { Link } from 'react-router';
import { calendar, departments } from '../../api/endpoints';
import type { CalendarRolloutDetail } from '../../api/types';
import { LoadError, Loading } from '../../components/PageState';
import { formatDateTime } from '../../format/date';

type MeasureRow = CalendarRolloutDetail['measures'][number];
type Due = MeasureRow['after'][number];

const DUE_NAMES: Record<string, string> = { acknowledge: '签收期限', report: '进展反馈期限', deadline: '完成时限', review: '销号审核期限' };
const sameItem = (a: Due, b: Due) => a.kind === b.kind && a.departmentId === b.departmentId && a.round === b.round;

/**
 * Each due time that moved — `签收期限（省医保局）：2027年1月4日 24:00 → 2027年1月5日 24:00` — or, for an
 * item already overdue, when its next escalation now falls.
 */
function movedDues(m: MeasureRow, names: Map<string, string>): string[] {
  const at = (iso: string | null | undefined) => (iso ? formatDateTime(iso) : '—');
  return m.after.flatMap((a) => {
    const b = m.before.find((x) => sameItem(x, a));
    const what = `${a.round ? `第${a.round}轮` : ''}${DUE_NAMES[a.kind] ?? a.kind}${a.departmentId ? `（${names.get(a.departmentId) ?? a.departmentId}）` : ''}`;
    if (!b || b.dueAt !== a.dueAt) return [`${what}：${at(b?.dueAt)} → ${at(a.dueAt)}`];
    if (b.nextRungAt !== a.nextRungAt) return [`${what}的下一级督办：${at(b.nextRungAt)} → ${at(a.nextRungAt)}`];
    return [];
  });
}

export function RolloutResult({ id }: { id: string }) {
  const detail = useQuery({
    queryKey: ['calendar', 'rollout', id],
    queryFn: () => calendar.rollout(id),
    // Asked again each second until every open measure has answered.
    refetchInterval: (q) => (q.state.data?.status === 'done' ? false : 1000),
  });
  const names = useQuery({ queryKey: ['departments'], queryFn: departments.list, staleTime: 5 * 60_000 });
  if (detail.error) return <LoadError error={detail.error} onRetry={() => void detail.refetch()} />;
  if (!detail.data) return <Loading tip="正在读取重算进度…" />;
  const r = detail.data;
  const nameOf = new Map((names.data ?? []).map((d) => [d.id, d.shortName ?? d.name]));
  const moved = r.measures.filter((m) => m.moved);
  const done = r.status === 'done';

  return (
    <Flex vertical gap="small">
      {done ? (
        <Alert
          type={moved.length ? 'warning' : 'success'}
          showIcon
          title={`${r.change}：已通知全部 ${r.measuresDone} 项未办结措施重算时限`}
          description={moved.length ? `${moved.length} 项措施的待办时限有变动，见下表；各单位看到的期限已随之更新。` : '没有措施的待办时限因此变动。'}
        />
      ) : (
        <Alert type="info" showIcon title={`${r.change}：正在逐批通知未办结的措施重算时限…`} description={`已处理 ${r.measuresDone} 项，其中 ${r.measuresMoved} 项有变动。`} />
      )}
      {moved.length > 0 && (
        <Table<MeasureRow>
          size="small"
          rowKey="measureId"
          pagination={moved.length > 10 ? { pageSize: 10 } : false}
          dataSource={moved}
          columns={[
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
                    </Typography.Text>
                  </div>
                </>
              ),
            },
            {
              title: '变动的时限（调整前 → 调整后）',
              key: 'moved',
              render: (_, m) => movedDues(m, nameOf).map((line) => <div key={line}>{line}</div>),
            },
          ]}
        />
      )}
    </Flex>
  );
}

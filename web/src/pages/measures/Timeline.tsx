// A measure's full history from the audit trail: every transition, report, round, reminder and
// escalation, with its time and who did it.
import { Timeline as AntTimeline, Typography } from 'antd';
import type { MeasureDetail } from '../../api/types';
import { formatDateTime, formatDay } from '../../format/date';
import { ITEM_NAMES, RAG, ROLE_NAMES, STATUS_NAMES } from '../../format/labels';

type Event = MeasureDetail['timeline'][number];
type Names = (departmentId: unknown) => string;

const str = (v: unknown) => (typeof v === 'string' ? v : '');

/** One line saying what happened, from the event's detail. */
export function describeEvent(e: Event, dept: Names): string {
  const d = (e.detail ?? {}) as Record<string, unknown>;
  const late = d.late ? '（逾期）' : '';
  switch (e.action) {
    case 'dispatch':
      return `完成时限：${str(d.deadlineText)}`;
    case 'acknowledge':
      return `${dept(d.departmentId)}签收${late}`;
    case 'decline':
    case 'reassign_lead':
      return e.action === 'decline' ? `${dept(d.departmentId)}：${str(d.reason)}` : `${dept(d.from)} → ${dept(d.to)}：${str(d.reason)}`;
    case 'report':
      return `${dept(d.departmentId)}反馈${d.round ? `第${String(d.round)}轮` : ''}进展${typeof d.percent === 'number' ? `，完成${d.percent}%` : ''}${late}`;
    case 'round_opened':
      return `第${String(d.round)}轮调度，反馈期限 ${formatDateTime(str(d.dueAt))}`;
    case 'escalate':
      return `${ITEM_NAMES[str(d.item)] ?? ''}逾期${str(d.name)}：${dept(d.departmentId)}（期限 ${formatDateTime(str(d.dueAt))}）`;
    case 'rag_changed':
      return `${RAG[d.from as keyof typeof RAG]?.name ?? ''} → ${RAG[d.to as keyof typeof RAG]?.name ?? ''}`;
    case 'apply_closure':
      return str(d.summary);
    case 'request_extension':
      return `申请将完成时限延至${formatDay(str(d.newDeadline))}：${str(d.reason)}`;
    case 'approve_extension':
      return `新的完成时限：${formatDay(str(d.newDeadline))}${d.reason ? `（${str(d.reason)}）` : ''}`;
    default:
      return str(d.reason);
  }
}

const COLORS: Record<string, string> = { escalate: 'red', rag_changed: 'orange', approve_closure: 'green', cancel: 'gray', flag: 'red' };

export function Timeline({ events, dept }: { events: Event[]; dept: Names }) {
  if (events.length === 0) return <Typography.Text type="secondary">尚无记录。交办后，每一步都会记录在这里。</Typography.Text>;
  return (
    <AntTimeline
      items={[...events].reverse().map((e, i) => {
        const who = e.actorName ?? (e.actor === 'system' ? '系统' : '—');
        const role = e.actorRole && e.actorRole !== 'system' ? `（${ROLE_NAMES[e.actorRole as keyof typeof ROLE_NAMES] ?? ''}）` : '';
        const moved = e.fromState && e.toState && e.fromState !== e.toState ? `：${STATUS_NAMES[e.fromState] ?? ''} → ${STATUS_NAMES[e.toState] ?? ''}` : '';
        const what = describeEvent(e, dept);
        return {
          key: `${e.seq ?? 'x'}-${i}`,
          color: COLORS[e.action] ?? 'blue',
          content: (
            <>
              <Typography.Text strong>
                {e.actionName}
                {moved}
              </Typography.Text>
              <div>
                <Typography.Text type="secondary">
                  {formatDateTime(e.at)} · {who}
                  {role}
                </Typography.Text>
              </div>
              {what && <div>{what}</div>}
            </>
          ),
        };
      })}
    />
  );
}

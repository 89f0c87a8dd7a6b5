// A year at a glance: twelve month grids, Monday first, each day coloured by what it is —
// 法定节假日 (休), 调休上班 (班), weekend or workday — with the holidays' names under each month.
import { Flex, Tag, Typography } from 'antd';
import type { CalendarDay } from '../../api/types';

export const DAY_KINDS = {
  holiday: { label: '法定节假日', mark: '休', background: '#fff1f0', border: '#ffa39e', color: '#cf1322' },
  makeup: { label: '调休上班', mark: '班', background: '#fff7e6', border: '#ffd591', color: '#d46b08' },
  weekend: { label: '周末', mark: '', background: '#fafafa', border: '#f0f0f0', color: 'rgba(0,0,0,0.35)' },
  workday: { label: '工作日', mark: '', background: '#ffffff', border: '#f0f0f0', color: 'rgba(0,0,0,0.88)' },
} as const;

const WEEK = ['一', '二', '三', '四', '五', '六', '日'];

export function Legend() {
  return (
    <Flex gap="small" wrap>
      {Object.entries(DAY_KINDS).map(([kind, k]) => (
        <Tag key={kind} style={{ background: k.background, borderColor: k.border, color: k.color }}>
          {k.mark ? `${k.mark} ` : ''}
          {k.label}
        </Tag>
      ))}
    </Flex>
  );
}

/** What a month's holidays and make-up days are called, as one line each: 元旦 1日–3日; 4日 元旦调休上班. */
function monthNotes(days: CalendarDay[]): string[] {
  const notes: string[] = [];
  let run: { name: string; from: number; to: number } | undefined;
  const flush = () => {
    if (run) notes.push(`${run.name} ${run.from === run.to ? `${run.from}日` : `${run.from}日–${run.to}日`}`);
    run = undefined;
  };
  for (const d of days) {
    const n = Number(d.day.slice(8));
    if (d.kind === 'holiday') {
      const name = d.name ?? '法定节假日';
      if (run && run.name === name && run.to === n - 1) run.to = n;
      else {
        flush();
        run = { name, from: n, to: n };
      }
    } else {
      flush();
      if (d.kind === 'makeup') notes.push(`${n}日 ${d.name ?? '调休上班'}`);
    }
  }
  flush();
  return notes;
}

function Month({ month, days, onDayClick }: { month: number; days: CalendarDay[]; onDayClick?: ((day: CalendarDay) => void) | undefined }) {
  // Monday-first: Sunday (0) goes last.
  const lead = (days[0]!.weekday + 6) % 7;
  return (
    <section aria-label={`${month}月`} style={{ border: '1px solid #f0f0f0', borderRadius: 8, padding: 8 }}>
      <Typography.Text strong>{month}月</Typography.Text>
      <div style={{ display: 'grid', gridTemplateColumns: 'repeat(7, 1fr)', gap: 2, marginTop: 4, textAlign: 'center', fontSize: 12 }}>
        {WEEK.map((w) => (
          <div key={w} style={{ color: 'rgba(0,0,0,0.45)' }}>
            {w}
          </div>
        ))}
        {Array.from({ length: lead }, (_, i) => (
          <div key={`blank-${i}`} />
        ))}
        {days.map((d) => {
          const k = DAY_KINDS[d.kind];
          const title = `${d.day.slice(5, 7)}月${Number(d.day.slice(8))}日 ${d.name ?? k.label}`;
          return (
            <div
              key={d.day}
              title={title}
              data-day={d.day}
              data-kind={d.kind}
              onClick={onDayClick ? () => onDayClick(d) : undefined}
              style={{ background: k.background, border: `1px solid ${k.border}`, color: k.color, borderRadius: 4, lineHeight: '16px', padding: '2px 0', cursor: onDayClick ? 'pointer' : undefined }}
            >
              {Number(d.day.slice(8))}
              <div style={{ fontSize: 10, minHeight: 12 }}>{k.mark}</div>
            </div>
          );
        })}
      </div>
      {monthNotes(days).map((note) => (
        <div key={note} style={{ fontSize: 12, color: 'rgba(0,0,0,0.65)', marginTop: 2 }}>
          {note}
        </div>
      ))}
    </section>
  );
}

export function YearGrid({ days, onDayClick }: { days: CalendarDay[]; onDayClick?: ((day: CalendarDay) => void) | undefined }) {
  const months = Array.from({ length: 12 }, (_, i) => days.filter((d) => Number(d.day.slice(5, 7)) === i + 1));
  return (
    <div style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(220px, 1fr))', gap: 12 }}>
      {months.map((m, i) => m.length > 0 && <Month key={i + 1} month={i + 1} days={m} onDayClick={onDayClick} />)}
    </div>
  );
}

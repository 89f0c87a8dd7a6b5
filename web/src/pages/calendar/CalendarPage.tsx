// 节假日安排 (admins and the office): a year's working calendar as twelve month grids, the warning
// when next year is missing, and — for admins — entering a year from the State Council notice's
// lines: preview what was read (or every line that could not be), save, then watch the open
// measures recompute their due times and see whose moved. Admins correct a single day by clicking it.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Descriptions, Empty, Flex, Form, Input, Modal, Radio, Select, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { ApiError } from '../../api/client';
import { calendar } from '../../api/endpoints';
import type { CalendarChange, CalendarDay, CalendarRollout, CalendarYear, CorrectDayBody } from '../../api/types';
import { useSignedIn } from '../../auth/session';
import { LoadError, Loading } from '../../components/PageState';
import { formatDateTime, formatDay } from '../../format/date';
import { RolloutResult } from './RolloutResult';
import { Legend, YearGrid } from './YearGrid';

const thisYear = () => Number(new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(new Date()).replace(/\D/g, ''));

const EXAMPLE = ['一、元旦：1月1日（星期五）至3日（星期日）放假调休，共3天。', '二、春节：2月6日（星期六）至14日（星期日）放假调休，共9天。2月20日（星期六）上班。'].join('\n');

/** Every problem the API listed, one line each (a notice's line number is in the message). */
function Problems({ error }: { error: unknown }) {
  const problems = error instanceof ApiError && error.errors.length ? error.errors.map((e) => e.message) : [error instanceof Error ? error.message : '未知错误'];
  return (
    <Alert
      type="error"
      showIcon
      title={problems.length > 1 ? `通知中有 ${problems.length} 处问题，请修改后再预览` : '未能读取，请修改后再预览'}
      description={
        <ul style={{ margin: 0, paddingLeft: 20 }}>
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      }
    />
  );
}

function Arrangement({ view }: { view: CalendarYear }) {
  const holidayDays = view.holidays.reduce((n, h) => n + h.days, 0);
  return (
    <Flex vertical gap="small">
      <Typography.Text>
        放假 {view.holidays.length} 段、共 {holidayDays} 天；调休上班 {view.makeupDays.length} 天
      </Typography.Text>
      <Table
        size="small"
        rowKey="from"
        pagination={false}
        dataSource={view.holidays}
        locale={{ emptyText: '没有法定节假日' }}
        columns={[
          { title: '节日', key: 'name', render: (_, h) => h.name ?? '法定节假日' },
          { title: '放假', key: 'range', render: (_, h) => (h.from === h.to ? formatDay(h.from) : `${formatDay(h.from)} 至 ${formatDay(h.to)}`) },
          { title: '天数', dataIndex: 'days', width: 64 },
        ]}
      />
      {view.makeupDays.length > 0 && (
        <Typography.Text>
          调休上班：
          {view.makeupDays.map((m) => `${formatDay(m.day)}（${m.name ?? '调休上班'}）`).join('、')}
        </Typography.Text>
      )}
    </Flex>
  );
}

function EnterYear({ year, onSaved }: { year: number; onSaved: (change: CalendarChange) => void }) {
  const queryClient = useQueryClient();
  const [notice, setNotice] = useState('');
  // The preview belongs to the text it was made from: editing the text asks for a new one.
  const [preview, setPreview] = useState<{ notice: string; result: CalendarChange } | null>(null);
  const previewing = useMutation({
    mutationFn: (text: string) => calendar.enterYear(year, { notice: text, dryRun: true }),
    onSuccess: (result, text) => setPreview({ notice: text, result }),
    onError: () => setPreview(null),
  });
  const saving = useMutation({
    mutationFn: (text: string) => calendar.enterYear(year, { notice: text }),
    onSuccess: async (result) => {
      setPreview(null);
      setNotice('');
      // First pin the year, then refresh: the refreshed list no longer warns about it.
      onSaved(result);
      await queryClient.invalidateQueries({ queryKey: ['calendar'] });
    },
  });
  const current = preview?.notice === notice ? preview.result : null;

  return (
    <Card title={`录入${year}年节假日安排`}>
      <Flex vertical gap="middle">
        <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
          国务院办公厅每年11月前后发布下一年的节假日安排。把通知中各节日的条文粘贴到下面（每行一个节日），先预览核对，再保存；保存后将替换{year}年的全部安排，
          未办结措施的待办时限随之重算。
        </Typography.Paragraph>
        <Form layout="vertical">
          <Form.Item label="通知条文" htmlFor="calendar-notice" style={{ marginBottom: 8 }}>
            <Input.TextArea
              id="calendar-notice"
              rows={8}
              value={notice}
              placeholder={`例如：\n${EXAMPLE}`}
              onChange={(e) => {
                setNotice(e.target.value);
                previewing.reset();
                saving.reset();
              }}
            />
          </Form.Item>
          <Flex gap="small" wrap>
            <Button onClick={() => previewing.mutate(notice)} loading={previewing.isPending} disabled={!notice.trim()}>
              预览
            </Button>
            <Button type="primary" onClick={() => saving.mutate(notice)} loading={saving.isPending} disabled={!current}>
              保存{year}年安排
            </Button>
          </Flex>
        </Form>
        {previewing.error && <Problems error={previewing.error} />}
        {saving.error && <Problems error={saving.error} />}
        {current && (
          <Flex vertical gap="small">
            <Alert type="success" showIcon title="已读取，请核对下列安排和日历后保存（尚未保存）" />
            <Arrangement view={current.calendar} />
            <YearGrid days={current.calendar.days} />
          </Flex>
        )}
      </Flex>
    </Card>
  );
}

const CORRECTIONS: Array<{ value: CorrectDayBody['kind']; label: string }> = [
  { value: 'holiday', label: '法定节假日' },
  { value: 'makeup', label: '调休上班（须为周六或周日）' },
  { value: 'normal', label: '恢复平常（周一至周五上班）' },
];

function CorrectDay({ day, onClose, onSaved }: { day: CalendarDay; onClose: () => void; onSaved: (change: CalendarChange) => void }) {
  const queryClient = useQueryClient();
  const [kind, setKind] = useState<CorrectDayBody['kind']>(day.kind === 'holiday' ? 'holiday' : day.kind === 'makeup' ? 'makeup' : 'normal');
  const [name, setName] = useState(day.name ?? '');
  const save = useMutation({
    mutationFn: () => calendar.correctDay(day.day, { kind, ...(name.trim() && kind !== 'normal' ? { name: name.trim() } : {}) }),
    onSuccess: async (result) => {
      await queryClient.invalidateQueries({ queryKey: ['calendar'] });
      onSaved(result);
      onClose();
    },
  });
  return (
    <Modal open title={`更正 ${formatDay(day.day)}`} okText="保存" cancelText="取消" onOk={() => save.mutate()} confirmLoading={save.isPending} onCancel={onClose}>
      <Flex vertical gap="middle">
        {save.error && <Alert type="error" showIcon title={save.error.message} />}
        <Radio.Group value={kind} onChange={(e) => setKind(e.target.value as CorrectDayBody['kind'])} options={CORRECTIONS} style={{ display: 'flex', flexDirection: 'column', gap: 8 }} />
        {kind !== 'normal' && <Input value={name} onChange={(e) => setName(e.target.value)} placeholder="名称，如 春节、春节调休上班" maxLength={30} aria-label="名称" />}
      </Flex>
    </Modal>
  );
}

function Rollouts() {
  const list = useQuery({
    queryKey: ['calendar', 'rollouts'],
    queryFn: calendar.rollouts,
    refetchInterval: (q) => (q.state.data?.some((r) => r.status === 'pending') ? 2000 : false),
  });
  if (list.error) return <LoadError error={list.error} onRetry={() => void list.refetch()} />;
  return (
    <Card title="时限重算记录">
      <Table<CalendarRollout>
        size="small"
        rowKey="id"
        loading={list.isPending}
        dataSource={list.data ?? []}
        pagination={false}
        locale={{ emptyText: <Empty description="还没有调整过节假日安排。每次调整后，未办结措施的待办时限会重算，结果记在这里。" /> }}
        expandable={{ expandedRowRender: (r) => <RolloutResult id={r.id} /> }}
        columns={[
          { title: '时间', key: 'at', width: 170, render: (_, r) => formatDateTime(r.createdAt) },
          { title: '调整', dataIndex: 'change' },
          { title: '状态', key: 'status', width: 90, render: (_, r) => (r.status === 'done' ? <Tag color="green">已完成</Tag> : <Tag color="blue">重算中</Tag>) },
          { title: '时限有变动的措施', key: 'moved', width: 150, render: (_, r) => `${r.measuresMoved} / ${r.measuresDone} 项` },
        ]}
      />
    </Card>
  );
}

export default function CalendarPage() {
  const me = useSignedIn();
  const isAdmin = me.role === 'admin';
  const years = useQuery({ queryKey: ['calendar', 'years'], queryFn: calendar.years });
  const [chosen, setChosen] = useState<number | null>(null);
  const [correcting, setCorrecting] = useState<CalendarDay | null>(null);
  const [saved, setSaved] = useState<CalendarChange | null>(null);
  const year = chosen ?? years.data?.warning?.year ?? thisYear();
  const view = useQuery({ queryKey: ['calendar', 'year', year], queryFn: () => calendar.year(year) });

  if (years.error) return <LoadError error={years.error} onRetry={() => void years.refetch()} />;
  if (!years.data) return <Loading />;
  const known = new Set(years.data.years.map((y) => y.year));
  const options = [...new Set([...known, thisYear(), thisYear() + 1])].sort((a, b) => a - b);
  const v = view.data;

  const enterYear = (
    <EnterYear
      year={year}
      onSaved={(change) => {
        // Stay on the year just entered (shown by default only while it was missing).
        setChosen(change.calendar.year);
        setSaved(change);
      }}
    />
  );

  return (
    <Flex vertical gap="middle">
      {/* A year not entered yet: the form comes first (its grid would only show weekends). */}
      {isAdmin && v && !v.known && enterYear}
      {/* The year card says it when that year is the one shown. */}
      {years.data.warning && years.data.warning.year !== year && <Alert type="warning" showIcon title={years.data.warning.message} />}
      <Card
        title="节假日安排"
        extra={
          <Select
            aria-label="年份"
            value={year}
            style={{ width: 150 }}
            onChange={(y) => {
              setChosen(y);
              setSaved(null);
            }}
            options={options.map((y) => ({ value: y, label: known.has(y) ? `${y}年` : `${y}年（未录入）` }))}
          />
        }
      >
        {view.error ? (
          <LoadError error={view.error} onRetry={() => void view.refetch()} />
        ) : !v ? (
          <Loading />
        ) : (
          <Flex vertical gap="middle">
            {!v.known && (
              <Alert
                type="warning"
                showIcon
                title={`尚未录入${year}年节假日安排`}
                description={isAdmin ? '在此之前，该年的工作日按周一至周五计算，涉及的时限在措施上标注“无日历数据”。请在下方录入。' : '在此之前，该年的工作日按周一至周五计算。请联系系统管理员录入。'}
              />
            )}
            <Descriptions
              size="small"
              column={{ xs: 1, sm: 2, md: 3 }}
              items={[
                { key: 'source', label: '来源', children: v.source === 'admin' ? '管理员录入' : v.source === 'package' ? '随系统提供' : '未录入' },
                { key: 'at', label: '更新时间', children: v.updatedAt ? formatDateTime(v.updatedAt) : '—' },
                { key: 'by', label: '更新人', children: v.changes[0]?.actorName ?? (v.source === 'package' ? '系统' : '—') },
              ]}
            />
            {v.known && <Arrangement view={v} />}
            <Legend />
            {isAdmin && v.known && <Typography.Text type="secondary">点击某一天可单独更正。</Typography.Text>}
            <YearGrid days={v.days} onDayClick={isAdmin && v.known ? setCorrecting : undefined} />
          </Flex>
        )}
      </Card>
      {saved && (
        <Card title="本次调整">
          {saved.changed && saved.rollout ? <RolloutResult id={saved.rollout.id} /> : <Alert type="info" showIcon title="与已保存的安排相同，没有变化。" />}
        </Card>
      )}
      {isAdmin && v?.known && enterYear}
      {v && v.changes.length > 0 && (
        <Card title="调整记录">
          <Table
            size="small"
            rowKey={(c) => `${c.at}-${c.action}`}
            pagination={false}
            dataSource={v.changes}
            columns={[
              { title: '时间', key: 'at', width: 170, render: (_, c) => formatDateTime(c.at) },
              { title: '操作人', key: 'actor', width: 140, render: (_, c) => c.actorName ?? c.actor },
              { title: '内容', key: 'change', render: (_, c) => (typeof c.detail.change === 'string' ? c.detail.change : c.action === 'calendar_year_entered' ? '录入全年安排' : '更正单日') },
            ]}
          />
        </Card>
      )}
      <Rollouts />
      {correcting && <CorrectDay day={correcting} onClose={() => setCorrecting(null)} onSaved={setSaved} />}
    </Flex>
  );
}

// 待办事项 of the coordination office: closures to review (the application beside the measure's
// requirements), extensions and declines to decide, escalations to follow. The queue shown and the
// search are kept in the address.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Button, Card, DatePicker, Empty, Form, Input, Select, Space, Table, Tabs, Tag, Typography, type TableProps } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState, type ReactNode } from 'react';
import { Link, useSearchParams } from 'react-router';
import { departments as departmentsApi, queues } from '../../api/endpoints';
import type { Department, QueueItem, QueueKind } from '../../api/types';
import { LoadError } from '../../components/PageState';
import { RagLight } from '../../components/RagLight';
import { dueIn, formatDateTime, formatDay } from '../../format/date';
import { ASSIGNMENT_ROLE_NAMES, ITEM_NAMES, LIST_NAMES } from '../../format/labels';
import { DecisionDialog, optionalReason, reasonField, type Decision } from './DecisionDialog';
import { changeParams, currentParams } from './filters';
import { ReviewDrawer } from './ReviewDrawer';

const QUEUES: Array<{ key: QueueKind; name: string; empty: string }> = [
  { key: 'review', name: '销号审核', empty: '没有待审核的销号申请。牵头单位申请销号后会列在这里。' },
  { key: 'extensions', name: '延期申请', empty: '没有待审批的延期申请。' },
  { key: 'declines', name: '申请调整', empty: '没有部门申请调整任务分工。' },
  { key: 'escalations', name: '督办升级', empty: '没有升级督办的措施：各单位均按时签收、反馈。' },
];
const PAGE_SIZE = 20;

const measureColumn: NonNullable<TableProps<QueueItem>['columns']>[number] = {
  title: '措施',
  key: 'title',
  render: (_, m) => (
    <>
      <Link to={`/measures/${m.measureId}`}>
        第{m.seq}项 {m.title}
      </Link>
      <div>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {m.leadDepartmentShortName ?? m.leadDepartmentName} · {m.list ? LIST_NAMES[m.list] : ''}
        </Typography.Text>
      </div>
    </>
  ),
};
const at = (iso: string | null) => (iso ? formatDateTime(iso) : '—');

function columnsFor(queue: QueueKind, decide: (d: Decision<never>) => void, review: (id: string) => void, departments: Department[]): TableProps<QueueItem>['columns'] {
  switch (queue) {
    case 'review':
      return [
        measureColumn,
        { title: '进度', key: 'progress', width: 72, render: (_, m) => (m.progressPercent === null ? '—' : `${m.progressPercent}%`) },
        { title: '审核期限', key: 'due', width: 170, render: (_, m) => <Due at={m.reviewDueAt} /> },
        { title: '操作', key: 'act', width: 100, render: (_, m) => <Button type="primary" onClick={() => review(m.measureId)}>审核</Button> },
      ];
    case 'extensions':
      return [
        measureColumn,
        { title: '现完成时限', key: 'deadline', width: 160, render: (_, m) => <>{m.deadlineText}<div><Typography.Text type="secondary" style={{ fontSize: 12 }}>{at(m.deadlineAt)}</Typography.Text></div></> },
        { title: '申请延至', key: 'new', width: 140, render: (_, m) => (m.pendingExtension ? formatDay(m.pendingExtension.newDeadline) : '—') },
        { title: '理由', key: 'reason', render: (_, m) => <><div>{m.pendingExtension?.reason}</div><Typography.Text type="secondary" style={{ fontSize: 12 }}>{m.pendingExtension?.byName} {at(m.pendingExtension?.at ?? null)}</Typography.Text></> },
        {
          title: '操作',
          key: 'act',
          width: 170,
          render: (_, m) => (
            <Space wrap>
              <Button type="primary" onClick={() => decide(extensionDecision(m, true) as Decision<never>)}>批准</Button>
              <Button onClick={() => decide(extensionDecision(m, false) as Decision<never>)}>不予批准</Button>
            </Space>
          ),
        },
      ];
    case 'declines':
      return [
        measureColumn,
        {
          title: '申请调整的单位与理由',
          key: 'declines',
          render: (_, m) =>
            m.declines.map((d) => (
              <div key={d.departmentId}>
                <Tag>{ASSIGNMENT_ROLE_NAMES[d.role]}</Tag>
                {d.departmentName}：{d.reason}
                <Typography.Text type="secondary" style={{ fontSize: 12 }}> {formatDateTime(d.declinedAt)}</Typography.Text>
              </div>
            )),
        },
        {
          title: '操作',
          key: 'act',
          width: 150,
          render: (_, m) =>
            m.declines.some((d) => d.role === 'lead') ? (
              <Button type="primary" onClick={() => decide(reassignDecision(m, departments) as Decision<never>)}>调整牵头单位</Button>
            ) : (
              <Link to={`/measures/${m.measureId}`}>到措施页处理</Link>
            ),
        },
      ];
    case 'escalations':
      return [
        measureColumn,
        { title: '灯', key: 'rag', width: 80, render: (_, m) => <RagLight rag={m.rag} /> },
        { title: '督办级别', key: 'level', width: 110, render: (_, m) => (m.flagged ? <Tag color="red">挂牌督办</Tag> : <Tag color={m.escalationLevel >= 3 ? 'red' : 'orange'}>{m.escalationName}</Tag>) },
        {
          title: '升级事项',
          key: 'items',
          render: (_, m) => (
            <>
              {m.flaggedDetail && <div>挂牌理由：{m.flaggedDetail.reason}</div>}
              {m.escalated.map((e, i) => (
                <div key={i}>
                  {e.levelName}：{e.departmentName ? `${e.departmentName} ` : ''}
                  {ITEM_NAMES[e.kind] ?? e.kind}，期限 {formatDateTime(e.dueAt)}
                </div>
              ))}
            </>
          ),
        },
      ];
  }
}

function Due({ at: iso }: { at: string | null }): ReactNode {
  if (!iso) return '—';
  const left = dueIn(iso);
  return (
    <>
      {formatDateTime(iso)}
      <div>
        <Typography.Text type={left.startsWith('已逾期') ? 'danger' : 'secondary'} style={{ fontSize: 12 }}>
          {left}
        </Typography.Text>
      </div>
    </>
  );
}

const day = (v: unknown) => (v as Dayjs | undefined)?.format('YYYY-MM-DD');

function extensionDecision(m: QueueItem, approve: boolean): Decision<'decideExtension'> {
  const asked = m.pendingExtension;
  return {
    measureId: m.measureId,
    action: 'decideExtension',
    title: approve ? '批准延期' : '不予批准延期',
    okText: approve ? '批准' : '不予批准',
    danger: !approve,
    intro: asked ? `第${m.seq}项「${m.title}」申请将完成时限由 ${m.deadlineText} 延至 ${formatDay(asked.newDeadline)}。理由：${asked.reason}` : undefined,
    fields: approve ? (
      <>
        <Form.Item name="newDeadline" label="批准的完成时限（不填则按申请）">
          <DatePicker />
        </Form.Item>
        {reasonField('审批意见（可不填）', false)}
      </>
    ) : (
      reasonField('不予批准的理由', true)
    ),
    body: (v) => ({ approve, ...(approve && day(v.newDeadline) ? { newDeadline: day(v.newDeadline)! } : {}), ...optionalReason(v) }),
  };
}

function reassignDecision(m: QueueItem, departments: Department[]): Decision<'reassignLead'> {
  const declined = m.declines.find((d) => d.role === 'lead');
  return {
    measureId: m.measureId,
    action: 'reassignLead',
    title: '调整牵头单位',
    intro: declined ? `${declined.departmentName}申请调整：${declined.reason}` : undefined,
    fields: (
      <>
        <Form.Item name="departmentId" label="新的牵头单位" rules={[{ required: true, message: '请选择新的牵头单位' }]}>
          <Select
            showSearch={{ optionFilterProp: 'label' }}
            placeholder="选择部门"
            options={departments.filter((d) => d.id !== m.leadDepartmentId).map((d) => ({ value: d.id, label: d.name }))}
          />
        </Form.Item>
        {reasonField('调整理由', true)}
      </>
    ),
    body: (v) => ({ departmentId: String(v.departmentId), reason: String(v.reason).trim() }),
  };
}

export default function QueuesPage() {
  const [params, setParams] = useSearchParams();
  const queue = QUEUES.find((q) => q.key === params.get('queue'))?.key ?? 'review';
  const q = params.get('q')?.trim() || undefined;
  const page = Math.max(1, Math.floor(Number(params.get('page'))) || 1);
  const [decision, setDecision] = useState<Decision<never> | null>(null);
  const [reviewing, setReviewing] = useState<string | null>(null);

  const result = useQuery({ queryKey: ['queues', queue, { q, page }], queryFn: () => queues.page(queue, { q, page, pageSize: PAGE_SIZE }), placeholderData: keepPreviousData });
  const departments = useQuery({ queryKey: ['departments'], queryFn: departmentsApi.list, staleTime: 5 * 60_000, enabled: queue === 'declines' });
  const counts = result.data?.counts;
  const set = (changes: Record<string, string | number | undefined>) => setParams(changeParams(currentParams(), changes));
  const current = QUEUES.find((x) => x.key === queue)!;

  return (
    <Card title="待办审核">
      <Tabs
        activeKey={queue}
        onChange={(key) => setParams(new URLSearchParams({ queue: key }))}
        items={QUEUES.map((x) => ({ key: x.key, label: `${x.name}${counts ? `（${counts[x.key]}）` : ''}` }))}
      />
      <Input.Search
        key={`${queue}:${q ?? ''}`}
        allowClear
        defaultValue={q}
        placeholder="搜索措施、牵头单位、政策文件"
        aria-label="搜索"
        style={{ maxWidth: 320, marginBottom: 16 }}
        onSearch={(v) => set({ q: v.trim() || undefined })}
      />
      {result.error ? (
        <LoadError error={result.error} onRetry={() => void result.refetch()} />
      ) : (
        <Table<QueueItem>
          rowKey="measureId"
          size="middle"
          scroll={{ x: 760 }}
          loading={result.isFetching}
          dataSource={result.data?.queue === queue ? result.data.items : []}
          columns={columnsFor(queue, setDecision, setReviewing, departments.data ?? [])}
          locale={{ emptyText: <Empty description={q ? '没有符合搜索的事项，请清除搜索后再看。' : current.empty} /> }}
          pagination={{ current: page, pageSize: PAGE_SIZE, total: result.data?.total ?? 0, showSizeChanger: false, showTotal: (t) => `共 ${t} 项`, onChange: (p) => set({ page: p }), hideOnSinglePage: true }}
        />
      )}
      {decision && <DecisionDialog key={`${decision.measureId}:${decision.title}`} decision={decision} onClose={() => setDecision(null)} />}
      {reviewing && <ReviewDrawer measureId={reviewing} onClose={() => setReviewing(null)} />}
    </Card>
  );
}


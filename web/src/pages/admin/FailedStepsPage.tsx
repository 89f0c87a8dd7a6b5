// 失败步骤 (admins): measure steps PostgreSQL refused to store (the measure went on without them),
// why each was refused, and what to do: replay it as recorded or repaired, or discard it with a reason.
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Empty, Form, Input, Modal, Radio, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { failedSteps } from '../../api/endpoints';
import type { FailedStep } from '../../api/types';
import { LoadError, Loading } from '../../components/PageState';
import { formatDateTime } from '../../format/date';
import { useAdminMutation } from './useAdminMutation';

type Status = FailedStep['status'];
const STATUS: Record<Status, { name: string; color: string }> = { open: { name: '待处理', color: 'red' }, replayed: { name: '已重放', color: 'green' }, discarded: { name: '已放弃', color: 'default' } };

function StepDialog({ step, onClose }: { step: FailedStep; onClose: () => void }) {
  const detail = useQuery({ queryKey: ['failed-step', step.id], queryFn: () => failedSteps.get(step.id) });
  const [text, setText] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const invalidate = [['failed-steps'], ['failed-step']];
  const replay = useAdminMutation(
    (repaired: unknown) => failedSteps.replay(step.id, repaired === undefined ? {} : { payload: repaired as never }),
    { done: (r) => (r.written === 'whole' ? '已重放，整步写入' : '已重放，补写了本步的记录'), invalidate, onDone: onClose },
  );
  const discard = useAdminMutation((why: string) => failedSteps.discard(step.id, why), { done: '已放弃该步骤', invalidate, onDone: onClose });
  const recorded = detail.data ? JSON.stringify(detail.data.payload, null, 2) : '';
  let parsed: unknown;
  let parseError: string | null = null;
  if (text !== null) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parseError = '修改后的内容不是合法的 JSON，请检查括号和引号';
    }
  }
  return (
    <Modal open title={`失败步骤：${step.measureTitle ?? step.measureId} · 第${step.seq}步`} footer={null} onCancel={onClose} width={760} destroyOnHidden>
      {detail.error ? (
        <LoadError error={detail.error} onRetry={() => void detail.refetch()} />
      ) : !detail.data ? (
        <Loading />
      ) : (
        <Space direction="vertical" style={{ width: '100%' }}>
          <Alert type="error" title={`被拒原因：${step.errorMessage}`} description={<span translate="no">{step.errorCode}</span>} />
          <Typography.Text>记录下的步骤（可修改后重放）：</Typography.Text>
          <Input.TextArea aria-label="步骤内容" rows={12} value={text ?? recorded} onChange={(e) => setText(e.target.value)} style={{ fontFamily: 'monospace' }} disabled={step.status !== 'open'} />
          {parseError && <Typography.Text type="danger">{parseError}</Typography.Text>}
          {step.status === 'open' ? (
            <>
              <Space wrap>
                <Button type="primary" loading={replay.isPending} disabled={!!parseError} onClick={() => replay.mutate(text === null || text === recorded ? undefined : parsed)}>
                  {text === null || text === recorded ? '按原内容重放' : '按修改后的内容重放'}
                </Button>
              </Space>
              <Form layout="inline">
                <Form.Item label="放弃理由">
                  <Input value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} style={{ width: 320 }} />
                </Form.Item>
                <Button danger disabled={!reason.trim()} loading={discard.isPending} onClick={() => discard.mutate(reason)}>
                  放弃此步骤
                </Button>
              </Form>
            </>
          ) : (
            <Typography.Text type="secondary">
              {STATUS[step.status].name}：{step.resolution ?? ''}（{step.resolvedBy?.displayName ?? '—'}，{formatDateTime(step.resolvedAt)}）
            </Typography.Text>
          )}
        </Space>
      )}
    </Modal>
  );
}

export default function FailedStepsPage() {
  const [status, setStatus] = useState<Status | 'all'>('open');
  const [page, setPage] = useState(1);
  const [open, setOpen] = useState<FailedStep | null>(null);
  const query = { ...(status === 'all' ? {} : { status }), page, pageSize: 20 };
  const result = useQuery({ queryKey: ['failed-steps', query], queryFn: () => failedSteps.page(query) });
  if (result.error) return <LoadError error={result.error} onRetry={() => void result.refetch()} />;
  return (
    <Card title={`失败步骤${result.data ? `（待处理 ${result.data.open}）` : ''}`}>
      <Radio.Group
        style={{ marginBottom: 16 }}
        value={status}
        onChange={(e) => {
          setStatus(e.target.value as Status | 'all');
          setPage(1);
        }}
        options={[{ value: 'open', label: '待处理' }, { value: 'replayed', label: '已重放' }, { value: 'discarded', label: '已放弃' }, { value: 'all', label: '全部' }]}
        optionType="button"
      />
      <Table<FailedStep>
        rowKey="id"
        loading={result.isPending}
        dataSource={result.data?.items ?? []}
        scroll={{ x: 900 }}
        pagination={{ current: page, pageSize: 20, total: result.data?.total ?? 0, onChange: setPage }}
        locale={{ emptyText: <Empty description="没有失败步骤。数据库拒绝写入某个办理步骤时会列在这里，措施照常运行，可在此重放或放弃。" /> }}
        columns={[
          { title: '最近失败', width: 170, render: (_, s) => formatDateTime(s.lastSeenAt) },
          { title: '措施', render: (_, s) => <Link to={`/measures/${s.measureId}`}>{s.measureTitle ?? '（措施已不存在）'}</Link> },
          { title: '步骤', width: 110, render: (_, s) => `第${s.seq}步 · ${s.action}` },
          { title: '原因', render: (_, s) => <Typography.Text type="secondary">{s.errorMessage}</Typography.Text> },
          { title: '次数', width: 60, render: (_, s) => s.failures },
          { title: '状态', width: 90, render: (_, s) => <Tag color={STATUS[s.status].color}>{STATUS[s.status].name}</Tag> },
          {
            title: '操作',
            width: 90,
            render: (_, s) => (
              <Button size="small" type={s.status === 'open' ? 'primary' : 'default'} onClick={() => setOpen(s)}>
                {s.status === 'open' ? '处理' : '查看'}
              </Button>
            ),
          },
        ]}
      />
      {open && <StepDialog step={open} onClose={() => setOpen(null)} />}
    </Card>
  );
}

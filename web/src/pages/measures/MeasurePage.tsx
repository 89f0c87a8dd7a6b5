// 措施详情 at /measures/:id, the address every notification links to: what the measure asks, who
// answers for it, its deadline as written and as understood, where it stands, its whole history,
// and the actions the signed-in person may take.
import { useQuery } from '@tanstack/react-query';
import { PaperClipOutlined } from '@ant-design/icons';
import { Card, Descriptions, Empty, Flex, Grid, Space, Table, Tabs, Tag, Typography } from 'antd';
import { useParams } from 'react-router';
import { departments as departmentsApi, measures } from '../../api/endpoints';
import type { MeasureDetail } from '../../api/types';
import { useSignedIn } from '../../auth/session';
import { ItemList } from '../../components/ItemList';
import { LoadError, Loading } from '../../components/PageState';
import { RagLight } from '../../components/RagLight';
import { formatDateTime } from '../../format/date';
import { ASSIGNMENT_ROLE_NAMES, LIST_NAMES, STATUS_NAMES } from '../../format/labels';
import { ActionPanel } from './ActionPanel';
import { formatSize } from './action-forms';
import { snapshotOf } from './allowed-actions';
import { Timeline } from './Timeline';

type Assignment = MeasureDetail['assignments'][number];
type Report = MeasureDetail['reports'][number];

function acknowledgment(a: Assignment) {
  if (a.acknowledgedAt) return <Tag color="green">已签收 {formatDateTime(a.acknowledgedAt)}</Tag>;
  if (a.declinedAt) return <Tag color="orange">申请调整：{a.declineReason}</Tag>;
  return <Tag>未签收</Tag>;
}

type Evidence = MeasureDetail['evidence'][number];

function EvidenceLink({ name, url, file }: { name: string; url?: string | undefined; file?: Evidence['file'] | undefined }) {
  // An uploaded file downloads from the server (checked against who may see the measure).
  if (file) {
    return (
      <a href={file.url} download={file.name}>
        <PaperClipOutlined /> {name}
      </a>
    );
  }
  // Evidence links are http(s) only (the API refuses others); they open outside the dashboard.
  return url ? (
    <a href={url} target="_blank" rel="noopener noreferrer">
      {name}
    </a>
  ) : (
    <span>{name}</span>
  );
}

export default function MeasurePage() {
  const { id = '' } = useParams();
  const me = useSignedIn();
  const detail = useQuery({ queryKey: ['measure', id], queryFn: () => measures.get(id) });
  const wide = Grid.useBreakpoint().md;
  const departments = useQuery({ queryKey: ['departments'], queryFn: departmentsApi.list, staleTime: 5 * 60_000 });

  if (detail.error) return <LoadError error={detail.error} onRetry={() => void detail.refetch()} />;
  if (!detail.data) return <Loading />;
  const m = detail.data;
  const entry = m.entry;
  const names = new Map((departments.data ?? []).map((d) => [d.id, d.shortName ?? d.name]));
  for (const a of m.assignments) names.set(a.departmentId, a.shortName ?? a.departmentName);
  const dept = (id: unknown) => (typeof id === 'string' ? (names.get(id) ?? id) : '');
  const flagged = snapshotOf(m).flagged;
  const fileById = new Map(m.evidence.flatMap((e) => (e.file ? [[e.file.id, e.file] as const] : [])));
  const office = me.role === 'coordination_office' || me.role === 'admin';

  return (
    <Flex vertical gap="middle">
      <Card
        title={
          <Typography.Title level={4} style={{ margin: 0, whiteSpace: 'normal' }}>
            第{m.seq}项 {m.title}
          </Typography.Title>
        }
      >
        <Space wrap style={{ marginBottom: 16 }}>
          <Tag color="blue">{STATUS_NAMES[m.status]}</Tag>
          {entry?.list && <Tag>{LIST_NAMES[entry.list]}</Tag>}
          {entry && <RagLight rag={entry.rag} />}
          {entry?.escalationName && <Tag color={entry.escalationLevel >= 3 ? 'red' : 'orange'}>{entry.escalationName}</Tag>}
          {flagged && <Tag color="red">挂牌督办：{flagged.reason}</Tag>}
        </Space>
        <Descriptions column={wide ? 2 : 1} layout={wide ? 'horizontal' : 'vertical'} bordered size="small">
          <Descriptions.Item label="政策文件" span="filled">
            《{m.policy.title}》{m.policy.code}
          </Descriptions.Item>
          {m.areaTitle && (
            <Descriptions.Item label="方面" span="filled">
              {m.areaTitle}
            </Descriptions.Item>
          )}
          <Descriptions.Item label="措施内容" span="filled">
            <Typography.Paragraph style={{ margin: 0, whiteSpace: 'pre-wrap' }}>{m.content ?? m.title}</Typography.Paragraph>
          </Descriptions.Item>
          <Descriptions.Item label="工作目标" span="filled">
            {m.target ?? '未填写'}
          </Descriptions.Item>
          <Descriptions.Item label="完成时限（原文）">{m.deadlineText}</Descriptions.Item>
          <Descriptions.Item label="完成时限（解析）">
            {m.deadlineDescription}
            {entry?.deadlineAt && (
              <div>
                <Typography.Text type="secondary">到期：{formatDateTime(entry.deadlineAt)}</Typography.Text>
              </div>
            )}
          </Descriptions.Item>
          <Descriptions.Item label="交办时间">{formatDateTime(m.dispatchedAt) || '尚未交办'}</Descriptions.Item>
          <Descriptions.Item label="完成进度">{entry?.progressPercent === null || entry?.progressPercent === undefined ? '尚未反馈' : `${entry.progressPercent}%`}</Descriptions.Item>
          {entry?.acknowledgeDueAt && <Descriptions.Item label="签收期限">{formatDateTime(entry.acknowledgeDueAt)}</Descriptions.Item>}
          {entry?.reportDueAt && <Descriptions.Item label="本轮反馈期限">{formatDateTime(entry.reportDueAt)}</Descriptions.Item>}
          {entry?.reviewDueAt && <Descriptions.Item label="销号审核期限">{formatDateTime(entry.reviewDueAt)}</Descriptions.Item>}
          {entry?.closedAt && <Descriptions.Item label="销号时间">{formatDateTime(entry.closedAt)}</Descriptions.Item>}
        </Descriptions>
        {office && m.temporalUrl && (
          <Typography.Paragraph style={{ marginTop: 12, marginBottom: 0 }}>
            <a href={m.temporalUrl} target="_blank" rel="noopener noreferrer">
              在 Temporal 界面查看流程历史
            </a>
          </Typography.Paragraph>
        )}
      </Card>

      <Card title="办理">
        <ActionPanel measure={m} me={me} departments={departments.data ?? []} />
      </Card>

      <Card title="责任单位">
        <Table<Assignment>
          rowKey="departmentId"
          size="small"
          pagination={false}
          dataSource={m.assignments}
          scroll={{ x: 480 }}
          columns={[
            { title: '单位', render: (_, a) => a.departmentName },
            { title: '分工', render: (_, a) => ASSIGNMENT_ROLE_NAMES[a.role] },
            { title: '签收情况', render: (_, a) => acknowledgment(a) },
          ]}
        />
      </Card>

      <Card>
        <Tabs
          items={[
            { key: 'timeline', label: `办理过程（${m.timeline.length}）`, children: <Timeline events={m.timeline} dept={dept} /> },
            {
              key: 'reports',
              label: `进展反馈（${m.reports.length}）`,
              children: (
                <Table<Report>
                  rowKey={(r) => `${r.round}-${r.departmentId}-${r.submittedAt}`}
                  size="small"
                  dataSource={[...m.reports].reverse()}
                  scroll={{ x: 720 }}
                  locale={{ emptyText: <Empty description="尚无进展反馈。调度开启后，责任单位在此页面点击「反馈进展」填报。" /> }}
                  columns={[
                    { title: '轮次', width: 70, render: (_, r) => (r.round ? `第${r.round}轮` : '—') },
                    { title: '单位', width: 120, render: (_, r) => dept(r.departmentId) },
                    { title: '进展情况', render: (_, r) => <span style={{ whiteSpace: 'pre-wrap' }}>{r.text}</span> },
                    { title: '进度', width: 70, render: (_, r) => (r.percent === null ? '—' : `${r.percent}%`) },
                    { title: '指标值', width: 80, render: (_, r) => r.indicatorValue ?? '—' },
                    {
                      title: '佐证材料',
                      width: 160,
                      render: (_, r) =>
                        r.evidence.length
                          ? r.evidence.map((e, i) => (
                              <div key={i}>
                                <EvidenceLink name={e.name} url={e.url} file={e.fileId ? (fileById.get(e.fileId) ?? null) : null} />
                              </div>
                            ))
                          : '—',
                    },
                    {
                      title: '提交',
                      width: 170,
                      render: (_, r) => (
                        <>
                          {formatDateTime(r.submittedAt)}
                          <div>
                            {r.submittedByName}
                            {r.late && <Tag color="red">逾期</Tag>}
                          </div>
                        </>
                      ),
                    },
                  ]}
                />
              ),
            },
            {
              key: 'evidence',
              label: `佐证材料（${m.evidence.length}）`,
              children: (
                <ItemList
                  items={m.evidence}
                  itemKey={(e, i) => `${e.at}-${i}`}
                  empty={<Empty description="尚无佐证材料。反馈进展或申请销号时可附上。" />}
                  render={(e) => (
                    <>
                      <EvidenceLink name={e.name} url={e.url} file={e.file} />
                      <div>
                        <Typography.Text type="secondary">
                          {[e.source === 'closure' ? '销号申请' : '进展反馈', e.departmentId ? dept(e.departmentId) : null, formatDateTime(e.at), e.file ? `大小 ${formatSize(e.file.size)}` : null, e.note].filter(Boolean).join(' · ')}
                        </Typography.Text>
                        {e.file && (
                          <div>
                            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                              校验码（SHA-256）：<span translate="no">{e.file.sha256.slice(0, 16)}…</span>
                            </Typography.Text>
                          </div>
                        )}
                      </div>
                    </>
                  )}
                />
              ),
            },
          ]}
        />
      </Card>
    </Flex>
  );
}

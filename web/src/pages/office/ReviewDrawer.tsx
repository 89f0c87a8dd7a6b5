// 销号审核 of one measure: the application (its summary and evidence) beside what the measure asked
// (content, target, deadline) and what the lead department reported on the way, then approve or
// return. Side by side on a wide screen, one above the other on a phone.
import { useQuery } from '@tanstack/react-query';
import { Button, Card, Col, Descriptions, Drawer, Empty, Grid, Row, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { measures } from '../../api/endpoints';
import type { MeasureDetail } from '../../api/types';
import { LoadError, Loading } from '../../components/PageState';
import { formatDateTime } from '../../format/date';
import { DecisionDialog, optionalReason, reasonField, type Decision } from './DecisionDialog';

type Evidence = { name: string; url?: string | undefined; note?: string | undefined; fileId?: string | undefined };
type EvidenceFile = NonNullable<MeasureDetail['evidence'][number]['file']>;

function EvidenceList({ items, files }: { items: Evidence[]; files: Map<string, EvidenceFile> }) {
  if (items.length === 0) return <Typography.Text type="secondary">未附佐证材料</Typography.Text>;
  return (
    <ul style={{ margin: 0, paddingInlineStart: 20 }}>
      {items.map((e, i) => (
        <li key={i}>
          {/* Links are http(s) only (the API refuses others); they open outside the dashboard. */}
          {e.fileId && files.get(e.fileId) ? (
            // A kept file: downloaded with the session, for whoever may see the measure.
            <a href={files.get(e.fileId)!.url} download>
              {e.name}
            </a>
          ) : e.url ? (
            <a href={e.url} target="_blank" rel="noopener noreferrer">
              {e.name}
            </a>
          ) : (
            e.name
          )}
          {e.note && <Typography.Text type="secondary">（{e.note}）</Typography.Text>}
        </li>
      ))}
    </ul>
  );
}

/** The latest closure application, from the measure's timeline. */
export function closureApplicationOf(m: Pick<MeasureDetail, 'timeline'>): { at: string; actorName: string | null; summary: string; evidence: Evidence[] } | null {
  const applied = m.timeline.filter((e) => e.action === 'apply_closure').at(-1);
  if (!applied) return null;
  const d = (applied.detail ?? {}) as { summary?: string; evidence?: Evidence[] };
  return { at: applied.at, actorName: applied.actorName, summary: d.summary ?? '', evidence: d.evidence ?? [] };
}

function Review({ m, onDecided }: { m: MeasureDetail; onDecided: () => void }) {
  const [decision, setDecision] = useState<Decision<'reviewClosure'> | null>(null);
  const application = closureApplicationOf(m);
  const lead = m.assignments.find((a) => a.role === 'lead');
  const reports = [...m.reports].reverse().slice(0, 3);
  const files = new Map(m.evidence.flatMap((e) => (e.fileId && e.file ? [[e.fileId, e.file] as const] : [])));
  const approve: Decision<'reviewClosure'> = {
    measureId: m.id,
    action: 'reviewClosure',
    title: '通过销号',
    okText: '通过，予以销号',
    intro: `第${m.seq}项「${m.title}」审核通过后移入销号清单，不再督办。`,
    fields: reasonField('审核意见（可不填）', false),
    body: (v) => ({ decision: 'approve', ...optionalReason(v) }),
  };
  const giveBack: Decision<'reviewClosure'> = {
    measureId: m.id,
    action: 'reviewClosure',
    title: '退回销号申请',
    okText: '退回',
    danger: true,
    intro: '退回后措施回到督办清单，牵头单位按退回理由补充后可再次申请销号。',
    fields: reasonField('退回理由', true),
    body: (v) => ({ decision: 'return', ...optionalReason(v) }),
  };

  return (
    <>
      <Row gutter={[16, 16]}>
        <Col xs={24} md={12}>
          <Card size="small" title="销号申请" style={{ height: '100%' }}>
            {application ? (
              <>
                <Typography.Paragraph type="secondary">
                  {lead?.shortName ?? lead?.departmentName}
                  {application.actorName ? ` ${application.actorName}` : ''} 于 {formatDateTime(application.at)} 申请
                  {m.entry?.reviewDueAt && `，请于 ${formatDateTime(m.entry.reviewDueAt)} 前审核`}
                </Typography.Paragraph>
                <Typography.Title level={5}>完成情况说明</Typography.Title>
                <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }}>{application.summary}</Typography.Paragraph>
                <Typography.Title level={5}>佐证材料</Typography.Title>
                <EvidenceList items={application.evidence} files={files} />
              </>
            ) : (
              <Empty description="未找到销号申请记录，请打开措施详情查看时间线。" />
            )}
          </Card>
        </Col>
        <Col xs={24} md={12}>
          <Card size="small" title="措施要求与历次反馈" style={{ height: '100%' }}>
            <Descriptions column={1} size="small" layout="vertical">
              <Descriptions.Item label="措施内容">
                <span style={{ whiteSpace: 'pre-wrap' }}>{m.content ?? m.title}</span>
              </Descriptions.Item>
              {m.target && (
                <Descriptions.Item label="工作目标">
                  <span style={{ whiteSpace: 'pre-wrap' }}>{m.target}</span>
                </Descriptions.Item>
              )}
              <Descriptions.Item label="完成时限">
                {m.deadlineText}
                {m.entry?.deadlineAt && `（${formatDateTime(m.entry.deadlineAt)}）`}
              </Descriptions.Item>
            </Descriptions>
            <Typography.Title level={5}>最近的进展反馈</Typography.Title>
            {reports.length === 0 ? (
              <Typography.Text type="secondary">牵头单位未报送过进展。</Typography.Text>
            ) : (
              reports.map((r) => (
                <div key={`${r.round}-${r.departmentId}-${r.submittedAt}`} style={{ marginBottom: 12 }}>
                  <Typography.Text type="secondary">
                    第{r.round}轮 · {r.departmentName} · {formatDateTime(r.submittedAt)}
                    {r.percent !== null && ` · 完成 ${r.percent}%`}
                    {r.late && ' · 逾期报送'}
                  </Typography.Text>
                  <div style={{ whiteSpace: 'pre-wrap' }}>{r.text}</div>
                  {r.evidence.length > 0 && <EvidenceList items={r.evidence} files={files} />}
                </div>
              ))
            )}
          </Card>
        </Col>
      </Row>
      <Space wrap style={{ marginTop: 16 }}>
        <Button type="primary" onClick={() => setDecision(approve)}>
          通过
        </Button>
        <Button danger onClick={() => setDecision(giveBack)}>
          退回
        </Button>
        <Link to={`/measures/${m.id}`}>打开措施详情</Link>
      </Space>
      {decision && <DecisionDialog key={decision.title} decision={decision} onClose={() => setDecision(null)} onDone={onDecided} />}
    </>
  );
}

export function ReviewDrawer({ measureId, onClose }: { measureId: string; onClose: () => void }) {
  const wide = Grid.useBreakpoint().md;
  const detail = useQuery({ queryKey: ['measure', measureId], queryFn: () => measures.get(measureId) });
  const m = detail.data;
  return (
    <Drawer
      open
      onClose={onClose}
      size={wide ? 1000 : '100%'}
      title={m ? `销号审核：第${m.seq}项 ${m.title}` : '销号审核'}
      extra={m && m.status !== 'closure_review' ? <Tag>已不在审核中</Tag> : null}
    >
      {detail.error ? <LoadError error={detail.error} onRetry={() => void detail.refetch()} /> : m ? <Review m={m} onDecided={onClose} /> : <Loading />}
    </Drawer>
  );
}

// The form of each measure action: its fields, what it starts from, and the body it sends.
// Forms start from what the system already knows (最多报一次): progress from the department's
// last report, a closure application with the evidence already reported.
import { MinusCircleOutlined, PaperClipOutlined, PlusOutlined, UploadOutlined } from '@ant-design/icons';
import { Alert, App, Button, DatePicker, Form, Input, InputNumber, Radio, Select, Space, Typography, Upload } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState, type ReactNode } from 'react';
import { newIdempotencyKey } from '../../api/client';
import { measures } from '../../api/endpoints';
import type { ActionBody, Department, MeasureAction, MeasureDetail, Person } from '../../api/types';
import { formatDateTime, formatDay } from '../../format/date';
import { snapshotOf } from './allowed-actions';

export interface FormContext {
  measure: MeasureDetail;
  me: Person;
  departments: Department[];
}

type Values = Record<string, unknown>;

export interface ActionForm<A extends MeasureAction> {
  /** Button and dialog title. */
  label: (ctx: FormContext) => string;
  danger?: boolean;
  intro?: (ctx: FormContext) => ReactNode;
  initial?: (ctx: FormContext) => Values;
  fields?: (ctx: FormContext) => ReactNode;
  body: (values: Values, ctx: FormContext) => ActionBody<A>;
}

const reason = (label: string, required = true) => (
  <Form.Item name="reason" label={label} rules={required ? [{ required: true, whitespace: true, message: `请填写${label}` }] : []}>
    <Input.TextArea rows={3} maxLength={2000} showCount />
  </Form.Item>
);

type EvidenceRow = { name?: string; url?: string; fileId?: string; size?: number };
const evidenceOf = (rows: unknown) =>
  ((rows as EvidenceRow[] | undefined) ?? [])
    .filter((e) => e?.name?.trim())
    .map((e) => ({ name: e.name!.trim(), ...(e.url?.trim() ? { url: e.url.trim() } : {}), ...(e.fileId ? { fileId: e.fileId } : {}) }));

/** Evidence already given for this measure, once each: where a closure application starts from. */
const knownEvidence = (measure: MeasureDetail): EvidenceRow[] => {
  const seen = new Set<string>();
  return measure.evidence.flatMap((e) => {
    const key = e.fileId ?? e.url ?? e.name;
    if (seen.has(key)) return [];
    seen.add(key);
    return [{ name: e.name, ...(e.url ? { url: e.url } : {}), ...(e.fileId ? { fileId: e.fileId, size: e.file?.size } : {}) }];
  });
};

/** File types the server accepts (api/routes/evidence/service.ts), for the file picker. */
const ACCEPT = '.pdf,.ofd,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.wps,.et,.png,.jpg,.jpeg,.zip,.txt';

export function formatSize(bytes: number | undefined): string {
  if (bytes === undefined) return '';
  if (bytes < 1024) return `${bytes} 字节`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function EvidenceFields({ required, measureId }: { required?: boolean; measureId: string }) {
  const form = Form.useFormInstance();
  const { message } = App.useApp();
  const [uploading, setUploading] = useState(0);
  return (
    <Form.List name="evidence" rules={required ? [{ validator: async (_, rows) => (evidenceOf(rows).length ? undefined : Promise.reject(new Error('请至少上传一个文件或填写一项佐证材料'))) }] : []}>
      {(fields, { add, remove }, { errors }) => (
        <Form.Item label="佐证材料（上传文件，或填写名称与链接）">
          {fields.map((field) => {
            const row = (form.getFieldValue(['evidence', field.name]) ?? {}) as EvidenceRow;
            return row.fileId ? (
              <Space key={field.key} align="baseline" style={{ display: 'flex', marginBottom: 8 }}>
                {/* Registered, so that the form submits them: the file's name and id, its size for show. */}
                {(['name', 'fileId', 'size'] as const).map((k) => (
                  <Form.Item key={k} name={[field.name, k]} hidden noStyle>
                    <Input />
                  </Form.Item>
                ))}
                <PaperClipOutlined />
                <span>{row.name}</span>
                <Typography.Text type="secondary">{row.size === undefined ? '' : `大小 ${formatSize(row.size)}`}</Typography.Text>
                <MinusCircleOutlined aria-label="删除" onClick={() => remove(field.name)} />
              </Space>
            ) : (
              <Space key={field.key} align="baseline" style={{ display: 'flex', flexWrap: 'wrap' }}>
                <Form.Item name={[field.name, 'name']} rules={[{ required: true, whitespace: true, message: '请填写材料名称' }]} style={{ marginBottom: 8 }}>
                  <Input placeholder="材料名称，如 验收报告" maxLength={200} />
                </Form.Item>
                <Form.Item name={[field.name, 'url']} rules={[{ type: 'url', message: '请填写以 http:// 或 https:// 开头的网址' }]} style={{ marginBottom: 8 }}>
                  <Input placeholder="链接（可选）" />
                </Form.Item>
                <MinusCircleOutlined aria-label="删除" onClick={() => remove(field.name)} />
              </Space>
            );
          })}
          <Space wrap>
            <Upload
              accept={ACCEPT}
              multiple
              showUploadList={false}
              customRequest={({ file, onSuccess, onError }) => {
                const f = file as File;
                setUploading((n) => n + 1);
                measures
                  .uploadEvidence(measureId, f, newIdempotencyKey())
                  .then((stored) => {
                    add({ name: stored.name, fileId: stored.id, size: stored.size });
                    message.success(`已上传：${stored.name}`);
                    onSuccess?.(stored);
                  })
                  .catch((err: Error) => {
                    message.error(`${f.name}：${err.message}`);
                    onError?.(err);
                  })
                  .finally(() => setUploading((n) => n - 1));
              }}
            >
              <Button icon={<UploadOutlined />} loading={uploading > 0}>
                {uploading > 0 ? '正在上传…' : '上传文件'}
              </Button>
            </Upload>
            <Button type="dashed" onClick={() => add({})} icon={<PlusOutlined />}>
              添加链接
            </Button>
          </Space>
          <div>
            <Typography.Text type="secondary">可上传 PDF、OFD、Word、Excel、PPT、WPS、图片、压缩包或文本文件。</Typography.Text>
          </div>
          <Form.ErrorList errors={errors} />
        </Form.Item>
      )}
    </Form.List>
  );
}

const lastReportOf = ({ measure, me }: FormContext) => measure.reports.filter((r) => r.departmentId === me.departmentId).at(-1);
const isLead = ({ measure, me }: FormContext) => measure.assignments.some((a) => a.departmentId === me.departmentId && a.role === 'lead');
const day = (v: unknown) => (v as Dayjs | undefined)?.format('YYYY-MM-DD');

export const ACTION_FORMS: { [A in MeasureAction]: ActionForm<A> } = {
  acknowledge: {
    label: () => '签收',
    intro: (ctx) => (isLead(ctx) ? '确认由本单位牵头承担此措施？签收后措施进入督办清单，请按调度要求反馈进展。' : '确认本单位配合承担此措施？'),
    body: () => ({}),
  },
  decline: {
    label: () => '申请调整',
    intro: () => '如认为本措施不应由本单位承担，请说明理由，统筹协调部门将研究处理。',
    fields: () => reason('申请调整的理由'),
    body: (v) => ({ reason: String(v.reason) }),
  },
  submitProgress: {
    label: () => '反馈进展',
    intro: (ctx) => {
      const last = lastReportOf(ctx);
      const earlier = ctx.measure.evidence.filter((e) => e.departmentId === ctx.me.departmentId);
      return (
        <>
          {last ? `已按本单位上次反馈（${formatDateTime(last.submittedAt)}）预填，只需修改有变化的内容。` : '请填写本轮工作进展。'}
          {earlier.length > 0 && <div>已报送的佐证材料（{earlier.map((e) => e.name).join('、')}）无需重复提交。</div>}
        </>
      );
    },
    initial: (ctx) => {
      const last = lastReportOf(ctx);
      return last ? { text: last.text, percent: last.percent ?? undefined, indicatorValue: last.indicatorValue === null ? undefined : Number(last.indicatorValue) } : {};
    },
    fields: ({ measure }) => (
      <>
        <Form.Item name="text" label="进展情况" rules={[{ required: true, whitespace: true, message: '请填写进展情况' }]}>
          <Input.TextArea rows={5} maxLength={10000} showCount />
        </Form.Item>
        <Space wrap>
          <Form.Item name="percent" label="完成进度（%）">
            <InputNumber min={0} max={100} precision={0} />
          </Form.Item>
          <Form.Item name="indicatorValue" label="指标值">
            <InputNumber />
          </Form.Item>
        </Space>
        <EvidenceFields measureId={measure.id} />
      </>
    ),
    body: (v) => {
      const evidence = evidenceOf(v.evidence);
      return {
        text: String(v.text),
        ...(typeof v.percent === 'number' ? { percent: v.percent } : {}),
        ...(typeof v.indicatorValue === 'number' ? { indicatorValue: v.indicatorValue } : {}),
        ...(evidence.length ? { evidence } : {}),
      };
    },
  },
  applyClosure: {
    label: () => '申请销号',
    intro: () => '请说明完成情况；已报送的佐证材料已列入，可增删。统筹协调部门审核通过后措施销号。',
    initial: ({ measure }) => ({ evidence: knownEvidence(measure) }),
    fields: ({ measure }) => (
      <>
        <Form.Item name="summary" label="完成情况说明" rules={[{ required: true, whitespace: true, message: '请填写完成情况说明' }]}>
          <Input.TextArea rows={5} maxLength={10000} showCount />
        </Form.Item>
        <EvidenceFields required measureId={measure.id} />
      </>
    ),
    body: (v) => ({ summary: String(v.summary), evidence: evidenceOf(v.evidence) }),
  },
  requestExtension: {
    label: () => '申请延期',
    intro: ({ measure }) => `现完成时限：${formatDateTime(measure.entry?.deadlineAt)}。延期须经统筹协调部门批准。`,
    fields: () => (
      <>
        <Form.Item name="newDeadline" label="申请延至" rules={[{ required: true, message: '请选择新的完成时限' }]}>
          <DatePicker />
        </Form.Item>
        {reason('延期理由')}
      </>
    ),
    body: (v) => ({ newDeadline: day(v.newDeadline)!, reason: String(v.reason) }),
  },
  reviewClosure: {
    label: () => '销号审核',
    intro: ({ measure }) => {
      const applied = measure.timeline.filter((e) => e.action === 'apply_closure').at(-1);
      const d = (applied?.detail ?? {}) as { summary?: string; evidence?: Array<{ name: string; url?: string }> };
      return applied ? (
        <Alert
          type="info"
          title={`销号申请（${formatDateTime(applied.at)}）`}
          description={
            <>
              <div>{d.summary}</div>
              <div>佐证材料：{(d.evidence ?? []).map((e) => e.name).join('、') || '无'}</div>
            </>
          }
        />
      ) : null;
    },
    initial: () => ({ decision: 'approve' }),
    fields: () => (
      <>
        <Form.Item name="decision" label="审核结论">
          <Radio.Group options={[{ value: 'approve', label: '通过，予以销号' }, { value: 'return', label: '退回' }]} />
        </Form.Item>
        <Form.Item noStyle dependencies={['decision']}>{({ getFieldValue }) => reason(getFieldValue('decision') === 'return' ? '退回理由' : '审核意见', getFieldValue('decision') === 'return')}</Form.Item>
      </>
    ),
    body: (v) => ({ decision: v.decision as 'approve' | 'return', ...(typeof v.reason === 'string' && v.reason.trim() ? { reason: v.reason } : {}) }),
  },
  decideExtension: {
    label: () => '审批延期',
    intro: ({ measure }) => {
      const asked = snapshotOf(measure).pendingExtension;
      return asked ? `牵头单位申请将完成时限延至${formatDay(asked.newDeadline)}，理由：${asked.reason}` : null;
    },
    initial: () => ({ approve: true }),
    fields: () => (
      <>
        <Form.Item name="approve" label="审批结论">
          <Radio.Group options={[{ value: true, label: '批准' }, { value: false, label: '不予批准' }]} />
        </Form.Item>
        <Form.Item noStyle dependencies={['approve']}>
          {({ getFieldValue }) =>
            getFieldValue('approve') ? (
              <>
                <Form.Item name="newDeadline" label="批准的完成时限（不填则按申请）">
                  <DatePicker />
                </Form.Item>
                {reason('审批意见', false)}
              </>
            ) : (
              reason('不予批准的理由')
            )
          }
        </Form.Item>
      </>
    ),
    body: (v) => ({
      approve: v.approve === true,
      ...(v.approve === true && day(v.newDeadline) ? { newDeadline: day(v.newDeadline)! } : {}),
      ...(typeof v.reason === 'string' && v.reason.trim() ? { reason: v.reason } : {}),
    }),
  },
  reassignLead: {
    label: () => '调整牵头单位',
    fields: ({ measure, departments }) => {
      const lead = measure.assignments.find((a) => a.role === 'lead')?.departmentId;
      return (
        <>
          <Form.Item name="departmentId" label="新的牵头单位" rules={[{ required: true, message: '请选择新的牵头单位' }]}>
            <Select showSearch optionFilterProp="label" options={departments.filter((d) => d.id !== lead).map((d) => ({ value: d.id, label: d.name }))} />
          </Form.Item>
          {reason('调整理由')}
        </>
      );
    },
    body: (v) => ({ departmentId: String(v.departmentId), reason: String(v.reason) }),
  },
  flag: {
    label: ({ measure }) => (snapshotOf(measure).flagged ? '取消挂牌督办' : '挂牌督办'),
    intro: ({ measure }) => (snapshotOf(measure).flagged ? null : '挂牌督办将通知分管领导和牵头单位。'),
    fields: ({ measure }) => reason(snapshotOf(measure).flagged ? '取消理由' : '挂牌督办理由'),
    body: (v, { measure }) => ({ flagged: !snapshotOf(measure).flagged, reason: String(v.reason) }),
  },
  cancel: {
    label: () => '撤销措施',
    danger: true,
    intro: () => <Typography.Text type="danger">撤销后措施不再督办，且不能恢复。</Typography.Text>,
    fields: () => reason('撤销理由'),
    body: (v) => ({ reason: String(v.reason) }),
  },
};

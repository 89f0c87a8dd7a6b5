// One decision of the office on a measure (approve or return a closure, decide an extension, give
// the lead to another department) in a dialog: its fields, one Idempotency-Key per opened dialog
// (a double click or a retry after a lost answer applies once), the queues and lists refreshed after.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Form, Input, Modal } from 'antd';
import { useState, type ReactNode } from 'react';
import { ApiError, newIdempotencyKey } from '../../api/client';
import { measures } from '../../api/endpoints';
import type { ActionBody, MeasureAction } from '../../api/types';

type Values = Record<string, unknown>;

export interface Decision<A extends MeasureAction> {
  measureId: string;
  action: A;
  title: string;
  /** What is decided, shown above the fields. */
  intro?: ReactNode;
  fields?: ReactNode;
  okText?: string;
  danger?: boolean;
  body: (values: Values) => ActionBody<A>;
}

export function reasonField(label: string, required: boolean) {
  return (
    <Form.Item name="reason" label={label} rules={required ? [{ required: true, whitespace: true, message: `请填写${label}` }] : []}>
      <Input.TextArea rows={3} maxLength={2000} showCount />
    </Form.Item>
  );
}

export const optionalReason = (v: Values) => (typeof v.reason === 'string' && v.reason.trim() ? { reason: v.reason.trim() } : {});

export function DecisionDialog<A extends MeasureAction>({ decision, onClose, onDone }: { decision: Decision<A>; onClose: () => void; onDone?: () => void }) {
  const [form] = Form.useForm();
  const [key] = useState(newIdempotencyKey);
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const act = useMutation({
    mutationFn: (values: Values) => measures.act(decision.measureId, decision.action, decision.body(values), key),
    onSuccess: async () => {
      message.success(`${decision.title}已提交`);
      onClose();
      onDone?.();
      // The read model follows the workflow within moments; the queues and lists show it then.
      await Promise.all(['queues', 'lists', 'measure'].map((k) => queryClient.invalidateQueries({ queryKey: [k] })));
    },
    onError: (err) => {
      if (err instanceof ApiError && err.field && form.getFieldInstance(err.field)) form.setFields([{ name: err.field, errors: [err.message] }]);
    },
  });
  return (
    <Modal
      open
      title={decision.title}
      okText={decision.okText ?? '提交'}
      cancelText="取消"
      okButtonProps={{ danger: decision.danger }}
      confirmLoading={act.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      {decision.intro && <div style={{ marginBottom: 16 }}>{decision.intro}</div>}
      {act.error && <Alert type="error" showIcon style={{ marginBottom: 16 }} title={act.error.message} />}
      <Form form={form} layout="vertical" onFinish={(values: Values) => act.mutate(values)}>
        {decision.fields}
      </Form>
    </Modal>
  );
}

// The buttons for exactly the actions the signed-in person may take, each opening its form.
// One Idempotency-Key per opened form: a double click or a retry after a lost answer applies once.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Form, Modal, Space, Typography } from 'antd';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { ApiError, newIdempotencyKey } from '../../api/client';
import { measures } from '../../api/endpoints';
import type { MeasureAction } from '../../api/types';
import { ACTION_FORMS, type ActionForm, type FormContext } from './action-forms';

const PRIMARY: MeasureAction[] = ['acknowledge', 'submitProgress', 'reviewClosure', 'decideExtension'];

export function ActionPanel(ctx: FormContext) {
  // Exactly what the server says this person may do now.
  const actions = ctx.measure.allowedActions;
  // A to-do list links here with ?action=… to open that form at once (if it is still allowed).
  const [params, setParams] = useSearchParams();
  const asked = params.get('action') as MeasureAction | null;
  const [open, setOpenState] = useState<MeasureAction | null>(asked && actions.includes(asked) ? asked : null);
  const setOpen = (a: MeasureAction | null) => {
    setOpenState(a);
    if (!a && params.has('action')) setParams({}, { replace: true });
  };
  if (actions.length === 0) {
    return <Typography.Text type="secondary">{ctx.me.role === 'leader' ? '分管领导可查看措施进展；催办、督办由统筹协调部门办理。' : '当前没有需要您办理的事项。'}</Typography.Text>;
  }
  return (
    <>
      <Space wrap>
        {actions.map((a) => (
          <Button key={a} type={PRIMARY.includes(a) ? 'primary' : 'default'} danger={ACTION_FORMS[a].danger} onClick={() => setOpen(a)}>
            {ACTION_FORMS[a].label(ctx)}
          </Button>
        ))}
      </Space>
      {open && <ActionDialog key={open} action={open} ctx={ctx} onClose={() => setOpen(null)} />}
    </>
  );
}

function ActionDialog({ action, ctx, onClose }: { action: MeasureAction; ctx: FormContext; onClose: () => void }) {
  const def = ACTION_FORMS[action] as ActionForm<MeasureAction>;
  const [form] = Form.useForm();
  const [key] = useState(newIdempotencyKey);
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const label = def.label(ctx);
  const act = useMutation({
    mutationFn: (values: Record<string, unknown>) => measures.act(ctx.measure.id, action, def.body(values, ctx), key),
    onSuccess: async () => {
      message.success(`${label}已提交`);
      onClose();
      await queryClient.invalidateQueries({ queryKey: ['measure', ctx.measure.id] });
      await queryClient.invalidateQueries({ queryKey: ['lists'] });
    },
    onError: (err) => {
      // The API names the field at fault: mark it on the form as well.
      if (err instanceof ApiError && err.field && form.getFieldInstance(err.field)) form.setFields([{ name: err.field, errors: [err.message] }]);
    },
  });

  return (
    <Modal open title={label} okText="提交" cancelText="取消" okButtonProps={{ danger: def.danger }} confirmLoading={act.isPending} onOk={() => form.submit()} onCancel={onClose} destroyOnHidden>
      {def.intro && <div style={{ marginBottom: 16 }}>{def.intro(ctx)}</div>}
      {act.error && <Alert type="error" showIcon style={{ marginBottom: 16 }} title={act.error.message} />}
      <Form form={form} layout="vertical" initialValues={def.initial?.(ctx)} onFinish={(values: Record<string, unknown>) => act.mutate(values)}>
        {def.fields?.(ctx)}
      </Form>
    </Modal>
  );
}

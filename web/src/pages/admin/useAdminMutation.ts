// A change an administrator makes: sent once per opened form (its Idempotency-Key is the form's),
// the lists it touches reloaded after, and the outcome said in Chinese.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App } from 'antd';

export function useAdminMutation<V, R>(fn: (values: V) => Promise<R>, opts: { done: string | ((r: R) => string); invalidate: string[][]; onDone?: (r: R) => void }) {
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  return useMutation({
    mutationFn: fn,
    onSuccess: async (r) => {
      message.success(typeof opts.done === 'string' ? opts.done : opts.done(r));
      opts.onDone?.(r);
      await Promise.all(opts.invalidate.map((queryKey) => queryClient.invalidateQueries({ queryKey })));
    },
    onError: (err: Error) => void message.error(err.message),
  });
}

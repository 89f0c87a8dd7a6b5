// A plain list of items with a line between them, and what to say when there are none.
import { Typography } from 'antd';
import type { Key, ReactNode } from 'react';

export function ItemList<T>({ items, itemKey, render, empty }: { items: T[]; itemKey: (item: T, index: number) => Key; render: (item: T) => ReactNode; empty: ReactNode }) {
  if (items.length === 0) return typeof empty === 'string' ? <Typography.Text type="secondary">{empty}</Typography.Text> : empty;
  return (
    <div role="list">
      {items.map((item, i) => (
        <div role="listitem" key={itemKey(item, i)} style={{ padding: '10px 0', borderBottom: i < items.length - 1 ? '1px solid rgba(5,5,5,0.06)' : undefined }}>
          {render(item)}
        </div>
      ))}
    </div>
  );
}

// 统筹协调部门首页: the three lists as tabs with their counts, filtered by light and by a search,
// the filters kept in the address so a view can be bookmarked or sent.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Card, Empty, Input, Radio, Tabs } from 'antd';
import { useSearchParams } from 'react-router';
import { lists } from '../../api/endpoints';
import type { ListKind } from '../../api/types';
import { MeasureTable } from '../../components/MeasureTable';
import { LoadError } from '../../components/PageState';
import { LIST_NAMES, RAG } from '../../format/labels';

const KINDS = Object.keys(LIST_NAMES) as ListKind[];
const PAGE_SIZE = 20;

export default function OfficeHome() {
  const [params, setParams] = useSearchParams();
  const list = KINDS.find((k) => k === params.get('list')) ?? 'responsibility';
  const rag = (['red', 'yellow', 'green'] as const).find((r) => r === params.get('rag'));
  const q = params.get('q') ?? undefined;
  const page = Math.max(1, Number(params.get('page')) || 1);

  const result = useQuery({
    queryKey: ['lists', list, { rag, q, page }],
    queryFn: () => lists.page(list, { rag, q, page, pageSize: PAGE_SIZE }),
    placeholderData: keepPreviousData,
  });
  const counts = result.data?.counts;

  /** Changes some filters; any change but the page goes back to page 1. */
  const set = (changes: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    if (!('page' in changes)) next.delete('page');
    setParams(next);
  };

  return (
    <Card title="三张清单">
      <Tabs
        activeKey={list}
        onChange={(key) => set({ list: key })}
        items={KINDS.map((k) => ({ key: k, label: `${LIST_NAMES[k]}${counts ? `（${counts.lists[k]}）` : ''}` }))}
      />
      <div style={{ display: 'flex', flexWrap: 'wrap', gap: 12, marginBottom: 16 }}>
        <Radio.Group value={rag ?? 'all'} onChange={(e) => set({ rag: e.target.value === 'all' ? undefined : e.target.value })} optionType="button">
          <Radio.Button value="all">全部</Radio.Button>
          {(['red', 'yellow', 'green'] as const).map((r) => (
            <Radio.Button key={r} value={r}>
              {RAG[r].name}
              {counts ? ` ${counts.rag[r]}` : ''}
            </Radio.Button>
          ))}
        </Radio.Group>
        <Input.Search allowClear defaultValue={q} placeholder="搜索措施、牵头单位、政策文件" style={{ maxWidth: 320 }} onSearch={(v) => set({ q: v.trim() || undefined })} />
      </div>
      {result.error ? (
        <LoadError error={result.error} onRetry={() => void result.refetch()} />
      ) : (
        <MeasureTable
          loading={result.isFetching}
          dataSource={result.data?.items ?? []}
          locale={{ emptyText: <Empty description={q || rag ? '没有符合条件的措施，请调整筛选条件或清除搜索。' : `${LIST_NAMES[list]}暂无措施。`} /> }}
          pagination={{
            current: page,
            pageSize: PAGE_SIZE,
            total: result.data?.total ?? 0,
            showSizeChanger: false,
            showTotal: (total) => `共 ${total} 项`,
            onChange: (p) => set({ page: String(p) }),
          }}
        />
      )}
    </Card>
  );
}

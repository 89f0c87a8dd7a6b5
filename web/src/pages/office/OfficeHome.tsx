// 统筹协调部门首页: the three lists as tabs with their counts and lights, narrowed by policy, area,
// lead department, light, escalation level, overdue and a search — all kept in the address, so a
// view can be bookmarked or forwarded — and exported to Excel exactly as filtered.
import { DownloadOutlined, FilterOutlined } from '@ant-design/icons';
import { useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Badge, Button, Card, Empty, Grid, Input, Radio, Select, Space, Tabs, Typography } from 'antd';
import { useSearchParams } from 'react-router';
import { lists, policies } from '../../api/endpoints';
import { MeasureTable } from '../../components/MeasureTable';
import { LoadError } from '../../components/PageState';
import { LEVEL_NAMES, LIST_NAMES, RAG } from '../../format/labels';
import { changeParams, clearFilters, currentParams, exportHref, LIST_KINDS, readListView } from './filters';

const PAGE_SIZE = 20;
const SORT_OPTIONS = [
  { value: 'seq', label: '按序号' },
  { value: 'deadline', label: '按完成时限' },
  { value: 'rag', label: '红灯在前' },
  { value: 'level', label: '督办级别高在前' },
  { value: 'updated', label: '最近更新在前' },
  { value: 'progress', label: '按进度' },
];
/** The direction each sort reads best in ("红灯在前" is ascending by the light's order). */
const SORT_ORDER: Record<string, 'asc' | 'desc'> = { seq: 'asc', deadline: 'asc', rag: 'asc', level: 'desc', updated: 'desc', progress: 'asc' };

export default function OfficeHome() {
  const [params, setParams] = useSearchParams();
  const view = readListView(params, PAGE_SIZE);
  const { list, query } = view;
  const wide = Grid.useBreakpoint().md;

  const result = useQuery({
    queryKey: ['lists', list, query],
    queryFn: () => lists.page(list, query),
    placeholderData: keepPreviousData,
  });
  const policyList = useQuery({ queryKey: ['policies'], queryFn: policies.list, staleTime: 60_000 });
  const counts = result.data?.counts;
  const set = (changes: Record<string, string | number | boolean | undefined>) => setParams(changeParams(currentParams(), changes));
  const n = (count: number | undefined) => (count === undefined ? '' : `（${count}）`);
  const selectWidth = wide ? 200 : '100%';
  // On a phone the selects fold away behind one button, so the list starts on the first screen.
  const [unfolded, setUnfolded] = useState(false);
  const showSelects = wide || unfolded;

  return (
    <Card
      title="三张清单"
      extra={
        <Button icon={<DownloadOutlined />} href={exportHref(view)} download>
          {wide ? '导出 Excel（按当前筛选）' : '导出'}
        </Button>
      }
    >
      <Tabs activeKey={list} onChange={(key) => set({ list: key })} items={LIST_KINDS.map((k) => ({ key: k, label: `${LIST_NAMES[k]}${n(counts?.lists[k])}` }))} />
      <div style={{ display: 'flex', flexWrap: 'wrap', gap: 8, marginBottom: 12 }}>
        <Radio.Group value={query.rag ?? 'all'} onChange={(e) => set({ rag: e.target.value === 'all' ? undefined : e.target.value })} optionType="button" aria-label="灯">
          <Radio.Button value="all">全部</Radio.Button>
          {(['red', 'yellow', 'green'] as const).map((r) => (
            <Radio.Button key={r} value={r}>
              <Badge status={RAG[r].status} />
              {RAG[r].name}
              {counts ? ` ${counts.rag[r]}` : ''}
            </Radio.Button>
          ))}
        </Radio.Group>
        <Input.Search
          // Remounted when the address changes, so a cleared filter clears the box too.
          key={query.q ?? ''}
          allowClear
          defaultValue={query.q}
          placeholder="搜索措施、目标、牵头单位、政策文件"
          aria-label="搜索"
          style={{ width: wide ? 300 : '100%' }}
          onSearch={(v) => set({ q: v.trim() || undefined })}
        />
        {!wide && (
          <Button icon={<FilterOutlined />} onClick={() => setUnfolded(!unfolded)}>
            {unfolded ? '收起筛选' : `更多筛选${view.active ? `（已选 ${view.active} 项）` : ''}`}
          </Button>
        )}
      </div>
      <div style={{ display: showSelects ? 'flex' : 'none', flexWrap: 'wrap', gap: 8, marginBottom: 16 }}>
        <Select
          aria-label="政策文件"
          placeholder="全部政策文件"
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          style={{ width: selectWidth }}
          value={query.policyId}
          loading={policyList.isPending}
          options={(policyList.data ?? []).map((p) => ({ value: p.id, label: p.title }))}
          onChange={(v) => set({ policyId: v, areaId: undefined })}
        />
        <Select
          aria-label="方面"
          placeholder="全部方面"
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          style={{ width: selectWidth }}
          value={query.areaId}
          options={(counts?.areas ?? []).map((a) => ({ value: a.id, label: `${a.seq}. ${a.title}（${a.count}）` }))}
          onChange={(v) => set({ areaId: v })}
        />
        <Select
          aria-label="牵头单位"
          placeholder="全部牵头单位"
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          style={{ width: selectWidth }}
          value={query.departmentId}
          options={(counts?.departments ?? []).map((d) => ({ value: d.id, label: `${d.shortName ?? d.name}（${d.count}）` }))}
          onChange={(v) => set({ departmentId: v })}
        />
        <Select
          aria-label="督办级别"
          placeholder="全部督办级别"
          allowClear
          style={{ width: wide ? 160 : '100%' }}
          value={query.level}
          options={([0, 1, 2, 3, 4] as const).map((l) => ({ value: l, label: `${l === 0 ? '未升级' : LEVEL_NAMES[l]}${n(counts?.levels[String(l) as '0'])}` }))}
          onChange={(v) => set({ level: v })}
        />
        <Select
          aria-label="是否逾期"
          placeholder="逾期与否"
          allowClear
          style={{ width: wide ? 140 : '100%' }}
          value={query.overdue === undefined ? undefined : String(query.overdue)}
          options={[
            { value: 'true', label: `已逾期${n(counts?.overdue.true)}` },
            { value: 'false', label: `未逾期${n(counts?.overdue.false)}` },
          ]}
          onChange={(v) => set({ overdue: v })}
        />
        <Select
          aria-label="排序"
          style={{ width: wide ? 160 : '100%' }}
          value={query.sort ?? 'seq'}
          options={SORT_OPTIONS}
          onChange={(v) => set({ sort: v === 'seq' ? undefined : v, order: v === 'seq' ? undefined : SORT_ORDER[v] })}
        />
      </div>
      {view.active > 0 && (
        <Space style={{ marginBottom: 12 }}>
          <Typography.Text type="secondary">已按 {view.active} 项条件筛选</Typography.Text>
          <Button type="link" onClick={() => setParams(clearFilters(currentParams()))}>
            清除筛选
          </Button>
        </Space>
      )}
      {result.error ? (
        <LoadError error={result.error} onRetry={() => void result.refetch()} />
      ) : (
        <MeasureTable
          loading={result.isFetching}
          dataSource={result.data?.items ?? []}
          locale={{
            emptyText: (
              <Empty
                description={
                  view.active > 0
                    ? '没有符合条件的措施：请放宽筛选条件，或点“清除筛选”。'
                    : list === 'responsibility'
                      ? '责任清单暂无措施：导入政策文件并交办后，待签收的措施会列在这里。'
                      : `${LIST_NAMES[list]}暂无措施。`
                }
              />
            ),
          }}
          pagination={{
            current: query.page,
            pageSize: PAGE_SIZE,
            total: result.data?.total ?? 0,
            showSizeChanger: false,
            showTotal: (total) => `共 ${total} 项`,
            onChange: (p) => set({ page: p }),
          }}
        />
      )}
    </Card>
  );
}

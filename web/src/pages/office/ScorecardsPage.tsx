// 监督考核 for the office: closure progress by area and by lead department (how many measures of
// each stand on each of the three lists), the departments' scores and ranks for a period, and the
// reporting burden each carried. The period is kept in the address; the scorecard exports to Excel.
import { DownloadOutlined } from '@ant-design/icons';
import { useQueries, useQuery } from '@tanstack/react-query';
import { Button, Card, Col, Empty, Flex, Row, Select, Table, Typography } from 'antd';
import dayjs from 'dayjs';
import { lazy, Suspense } from 'react';
import { useSearchParams } from 'react-router';
import { lists, scorecards } from '../../api/endpoints';
import type { ListPage, ScorecardRow } from '../../api/types';
import { LoadError, Loading } from '../../components/PageState';
import { LIST_NAMES } from '../../format/labels';
import { LIST_KINDS } from './filters';

const Bars = lazy(() => import('./ScoreCharts'));
const LIST_COLORS = { responsibility: '#faad14', supervision: '#1677ff', closure: '#52c41a' } as const;

/** The periods offered, newest first: this month, last month, this quarter, this half, this year, last year. */
export function periodOptions(now = dayjs()): Array<{ value: string; label: string }> {
  const y = now.year();
  const q = Math.floor(now.month() / 3) + 1;
  const h = now.month() < 6 ? 1 : 2;
  const last = now.subtract(1, 'month');
  return [
    { value: now.format('YYYY-MM'), label: `本月（${y}年${now.month() + 1}月）` },
    { value: last.format('YYYY-MM'), label: `上月（${last.year()}年${last.month() + 1}月）` },
    { value: `${y}-Q${q}`, label: `本季度（${y}年第${q}季度）` },
    { value: `${y}-H${h}`, label: `${h === 1 ? '上' : '下'}半年（${y}年）` },
    { value: String(y), label: `本年（${y}年）` },
    { value: String(y - 1), label: `上年（${y - 1}年）` },
  ];
}

const pct = (r: number | null) => (r === null ? '—' : `${Math.round(r * 100)}%`);

const columns = [
  { title: '名次', dataIndex: 'rank', width: 64, render: (r: number | null) => r ?? '—' },
  { title: '部门', key: 'name', render: (_: unknown, r: ScorecardRow) => r.shortName ?? r.departmentName },
  { title: '综合得分', dataIndex: 'score', width: 90, render: (s: number | null) => (s === null ? '—' : s.toFixed(1)) },
  { title: '签收及时率', dataIndex: 'acknowledgeOnTimeRate', width: 100, render: pct },
  { title: '反馈及时率', dataIndex: 'reportOnTimeRate', width: 100, render: pct },
  { title: '按期销号率', dataIndex: 'closureOnTimeRate', width: 100, render: pct },
  { title: '督办扣分', dataIndex: 'deduction', width: 90 },
  { title: '当前红灯', dataIndex: 'red', width: 90 },
  { title: '报送表单', dataIndex: 'formsFiled', width: 90 },
];

/** Per area or department: how many of its measures stand on each list. */
function progress(pages: Array<ListPage | undefined>, pick: (p: ListPage) => Array<{ id: string; label: string; count: number }>) {
  const rows = new Map<string, { label: string; counts: number[] }>();
  pages.forEach((page, i) => {
    if (!page) return;
    for (const x of pick(page)) {
      const row = rows.get(x.id) ?? { label: x.label, counts: [0, 0, 0] };
      row.counts[i] = x.count;
      rows.set(x.id, row);
    }
  });
  return [...rows.values()];
}

function ProgressChart({ rows }: { rows: Array<{ label: string; counts: number[] }> }) {
  if (rows.length === 0) return <Empty description="暂无已交办的措施：导入政策文件并交办后，这里显示各自的销号进度。" />;
  return (
    <Suspense fallback={<Loading tip="正在加载图表…" />}>
      <Bars stacked unit=" 项" categories={rows.map((r) => r.label)} series={LIST_KINDS.map((k, i) => ({ name: LIST_NAMES[k], values: rows.map((r) => r.counts[i]!), color: LIST_COLORS[k] }))} />
    </Suspense>
  );
}

export default function ScorecardsPage() {
  const [params, setParams] = useSearchParams();
  const options = periodOptions();
  const period = params.get('period') && /^\d{4}(?:-\d{2}|-[QH]\d)?$/.test(params.get('period')!) ? params.get('period')! : options[0]!.value;

  const card = useQuery({ queryKey: ['scorecards', period], queryFn: () => scorecards.page(period) });
  const listPages = useQueries({ queries: LIST_KINDS.map((list) => ({ queryKey: ['lists', list, { pageSize: 1 }], queryFn: () => lists.page(list, { pageSize: 1 }) })) });
  const listError = listPages.find((q) => q.error);
  const pages = listPages.map((q) => q.data);
  const byArea = progress(pages, (p) => p.counts.areas.map((a) => ({ id: a.id, label: `${a.seq}. ${a.title}`, count: a.count }))).sort((a, b) => parseInt(a.label) - parseInt(b.label));
  const byDepartment = progress(pages, (p) => p.counts.departments.map((d) => ({ id: d.id, label: d.shortName ?? d.name, count: d.count })));
  const rows = [...(card.data?.rows ?? [])].sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity));
  const burden = [...rows].filter((r) => r.formsFiled > 0).sort((a, b) => b.fieldsFilled - a.fieldsFilled);

  return (
    <Flex vertical gap="middle">
      <Card
        title="监督考核"
        extra={
          <Flex gap="small" wrap>
            <Select aria-label="统计周期" style={{ width: 210 }} value={period} options={options.some((o) => o.value === period) ? options : [{ value: period, label: period }, ...options]} onChange={(v) => setParams({ period: v })} />
            <Button icon={<DownloadOutlined />} href={scorecards.exportUrl(period)} download>
              导出考核表
            </Button>
          </Flex>
        }
      >
        {card.error ? (
          <LoadError error={card.error} onRetry={() => void card.refetch()} />
        ) : (
          <>
            <Typography.Paragraph type="secondary">
              {card.data ? `${card.data.period.label}；${card.data.rules.formula}` : '正在计算…'}
            </Typography.Paragraph>
            <Table<ScorecardRow>
              rowKey="departmentId"
              size="small"
              scroll={{ x: 820 }}
              loading={card.isPending}
              dataSource={rows}
              columns={columns}
              pagination={false}
              locale={{ emptyText: <Empty description="本期没有可考核的部门：部门牵头的措施交办后才参加考核。" /> }}
            />
          </>
        )}
      </Card>
      {listError?.error ? (
        <LoadError error={listError.error} onRetry={() => listPages.forEach((q) => void q.refetch())} />
      ) : (
        <Row gutter={[16, 16]}>
          <Col xs={24} lg={12}>
            <Card title="按方面的销号进度">{listPages.some((q) => q.isPending) ? <Loading /> : <ProgressChart rows={byArea} />}</Card>
          </Col>
          <Col xs={24} lg={12}>
            <Card title="按牵头单位的销号进度">{listPages.some((q) => q.isPending) ? <Loading /> : <ProgressChart rows={byDepartment} />}</Card>
          </Col>
          <Col xs={24} lg={12}>
            <Card title="综合得分">
              {rows.some((r) => r.score !== null) ? (
                <Suspense fallback={<Loading tip="正在加载图表…" />}>
                  <Bars unit=" 分" categories={rows.filter((r) => r.score !== null).map((r) => `${r.rank}. ${r.shortName ?? r.departmentName}`)} series={[{ name: '综合得分', values: rows.filter((r) => r.score !== null).map((r) => r.score!), color: '#b71c1c' }]} />
                </Suspense>
              ) : (
                <Empty description="本期尚无得分：有签收、反馈或销号事项的部门才计分。可换一个统计周期查看。" />
              )}
            </Card>
          </Col>
          <Col xs={24} lg={12}>
            <Card title="报送负担（本期填报）">
              {burden.length ? (
                <Suspense fallback={<Loading tip="正在加载图表…" />}>
                  <Bars
                    categories={burden.map((r) => r.shortName ?? r.departmentName)}
                    series={[
                      { name: '表单数', values: burden.map((r) => r.formsFiled), color: '#1677ff' },
                      { name: '填写项数', values: burden.map((r) => r.fieldsFilled), color: '#91caff' },
                    ]}
                  />
                </Suspense>
              ) : (
                <Empty description="本期各部门尚未填报表单。" />
              )}
            </Card>
          </Col>
        </Row>
      )}
    </Flex>
  );
}

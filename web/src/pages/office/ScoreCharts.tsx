// The scorecard page's charts, in a chunk of their own (ECharts, only the parts used: bars, grid,
// tooltip, legend, canvas), loaded after the tables so the figures show first.
import { BarChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
// The ES module build: the CommonJS one (lib/) arrives in the bundle as an object, not a component.
import ReactEChartsCore from 'echarts-for-react/esm/core';

echarts.use([BarChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export interface Series {
  name: string;
  values: number[];
  color?: string;
}

/** Horizontal bars, one row per category (an area, a department), stacked when asked. */
export default function Bars({ categories, series, stacked = false, unit = '' }: { categories: string[]; series: Series[]; stacked?: boolean; unit?: string }) {
  const option = {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v: number) => `${v}${unit}` },
    legend: { top: 0 },
    grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
    xAxis: { type: 'value', minInterval: 1 },
    // First category on top, as a ranked list reads.
    yAxis: { type: 'category', data: categories, inverse: true, axisLabel: { width: 120, overflow: 'truncate' } },
    series: series.map((s) => ({ type: 'bar', name: s.name, data: s.values, stack: stacked ? 'all' : undefined, itemStyle: s.color ? { color: s.color } : undefined, barMaxWidth: 18 })),
  };
  return <ReactEChartsCore echarts={echarts} option={option} notMerge style={{ height: Math.max(160, 40 + categories.length * (stacked ? 26 : 22 * series.length + 8)), width: '100%' }} />;
}

/**
 * The home page's statistics as Apache ECharts charts: projects and yuan by year, by service
 * field, by buyer and by street. Loaded on its own after the page (lazy), so the first load does
 * not carry echarts.
 */
import { BarChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import type { PublicStats } from '../../../domain/stats';
import { formatMoney } from '../../format';

echarts.use([BarChart, PieChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

const wan = (fen: number) => Math.round(fen / 10_000) / 100;
const BLUE = '#1d4fa3';

function Chart({
  option,
  label,
  testId,
}: {
  option: echarts.EChartsCoreOption;
  label: string;
  testId: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!ref.current) return;
    const chart = echarts.init(ref.current, undefined, { renderer: 'canvas' });
    chart.setOption(option);
    const resize = () => chart.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.dispose();
    };
  }, [option]);
  return (
    <div
      ref={ref}
      className="home-chart"
      data-testid={testId}
      role="img"
      aria-label={label}
      style={{ height: 300 }}
    />
  );
}

const moneyTooltip = (v: unknown) => formatMoney(Math.round(Number(v) * 1_000_000));

function bars(groups: { label: string; projects: number; amountFen: number }[], horizontal = false) {
  const labels = groups.map((g) => g.label);
  const category = {
    type: 'category',
    data: labels,
    axisLabel: { interval: 0, width: 140, overflow: 'truncate' },
  };
  const value = { type: 'value', name: '万元' };
  return {
    tooltip: { trigger: 'axis', valueFormatter: moneyTooltip },
    grid: { left: 8, right: 24, bottom: 8, top: 32, containLabel: true },
    xAxis: horizontal ? value : { ...category, axisLabel: { ...category.axisLabel, rotate: 30 } },
    yAxis: horizontal ? { ...category, inverse: true } : value,
    series: [
      {
        name: '合同金额',
        type: 'bar',
        data: groups.map((g) => wan(g.amountFen)),
        itemStyle: { color: BLUE },
      },
    ],
  };
}

export default function HomeCharts({ stats }: { stats: PublicStats }) {
  const byYear = {
    tooltip: { trigger: 'axis' },
    legend: { data: ['项目数', '合同金额（万元）'] },
    grid: { left: 8, right: 8, bottom: 8, top: 40, containLabel: true },
    xAxis: { type: 'category', data: stats.byYear.map((y) => `${y.year}年`) },
    yAxis: [
      { type: 'value', name: '个' },
      { type: 'value', name: '万元' },
    ],
    series: [
      {
        name: '项目数',
        type: 'bar',
        data: stats.byYear.map((y) => y.projects),
        itemStyle: { color: '#7ba3e0' },
      },
      {
        name: '合同金额（万元）',
        type: 'bar',
        yAxisIndex: 1,
        data: stats.byYear.map((y) => wan(y.amountFen)),
        itemStyle: { color: BLUE },
      },
    ],
  };
  const byCategory = {
    tooltip: { trigger: 'item', valueFormatter: moneyTooltip },
    legend: { type: 'scroll', bottom: 0 },
    series: [
      {
        name: '服务领域',
        type: 'pie',
        radius: ['35%', '65%'],
        data: stats.byCategory.map((c) => ({ name: c.label, value: wan(c.amountFen) })),
      },
    ],
  };
  return (
    <div
      className="home-charts"
      style={{ display: 'grid', gap: 16, gridTemplateColumns: 'repeat(auto-fit, minmax(320px, 1fr))' }}
    >
      <section>
        <h3>各年度项目与资金</h3>
        <Chart option={byYear} label="各年度项目数与合同金额柱状图" testId="chart-by-year" />
      </section>
      <section>
        <h3>服务领域分布</h3>
        <Chart option={byCategory} label="各服务领域合同金额饼图" testId="chart-by-category" />
      </section>
      <section>
        <h3>购买主体</h3>
        <Chart
          option={bars(stats.byBuyer.slice(0, 10), true)}
          label="各购买主体合同金额条形图"
          testId="chart-by-buyer"
        />
      </section>
      <section>
        <h3>街道（乡镇）</h3>
        <Chart
          option={bars(stats.byStreet.slice(0, 12))}
          label="各街道合同金额柱状图"
          testId="chart-by-street"
        />
      </section>
    </div>
  );
}

/**
 * Budget against actual per category as a bar chart (Apache ECharts). Only this file imports
 * echarts, and it is loaded with the monitoring pages, never with the public pages.
 */
import { BarChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import type { Funds } from '../../../domain/funds';
import { formatMoney } from '../../format';

echarts.use([BarChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export default function BudgetChart({ budget }: { budget: Funds['budget'] }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!ref.current) return;
    const chart = echarts.init(ref.current, undefined, { renderer: 'canvas' });
    const yuan = (fen: number) => fen / 100;
    chart.setOption({
      tooltip: {
        trigger: 'axis',
        valueFormatter: (v: unknown) => formatMoney(Math.round(Number(v) * 100)),
      },
      legend: { data: ['预算', '实际支出'] },
      grid: { left: 8, right: 8, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: budget.map((b) => b.label), axisLabel: { interval: 0 } },
      yAxis: { type: 'value', axisLabel: { formatter: (v: number) => `¥${v / 10000}万` } },
      series: [
        {
          name: '预算',
          type: 'bar',
          data: budget.map((b) => yuan(b.budgetFen)),
          itemStyle: { color: '#91caff' },
        },
        {
          name: '实际支出',
          type: 'bar',
          data: budget.map((b) => ({
            value: yuan(b.actualFen),
            itemStyle: { color: b.actualFen > b.budgetFen ? '#ff4d4f' : '#1677ff' },
          })),
        },
      ],
    });
    const resize = () => chart.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.dispose();
    };
  }, [budget]);
  return (
    <div
      ref={ref}
      className="budget-chart"
      data-testid="budget-chart"
      role="img"
      aria-label="预算与实际支出对比图"
    />
  );
}

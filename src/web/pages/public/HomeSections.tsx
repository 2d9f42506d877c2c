/**
 * The home page's live parts: headline figures, charts (echarts, loaded after them) and the latest
 * calls and open publicities. Loaded after the page itself, so the first load stays small.
 */
import { useQuery } from '@tanstack/react-query';
import { lazy, Suspense } from 'react';
import { Link } from 'react-router';
import { roughCount, roughWanYuan } from '../../../domain/headline';
import type { PublicStats } from '../../../domain/stats';
import { api } from '../../api';
import { formatMoney } from '../../format';
import type { CallSummary } from '../calls/types';
import type { PublicityListItem } from '../publicity/types';
import type { PublicPage } from './PublicCallsPage';

const HomeCharts = lazy(() => import('./HomeCharts'));

function Figure({ label, value, detail }: { label: string; value: string; detail: string }) {
  return (
    <div className="stage-card" style={{ padding: 16 }}>
      <div className="stage-text">{label}</div>
      <div style={{ fontSize: 28, fontWeight: 600, color: '#1d4fa3' }}>{value}</div>
      <div className="stage-text">{detail}</div>
    </div>
  );
}

export function Figures({ stats, district }: { stats: PublicStats; district: string }) {
  const { totals, thisYear, firstYear } = stats;
  return (
    <section className="home-stages" aria-label="项目统计" data-testid="home-figures">
      <h2 className="stage-title" style={{ fontSize: 20 }}>
        {firstYear ? `${firstYear}年以来，` : ''}
        {district}共实施政府购买社会工作服务项目{roughCount(totals.projects)}个、资金
        {roughWanYuan(totals.amountFen)}
      </h2>
      <div
        style={{
          display: 'grid',
          gap: 16,
          gridTemplateColumns: 'repeat(auto-fit, minmax(200px, 1fr))',
          margin: '16px 0',
        }}
      >
        <Figure label="累计项目" value={`${totals.projects}个`} detail="已签订合同的项目" />
        <Figure label="累计资金" value={formatMoney(totals.amountFen)} detail="合同金额（含变更）" />
        <Figure label={`${thisYear.year}年项目`} value={`${thisYear.projects}个`} detail="本年度已签合同" />
        <Figure
          label={`${thisYear.year}年资金`}
          value={formatMoney(thisYear.amountFen)}
          detail="本年度合同金额"
        />
      </div>
      <Suspense fallback={<div style={{ height: 300 }} />}>
        <HomeCharts stats={stats} />
      </Suspense>
    </section>
  );
}

export function Latest() {
  const calls = useQuery({
    queryKey: ['public-calls', 'latest'],
    queryFn: ({ signal }) => api.get<PublicPage<CallSummary>>('/api/public/calls', { pageSize: 5 }, signal),
  });
  const open = useQuery({
    queryKey: ['publicities', 'public', 'open-latest'],
    queryFn: ({ signal }) =>
      api.get<PublicPage<PublicityListItem>>(
        '/api/public/publicities',
        { status: 'open', pageSize: 5 },
        signal,
      ),
  });
  return (
    <section
      className="home-stages"
      aria-label="最新信息"
      style={{ display: 'grid', gap: 24, gridTemplateColumns: 'repeat(auto-fit, minmax(300px, 1fr))' }}
    >
      <div data-testid="latest-calls">
        <h3 className="stage-title">
          最新项目征集 <Link to="/calls">更多</Link>
        </h3>
        <ul>
          {(calls.data?.items ?? []).map((c) => (
            <li key={c.id}>
              <Link to={`/calls/${c.id}`}>{c.title}</Link>
            </li>
          ))}
          {calls.data && calls.data.items.length === 0 ? <li>暂无项目征集</li> : null}
        </ul>
      </div>
      <div data-testid="open-publicity">
        <h3 className="stage-title">
          正在公示 <Link to="/publicity">更多</Link>
        </h3>
        <ul>
          {(open.data?.items ?? []).map((p) => (
            <li key={p.id}>
              <Link to={`/publicity/${p.id}`}>{p.callTitle} 拟立项公示</Link>（至 {p.closesOn}）
            </li>
          ))}
          {open.data && open.data.items.length === 0 ? <li>目前没有正在公示的项目</li> : null}
        </ul>
      </div>
    </section>
  );
}

export default function HomeSections({ district }: { district: string }) {
  const stats = useQuery({
    queryKey: ['public-stats'],
    queryFn: ({ signal }) => api.get<PublicStats>('/api/public/stats', undefined, signal),
  });
  return (
    <>
      {stats.data ? <Figures stats={stats.data} district={district} /> : null}
      <Latest />
    </>
  );
}

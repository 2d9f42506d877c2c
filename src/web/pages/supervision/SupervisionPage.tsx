/** 监督检查: every project of every buyer, with filters, for the supervisory bodies; exportable. */
import { Card, InputNumber, Select, Tag } from 'antd';
import { Link } from 'react-router';
import { gradeLabels } from '../../../domain/evaluations';
import type { SearchItem } from '../../../server/modules/supervision/api';
import { ExportButton } from '../../components/ImportExport';
import { type ListFilter, ListToolbar, PagedTable, useList, useListParams } from '../../components/list';
import { OrgSelect } from '../../components/OrgSelect';
import { PageHeader } from '../../components/PageHeader';
import { RegionTreeSelect } from '../../components/RegionTreeSelect';
import { formatDate, formatMoney, todayInChina } from '../../format';
import { GRADE_OPTIONS, STATE_OPTIONS } from './labels';

const KEYS = [
  'buyerOrgId',
  'streetId',
  'year',
  'state',
  'minFen',
  'maxFen',
  'alert',
  'grade',
  'sort',
  'order',
] as const;
type Key = (typeof KEYS)[number];
const thisYear = Number(todayInChina().slice(0, 4));

const FILTERS: ListFilter<Key>[] = [
  {
    key: 'buyerOrgId',
    render: (value, onChange) => (
      <OrgSelect
        placeholder="购买主体"
        value={value ?? null}
        onChange={(v) => onChange(v)}
        className="filter-200"
        allowClear
      />
    ),
  },
  {
    key: 'streetId',
    render: (value, onChange) => (
      <RegionTreeSelect
        placeholder="街道"
        levels={['street']}
        value={value ?? null}
        onChange={onChange}
        className="filter-160"
        allowClear
      />
    ),
  },
  {
    key: 'year',
    label: '年度',
    className: 'filter-130',
    options: [0, 1, 2, 3].map((d) => ({ value: String(thisYear + 1 - d), label: `${thisYear + 1 - d}年` })),
  },
  { key: 'state', label: '阶段', className: 'filter-200', options: STATE_OPTIONS, search: true },
  {
    key: 'alert',
    label: '预警',
    className: 'filter-130',
    options: [
      { value: 'open', label: '有未解除预警' },
      { value: 'none', label: '无预警' },
    ],
  },
  { key: 'grade', label: '末期评估等级', className: 'filter-160', options: GRADE_OPTIONS },
];

/** Yuan in the box, fen in the URL. */
function YuanFilter(props: { label: string; value?: string; onChange: (fen: string | undefined) => void }) {
  return (
    <InputNumber<number>
      aria-label={props.label}
      placeholder={props.label}
      min={0}
      precision={2}
      className="filter-130"
      value={props.value ? Number(props.value) / 100 : null}
      onChange={(v) => props.onChange(v === null ? undefined : String(Math.round(v * 100)))}
    />
  );
}

export function SupervisionPage() {
  const params = useListParams(KEYS);
  const list = useList<SearchItem>('supervision', '/api/supervision/projects', params.query);
  const f = params.filters;
  return (
    <>
      <PageHeader
        title="监督检查"
        subTitle="检索全部项目，查阅非公开材料（查阅留痕），记录检查"
        extra={
          <ExportButton
            path="/api/supervision/projects/export.xlsx"
            query={params.query}
            fileName={`项目检索-${todayInChina().replaceAll('-', '')}.xlsx`}
            label="导出Excel"
          />
        }
      />
      <Card>
        <ListToolbar params={params} search="项目名称或编号" filters={FILTERS}>
          <YuanFilter
            label="最低金额（元）"
            value={f.minFen}
            onChange={(v) => params.update({ minFen: v })}
          />
          <YuanFilter
            label="最高金额（元）"
            value={f.maxFen}
            onChange={(v) => params.update({ maxFen: v })}
          />
          <Select
            aria-label="排序"
            className="filter-160"
            value={`${f.sort ?? 'date'}:${f.order ?? 'desc'}`}
            onChange={(v: string) => {
              const [sort, order] = v.split(':');
              params.update({ sort, order });
            }}
            options={[
              { value: 'date:desc', label: '按日期（新→旧）' },
              { value: 'date:asc', label: '按日期（旧→新）' },
              { value: 'amount:desc', label: '按金额（高→低）' },
              { value: 'amount:asc', label: '按金额（低→高）' },
            ]}
          />
        </ListToolbar>
        <PagedTable<SearchItem>
          list={list}
          params={params}
          columns={[
            {
              title: '项目',
              key: 'title',
              render: (_, p) => (
                <Link to={`/app/supervision/projects/${p.id}`}>
                  <div>{p.title}</div>
                  <div className="muted mono">{p.code}</div>
                </Link>
              ),
            },
            { title: '购买主体', dataIndex: 'buyerName' },
            { title: '年度', dataIndex: 'year' },
            { title: '阶段', dataIndex: 'stateLabel', render: (v: string) => <Tag>{v}</Tag> },
            {
              title: '金额',
              dataIndex: 'amountFen',
              align: 'right',
              render: (v: number) => <span className="nowrap">{formatMoney(v)}</span>,
            },
            {
              title: '预警',
              dataIndex: 'openAlerts',
              render: (v: number) => (v ? <Tag color="red">{v} 条</Tag> : <span className="muted">—</span>),
            },
            {
              title: '评估等级',
              dataIndex: 'grade',
              render: (v: keyof typeof gradeLabels | null) => (v ? gradeLabels[v] : '—'),
            },
            { title: '日期', dataIndex: 'date', render: (v: string) => formatDate(v) },
          ]}
        />
      </Card>
    </>
  );
}

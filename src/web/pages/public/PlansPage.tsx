/** 年度计划 (public): each buyer's annual release plan, with totals by buyer and service field. */
import { DownloadOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Select, Space, Table, Tag, Typography } from 'antd';
import { useSearchParams } from 'react-router';
import type { z } from 'zod';
import { serviceCategoryLabels } from '../../../domain/enums';
import type { planOverview } from '../../../domain/plans';
import { api, download, errorMessage } from '../../api';
import { formatMoney } from '../../format';
import { yearOptions } from './publicYears';

type Overview = z.infer<typeof planOverview>;

export function PlansPage() {
  const [search, setSearch] = useSearchParams();
  const year = search.get('year') ?? undefined;
  const buyerId = search.get('buyerId') ?? undefined;
  const plan = useQuery({
    queryKey: ['public-plans', year, buyerId],
    queryFn: ({ signal }) => api.get<Overview>('/api/public/plans', { year, buyerId }, signal),
  });
  const set = (key: string, value: string | undefined) => {
    const next = new URLSearchParams(search);
    if (value) next.set(key, value);
    else next.delete(key);
    setSearch(next);
  };
  const data = plan.data;
  return (
    <div className="public-page">
      <Typography.Title level={2}>年度计划</Typography.Title>
      <Typography.Paragraph type="secondary">
        各购买主体的年度政府购买社会工作服务发布计划：项目、服务领域、预算和计划发布季度。
      </Typography.Paragraph>
      <Card>
        <Space wrap style={{ marginBottom: 16 }}>
          <Select
            aria-label="年度"
            className="filter-110"
            value={data ? String(data.year) : year}
            options={yearOptions([...(data?.years ?? [])].reverse())}
            onChange={(v) => set('year', v)}
          />
          <Select
            aria-label="购买主体"
            placeholder="购买主体"
            allowClear
            className="filter-150"
            value={buyerId}
            options={(data?.byBuyer ?? []).map((b) => ({ value: b.key, label: b.label }))}
            onChange={(v) => set('buyerId', v)}
          />
          <Button
            icon={<DownloadOutlined />}
            onClick={() =>
              download('/api/public/plans/export.xlsx', { year: data?.year, buyerId }, '年度发布计划.xlsx')
            }
          >
            导出 Excel
          </Button>
        </Space>
        {plan.isError ? <Alert type="error" title={errorMessage(plan.error)} /> : null}
        {data ? (
          <>
            <Typography.Paragraph data-testid="plan-total">
              {data.year}年度计划项目 <strong>{data.total.count}</strong> 个，预算合计{' '}
              <strong>{formatMoney(data.total.budgetFen)}</strong>
            </Typography.Paragraph>
            <Space wrap style={{ marginBottom: 16 }}>
              {data.byCategory.map((c) => (
                <Tag key={c.key}>
                  {c.label} {c.count}个 · {formatMoney(c.budgetFen)}
                </Tag>
              ))}
            </Space>
            <Table
              rowKey="id"
              size="small"
              dataSource={data.lines}
              pagination={{ pageSize: 20, hideOnSinglePage: true }}
              scroll={{ x: 800 }}
              columns={[
                { title: '购买主体', dataIndex: 'buyerName', width: 200 },
                { title: '项目名称', dataIndex: 'title' },
                {
                  title: '服务领域',
                  dataIndex: 'category',
                  width: 110,
                  render: (c: keyof typeof serviceCategoryLabels) => serviceCategoryLabels[c] ?? c,
                },
                {
                  title: '预算',
                  dataIndex: 'budgetFen',
                  width: 140,
                  align: 'right',
                  render: (v: number) => formatMoney(v),
                },
                {
                  title: '计划季度',
                  dataIndex: 'plannedQuarter',
                  width: 90,
                  render: (q: number) => `第${q}季度`,
                },
                { title: '已发布征集', dataIndex: 'callCount', width: 100, render: (n: number) => `${n}个` },
              ]}
            />
          </>
        ) : null}
      </Card>
    </div>
  );
}

/**
 * 开放数据 (public): what the platform publishes as open data (OCDS 1.1 and tables), the download
 * links, and every OCDS field it uses, documented in Chinese.
 */
import { useQuery } from '@tanstack/react-query';
import { Card, Space, Table, Tag, Typography } from 'antd';
import { api } from '../../api';
import { formatDateTime } from '../../format';
import { OCDS_FIELDS, OCDS_TAGS, TABLES } from './OpenDataFields';

const OCDS = '/api/opendata/ocds';

const DOWNLOADS = [
  {
    key: 'bulk',
    title: '全部项目数据（OCDS 发布包，JSON，gzip 压缩）',
    description: '包含所有项目的全部发布记录，数据变化后自动重新生成。',
    links: [{ href: `${OCDS}/bulk.json.gz`, label: '下载全部数据' }],
  },
  ...TABLES.map((t) => ({
    key: t.dataset,
    title: `${t.label}数据表`,
    description: t.description,
    links: [
      { href: `/api/opendata/tables/${t.dataset}.csv`, label: `${t.label}（CSV）` },
      { href: `/api/opendata/tables/${t.dataset}.xlsx`, label: `${t.label}（Excel）` },
    ],
  })),
];

const ENDPOINTS = [
  {
    path: `${OCDS}/releases`,
    text: '发布包，按时间从早到晚分页，下一页地址见 links.next（每页默认100条，limit 最大1000）',
  },
  {
    path: `${OCDS}/records/{ocid}`,
    text: '一个项目的记录包：该项目的全部发布和合并后的当前状态（compiledRelease）',
  },
  { path: '/api/docs', text: '全部接口的说明（OpenAPI）' },
];

export function OpenDataPage() {
  const latest = useQuery({
    queryKey: ['opendata-latest'],
    queryFn: () => api.get<{ publishedDate: string }>(`${OCDS}/releases?limit=1`),
  });
  return (
    <div className="public-page">
      <Typography.Title level={2}>开放数据</Typography.Title>
      <Typography.Paragraph>
        平台公开的项目信息同时以开放数据发布，任何人无需登录即可下载、使用。项目全过程数据遵循国际通用的
        开放合同数据标准（Open Contracting Data Standard，OCDS）1.1
        版：每个项目（一次项目征集）有一个唯一的开放合同标识（ocid），项目的每一个公开环节——年度计划、发布征集、
        立项公示、合同签订与变更、资金拨付、评估结果、结项——都是一条“发布”（release），发布后不再修改，
        后续变化以新的发布记录。金额为人民币元，保留两位小数；时间为北京时间（+08:00）。
      </Typography.Paragraph>
      <Typography.Paragraph>
        开放数据只包含单位层面的信息（单位名称和统一社会信用代码），不包含任何个人信息：没有个人姓名、联系电话、
        身份证号，也不包含异议人的任何信息。
      </Typography.Paragraph>
      {latest.data ? (
        <Typography.Paragraph type="secondary" data-testid="opendata-updated">
          数据更新至：{formatDateTime(latest.data.publishedDate)}
        </Typography.Paragraph>
      ) : null}

      <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
        <Card title="下载">
          <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
            {DOWNLOADS.map((item) => (
              <div key={item.key}>
                <Typography.Text strong>{item.title}</Typography.Text>
                <Typography.Paragraph style={{ marginBottom: 4 }}>{item.description}</Typography.Paragraph>
                <Space wrap>
                  {item.links.map((l) => (
                    <a key={l.href} href={l.href} download>
                      {l.label}
                    </a>
                  ))}
                </Space>
              </div>
            ))}
          </Space>
          <Typography.Paragraph style={{ marginTop: 16, marginBottom: 0 }}>
            CSV 文件为 UTF-8 编码（带 BOM），可直接用 Excel 打开。
          </Typography.Paragraph>
        </Card>

        <Card title="接口">
          <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
            {ENDPOINTS.map((item) => (
              <div key={item.path}>
                <Typography.Text code copyable style={{ wordBreak: 'break-all' }}>
                  GET {item.path}
                </Typography.Text>
                <div>{item.text}</div>
              </div>
            ))}
          </Space>
        </Card>

        <Card title="项目环节与发布类型">
          <Table
            size="small"
            rowKey="tag"
            pagination={false}
            scroll={{ x: 'max-content' }}
            dataSource={OCDS_TAGS}
            columns={[
              { title: '项目环节', dataIndex: 'step' },
              { title: '发布类型（tag）', dataIndex: 'tag', render: (tag: string) => <Tag>{tag}</Tag> },
            ]}
          />
        </Card>

        <Card title="字段说明">
          <Table
            size="small"
            rowKey="field"
            pagination={false}
            scroll={{ x: 'max-content' }}
            dataSource={OCDS_FIELDS}
            columns={[
              {
                title: '字段',
                dataIndex: 'field',
                render: (field: string) => <Typography.Text code>{field}</Typography.Text>,
              },
              { title: '含义', dataIndex: 'meaning' },
            ]}
          />
        </Card>
      </Space>
    </div>
  );
}

/** 红黑榜 (public): the entries in force, and those removed early, with every decision. */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Card, Segmented, Typography } from 'antd';
import { Link } from 'react-router';
import type { PublicEntry } from '../../../domain/credit';
import { api } from '../../api';
import { PagedCards, SearchBox, useListParams } from '../../components/list';
import { CreditListTag, listOptions } from '../credit/parts';
import { PublicEntryFacts } from './OrgProfilePage';
import type { PublicPage } from './PublicCallsPage';

export function CreditListPage() {
  const params = useListParams(['list'] as const);
  const list = useQuery({
    queryKey: ['credit', 'public', params.query],
    queryFn: ({ signal }) =>
      api.get<PublicPage<PublicEntry>>('/api/public/credit-entries', params.query, signal),
    placeholderData: keepPreviousData,
  });
  return (
    <div className="public-page">
      <Typography.Title level={2}>红黑榜</Typography.Title>
      <Typography.Paragraph type="secondary">
        对项目实施情况优秀、社会信用良好和活动异常、项目实施情况不合格的社会组织张榜公示。列入黑榜或严重违法失信名单期间，不得申报政府购买服务项目；被列入的单位可以申诉，处理结果在此公开。
      </Typography.Paragraph>
      <Card>
        <div className="list-toolbar">
          <Segmented
            value={params.filters.list ?? ''}
            onChange={(v) => params.update({ list: String(v) || undefined })}
            options={[{ value: '', label: '全部' }, ...listOptions]}
          />
          <SearchBox
            value={params.q}
            onSearch={(q) => params.update({ q })}
            placeholder="单位名称或统一社会信用代码"
          />
        </div>
        <PagedCards
          list={list}
          params={params}
          empty="暂无名单记录"
          unit="条"
          renderItem={(e) => (
            <Card size="small" className="call-card" data-testid="credit-card">
              <div className="call-card-head">
                <Link to={`/orgs/${e.orgId}`} className="call-card-title">
                  {e.orgName}
                </Link>
                <CreditListTag list={e.list} />
              </div>
              <PublicEntryFacts entry={e} />
            </Card>
          )}
        />
      </Card>
    </div>
  );
}

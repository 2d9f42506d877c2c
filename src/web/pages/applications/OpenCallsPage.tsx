/** 可申报项目 (provider): calls open for applications, and starting or resuming an application. */
import { FormOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Skeleton, Space } from 'antd';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, errorMessage, type Page, requestRaw } from '../../api';
import { LoadFailed } from '../../components/ErrorPages';
import { ListToolbar, PagedCards, useListParams } from '../../components/list';
import { PageHeader } from '../../components/PageHeader';
import { SimpleList } from '../../components/SimpleList';
import { ApplicationStatusTag } from '../../components/status';
import { formatDateTime, formatMoney } from '../../format';
import { CallDetailSections } from '../calls/CallDetailView';
import { CATEGORY_FILTER } from '../calls/filters';
import type { CallDetail, CallSummary } from '../calls/types';
import { CallCard, type PublicPage } from '../public/PublicCallsPage';
import type { ApplicationListItem, ApplicationView } from './types';

export function OpenCallsPage() {
  const params = useListParams(['category'] as const);
  const query = { ...params.query, status: 'published' };
  const list = useQuery({
    queryKey: ['public-calls', query],
    queryFn: ({ signal }) => api.get<PublicPage<CallSummary>>('/api/public/calls', query, signal),
    placeholderData: keepPreviousData,
  });
  return (
    <>
      <PageHeader title="可申报项目" subTitle="正在征集的项目，选择后填写申报书" />
      <Card>
        <ListToolbar params={params} search="搜索项目名称或内容" filters={[CATEGORY_FILTER]} />
        <PagedCards
          list={list}
          params={params}
          empty="暂无正在征集的项目"
          unit="个项目"
          capped
          renderItem={(c) => <CallCard call={c} to={`/app/open-calls/${c.id}`} />}
        />
      </Card>
    </>
  );
}

export function OpenCallPage() {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const client = useQueryClient();
  const { message } = App.useApp();
  const [creating, setCreating] = useState(false);
  const call = useQuery({
    queryKey: ['public-calls', 'detail', id],
    queryFn: ({ signal }) => api.get<CallDetail>(`/api/public/calls/${id}`, undefined, signal),
  });
  const mine = useQuery({
    queryKey: ['applications', 'list', { callId: id }],
    queryFn: ({ signal }) =>
      api.get<Omit<Page<ApplicationListItem>, 'actions'>>(
        '/api/applications',
        { callId: id, pageSize: 50 },
        signal,
      ),
  });
  if (call.isPending) return <Skeleton active />;
  if (call.isError) return <LoadFailed message={call.error.message} onRetry={() => call.refetch()} />;
  const c = call.data;
  const open =
    c.status === 'published' &&
    Date.parse(c.applicationOpensAt) <= Date.now() &&
    Date.parse(c.applicationClosesAt) > Date.now();

  // One draft per call and provider: the server hands back the existing one (200) instead of a new one.
  const draft = mine.data?.items.find((a) => a.status === 'draft');
  const start = async () => {
    setCreating(true);
    try {
      const res = await requestRaw('POST', '/api/applications', { body: { callId: c.id } });
      const opened = (await res.json()) as ApplicationView;
      await client.invalidateQueries({ queryKey: ['applications', 'list'] });
      message.success(
        res.status === 201 ? '已创建申报草稿，填写内容将自动保存' : '已打开本机构在该项目的申报草稿',
      );
      navigate(`/app/applications/${opened.id}`);
    } catch (error) {
      message.error(errorMessage(error));
    } finally {
      setCreating(false);
    }
  };

  return (
    <>
      <PageHeader
        title={c.title}
        subTitle={`${c.buyerName} · 申报截止 ${formatDateTime(c.applicationClosesAt)} · 单个项目上限 ${formatMoney(c.budgetCapFen)}`}
        extra={
          !open ? null : draft ? (
            <Button
              type="primary"
              icon={<FormOutlined />}
              onClick={() => navigate(`/app/applications/${draft.id}`)}
            >
              继续填写草稿
            </Button>
          ) : (
            <Button
              type="primary"
              icon={<FormOutlined />}
              loading={creating}
              disabled={mine.isPending}
              onClick={start}
            >
              新建申报
            </Button>
          )
        }
      />
      {!open ? (
        <Alert type="info" showIcon title="该项目当前不在申报期内" style={{ marginBottom: 16 }} />
      ) : null}
      {mine.data && mine.data.items.length > 0 ? (
        <Card title="本机构对该项目的申报" style={{ marginBottom: 16 }}>
          <SimpleList
            items={mine.data.items}
            rowKey={(a) => a.id}
            renderItem={(a) => (
              <div className="attachment-row">
                <Space wrap>
                  <span>{a.title || '（未命名申报）'}</span>
                  <span className="muted">{a.communityName ?? '未选社区'}</span>
                  <ApplicationStatusTag status={a.status} />
                </Space>
                <Link to={`/app/applications/${a.id}`}>打开</Link>
              </div>
            )}
          />
        </Card>
      ) : null}
      <CallDetailSections call={c} />
    </>
  );
}

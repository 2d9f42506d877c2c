/**
 * One call as its buyer manages it (admins and supervisors read it): the lifecycle buttons the
 * server allows, and a tab per stage — applications, review, publicity, contracts.
 */
import { EditOutlined, SendOutlined, StopOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Popconfirm, Skeleton, Tabs } from 'antd';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import type { Me } from '../../../domain/api';
import { type CallState, callStateLabels } from '../../../domain/lifecycle';
import { api, errorMessage } from '../../api';
import { LoadFailed } from '../../components/ErrorPages';
import { PageHeader } from '../../components/PageHeader';
import { ReasonModal } from '../../components/ReasonModal';
import { CallStatusTag } from '../../components/status';
import { useSession } from '../../session';
import { CallApplicationsTab } from './CallApplicationsTab';
import { CallDetailSections } from './CallDetailView';
import { ContractsTab } from './ContractsTab';
import { PublicityTab } from './PublicityTab';
import { ReviewTab } from './ReviewTab';
import type { CallManaged } from './types';

const ORDER: CallState[] = [
  'draft',
  'published',
  'closed',
  'in_review',
  'awarded',
  'in_publicity',
  'approved',
  'contracted',
];

export const isCallBuyer = (user: Me | null | undefined, call: { buyerId: string }) =>
  !!user && user.roles.includes('buyer') && user.org?.id === call.buyerId;

/** How far along the call is; cancelled and failed calls show every stage they may have reached. */
function stageIndex(status: string): number {
  const i = ORDER.indexOf(status as CallState);
  return i >= 0 ? i : ORDER.length;
}

export function CallManagePage() {
  const { id = '', tab = 'overview' } = useParams();
  const navigate = useNavigate();
  const client = useQueryClient();
  const { message } = App.useApp();
  const user = useSession().data?.user;
  const [ending, setEnding] = useState<'cancel' | 'fail' | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const call = useQuery({
    queryKey: ['calls', 'detail', id],
    queryFn: ({ signal }) => api.get<CallManaged>(`/api/calls/${id}`, undefined, signal),
  });
  if (call.isPending) return <Skeleton active />;
  if (call.isError) return <LoadFailed message={call.error.message} onRetry={() => call.refetch()} />;
  const c = call.data;
  const buyer = isCallBuyer(user, c);
  const refresh = () => {
    client.invalidateQueries({ queryKey: ['calls'] });
    client.invalidateQueries({ queryKey: ['public-calls'] });
  };

  const transition = async (name: 'publish' | 'close', done: string) => {
    setBusy(name);
    try {
      await api.post(`/api/calls/${c.id}/${name}`);
      message.success(done);
      refresh();
    } catch (error) {
      message.error(errorMessage(error));
    } finally {
      setBusy(null);
    }
  };

  const stage = stageIndex(c.status);
  const tabs = [
    {
      key: 'overview',
      label: '概况',
      children: (
        <CallDetailSections
          call={c}
          uploadPath={c.actions.includes('update') ? `/api/calls/${c.id}/attachments` : undefined}
          onUploaded={refresh}
        />
      ),
    },
    ...(stage >= 1
      ? [
          {
            key: 'applications',
            label: `申报（${c.applicationCount}）`,
            children: <CallApplicationsTab call={c} />,
          },
        ]
      : []),
    ...(stage >= 2
      ? [{ key: 'review', label: '评审', children: <ReviewTab call={c} onChanged={refresh} /> }]
      : []),
    ...(stage >= 4
      ? [
          {
            key: 'publicity',
            label: '立项公示',
            children: <PublicityTab call={c} isBuyer={buyer} onChanged={refresh} />,
          },
        ]
      : []),
    ...(stage >= 6
      ? [{ key: 'contracts', label: '合同', children: <ContractsTab call={c} isBuyer={buyer} /> }]
      : []),
  ];

  return (
    <>
      <PageHeader
        title={c.title}
        subTitle={
          <span>
            <span className="mono">{c.code}</span> · {c.buyerName} · <CallStatusTag status={c.status} />
          </span>
        }
        extra={
          <>
            <Link to={`/calls/${c.id}`}>公开页面</Link>
            {c.actions.includes('update') ? (
              <Button icon={<EditOutlined />} onClick={() => navigate(`/app/calls/${c.id}/edit`)}>
                编辑
              </Button>
            ) : null}
            {c.actions.includes('publish') ? (
              <Popconfirm
                title="发布征集"
                description="发布后征集公告将公开，申报单位即可申报。确定发布？"
                okText="发布"
                cancelText="取消"
                onConfirm={() => transition('publish', '征集已发布')}
              >
                <Button type="primary" icon={<SendOutlined />} loading={busy === 'publish'}>
                  发布
                </Button>
              </Popconfirm>
            ) : null}
            {c.actions.includes('close') ? (
              <Popconfirm
                title="截止征集"
                description="截止后不再接受申报，申报材料封存。确定截止？"
                okText="截止"
                cancelText="取消"
                onConfirm={() => transition('close', '征集已截止')}
              >
                <Button type="primary" icon={<StopOutlined />} loading={busy === 'close'}>
                  截止征集
                </Button>
              </Popconfirm>
            ) : null}
            {c.actions.includes('fail') ? (
              <Button danger onClick={() => setEnding('fail')}>
                流标
              </Button>
            ) : null}
            {c.actions.includes('cancel') ? (
              <Button danger onClick={() => setEnding('cancel')}>
                取消项目
              </Button>
            ) : null}
          </>
        }
      />
      {c.shortWindowFlag ? (
        <Alert
          type="warning"
          showIcon
          title={`征集期过短：${c.shortWindowFlag}`}
          style={{ marginBottom: 16 }}
        />
      ) : null}
      {c.status === 'draft' && c.actions.includes('publish') ? (
        <Alert
          type="info"
          showIcon
          title="草稿仅本单位可见。核对内容、上传附件后点击“发布”。"
          style={{ marginBottom: 16 }}
        />
      ) : null}
      <Tabs
        activeKey={tabs.some((t) => t.key === tab) ? tab : 'overview'}
        onChange={(key) => navigate(key === 'overview' ? `/app/calls/${c.id}` : `/app/calls/${c.id}/${key}`)}
        items={tabs}
        destroyOnHidden
      />
      {ending ? (
        <ReasonModal
          title={ending === 'cancel' ? '取消项目' : '流标'}
          label={ending === 'cancel' ? '取消原因（将公开）' : '流标原因（将公开）'}
          intro={`项目将变为“${callStateLabels[ending === 'cancel' ? 'cancelled' : 'failed']}”，原因在项目进展中公开。`}
          okText="确定"
          danger
          onSubmit={async (reason) => {
            await api.post(`/api/calls/${c.id}/${ending}`, { reason });
            message.success(ending === 'cancel' ? '项目已取消' : '项目已流标');
            refresh();
          }}
          onClose={() => setEnding(null)}
        />
      ) : null}
    </>
  );
}

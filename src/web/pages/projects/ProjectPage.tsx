/**
 * One project in implementation, for each party: the overview (state, contract, rectifications,
 * recoveries and the buyer's steps), the money, the alerts and the evaluations.
 */
import { useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Descriptions, Popconfirm, Skeleton, Space, Tabs } from 'antd';
import { Link, useParams } from 'react-router';
import { api, errorMessage } from '../../api';
import { LoadFailed } from '../../components/ErrorPages';
import { PageHeader } from '../../components/PageHeader';
import { ReasonModal } from '../../components/ReasonModal';
import { descriptionsLayout, useIsMobile } from '../../components/useIsMobile';
import { formatDate, formatDateTime, formatMoney } from '../../format';
import { useSession } from '../../session';
import { EvaluationsPanel } from '../evaluations/EvaluationsPanel';
import { FundsPanel } from '../funds/FundsPanel';
import { ActivitiesPanel } from './ActivitiesPanel';
import { AlertsPanel } from './AlertsPanel';
import { PROJECTS_KEY, ProjectStateTag, useDialog, useProject } from './parts';
import { RecoveriesSection, RectificationsSection } from './Remedies';

export function ProjectPage() {
  const { id = '' } = useParams();
  const project = useProject(id);
  const mobile = useIsMobile();
  const client = useQueryClient();
  const { message } = App.useApp();
  const roles = useSession().data?.user?.roles ?? [];
  const dialog = useDialog<'terminate'>();
  if (project.isError)
    return <LoadFailed message={project.error.message} onRetry={() => project.refetch()} />;
  if (!project.data) return <Skeleton active />;
  const p = project.data;
  const refresh = () => client.invalidateQueries({ queryKey: [PROJECTS_KEY] });
  const step = async (action: 'start' | 'close', done: string) => {
    try {
      await api.post(`/api/projects/${p.id}/${action}`, { version: p.version });
      message.success(done);
      await refresh();
    } catch (error) {
      message.error(errorMessage(error));
    }
  };
  const monitors = roles.some((r) => r === 'buyer' || r === 'admin' || r === 'supervisor');

  const overview = (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="project-overview">
      <Descriptions
        bordered
        size="small"
        layout={descriptionsLayout(mobile)}
        column={mobile ? 1 : 2}
        items={[
          { key: 's', label: '状态', children: <ProjectStateTag status={p.status} /> },
          {
            key: 'c',
            label: '合同',
            children: <Link to={`/app/contracts/${p.id}`}>{p.contractCode}</Link>,
          },
          { key: 'b', label: '购买主体', children: p.buyerName },
          { key: 'v', label: '承接单位', children: p.providerName },
          { key: 'a', label: '合同金额', children: formatMoney(p.amountFen) },
          {
            key: 'p',
            label: '服务期',
            children: `${formatDate(p.periodStart)} 至 ${formatDate(p.periodEnd)}`,
          },
          ...(p.terminationReason
            ? [
                {
                  key: 't',
                  label: '终止',
                  children: `${formatDateTime(p.terminatedAt)}：${p.terminationReason}`,
                },
              ]
            : []),
          ...(p.closedAt ? [{ key: 'x', label: '结项时间', children: formatDateTime(p.closedAt) }] : []),
          {
            key: 'tl',
            label: '公开时间线',
            children: (
              <a href={`/calls/${p.callId}`} target="_blank" rel="noreferrer">
                在公开页面查看
              </a>
            ),
          },
        ]}
      />
      <RectificationsSection project={p} />
      <RecoveriesSection project={p} />
    </Space>
  );

  return (
    <>
      <PageHeader
        title={p.projectTitle}
        subTitle={`${p.contractCode} · ${p.providerName}`}
        extra={
          <Space wrap>
            {p.actions.includes('start') ? (
              <Button type="primary" onClick={() => step('start', '项目已开始实施')}>
                开始实施
              </Button>
            ) : null}
            {p.actions.includes('close') ? (
              <Popconfirm
                title="确认结项？结项后项目不再变更。"
                okText="结项"
                onConfirm={() => step('close', '项目已结项')}
              >
                <Button type="primary">结项</Button>
              </Popconfirm>
            ) : null}
            {p.actions.includes('terminate') ? (
              <Button danger onClick={() => dialog.show('terminate', undefined)}>
                终止项目
              </Button>
            ) : null}
          </Space>
        }
      />
      <Card>
        <Tabs
          items={[
            { key: 'overview', label: '概况', children: overview },
            {
              key: 'activities',
              label: '实施动态',
              children: <ActivitiesPanel projectId={p.id} code={p.contractCode} />,
            },
            { key: 'funds', label: '资金', children: <FundsPanel projectId={p.id} chart={monitors} /> },
            ...(monitors
              ? [
                  {
                    key: 'alerts',
                    label: '预警',
                    children: <AlertsPanel path={`/api/projects/${p.id}/alerts`} />,
                  },
                ]
              : []),
            { key: 'evaluations', label: '评估', children: <EvaluationsPanel project={p} /> },
          ]}
        />
      </Card>
      {dialog.is('terminate') ? (
        <ReasonModal
          title="终止项目"
          label="终止原因"
          intro="终止原因将在项目的公开时间线上公布；终止后可要求追回资金。"
          danger
          minLength={5}
          okText="终止"
          onClose={dialog.close}
          onSubmit={async (reason) => {
            await api.post(`/api/projects/${p.id}/terminate`, { reason, version: p.version });
            message.success('项目已终止');
            await refresh();
          }}
        />
      ) : null}
    </>
  );
}

/**
 * One application. The provider edits its draft here (auto-saved), asks its community to co-sign
 * and submits; the community co-signs; the buyer reads it with the eligibility results and may
 * override them with a reason; admins and supervisors read it.
 */
import { ReloadOutlined, SafetyCertificateOutlined, SendOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Form, Popconfirm, Skeleton, Space } from 'antd';
import { useCallback, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError, api, errorMessage } from '../../api';
import { type AttachmentInfo, AttachmentList } from '../../components/Attachments';
import { DuplicatesPanel } from '../../components/DuplicatesPanel';
import { LoadFailed } from '../../components/ErrorPages';
import { PageHeader } from '../../components/PageHeader';
import { ReasonModal } from '../../components/ReasonModal';
import { ApplicationStatusTag } from '../../components/status';
import { formatDateTime } from '../../format';
import type { CallDetail } from '../calls/types';
import { EligibilityCard, JointApplicants, ProposalSections } from './ApplicationDetails';
import { ApplicationForm, type DraftValues, MissingList, SaveStatus, useAutoSave } from './ApplicationForm';
import type { ApplicationView } from './types';

function useApplication(id: string) {
  return useQuery({
    queryKey: ['applications', 'detail', id],
    queryFn: ({ signal }) => api.get<ApplicationView>(`/api/applications/${id}`, undefined, signal),
    refetchOnWindowFocus: true,
  });
}

function useCall(callId: string | undefined) {
  return useQuery({
    queryKey: ['public-calls', 'detail', callId],
    queryFn: ({ signal }) => api.get<CallDetail>(`/api/public/calls/${callId}`, undefined, signal),
    enabled: !!callId,
    staleTime: 60_000,
  });
}

/** The provider's editing view: the form, the save state, and co-sign / submit. */
function DraftEditor({ application, call }: { application: ApplicationView; call: CallDetail | undefined }) {
  const [form] = Form.useForm<DraftValues>();
  const { message, modal } = App.useApp();
  const client = useQueryClient();
  const navigate = useNavigate();
  const getValues = useCallback(() => form.getFieldsValue(true) as DraftValues, [form]);
  const autosave = useAutoSave(application, getValues);
  const [busy, setBusy] = useState<string | null>(null);
  const a = application;
  const conflict = autosave.state.kind === 'error' && autosave.state.conflict;

  const run = async (name: string, action: () => Promise<void>) => {
    setBusy(name);
    try {
      await autosave.flush();
      await action();
    } catch (error) {
      if (error instanceof ApiError && error.code === 'application_incomplete') {
        const missing = (error.details as { missing?: string[] } | undefined)?.missing ?? [];
        modal.warning({
          title: '申报材料不完整，暂不能提交',
          content: (
            <ul className="plain-list">
              {missing.map((m) => (
                <li key={m}>{m}</li>
              ))}
            </ul>
          ),
          okText: '知道了',
        });
      } else message.error(errorMessage(error));
    } finally {
      setBusy(null);
    }
  };

  return (
    <>
      <div className="sticky-bar" data-testid="application-bar">
        <SaveStatus state={autosave.state} skipped={autosave.skipped} />
        <Space wrap>
          {a.communityRegionId && !a.cosignedAt ? (
            <Button
              icon={<SafetyCertificateOutlined />}
              loading={busy === 'cosign'}
              onClick={() =>
                run('cosign', async () => {
                  await api.post(`/api/applications/${a.id}/request-cosign`);
                  message.success(`已通知${a.communityOrgName ?? '社区'}签章`);
                })
              }
            >
              请求社区签章
            </Button>
          ) : null}
          {a.actions.includes('submit') ? (
            <Popconfirm
              title="提交申报"
              description="提交后系统将进行资格审查；截止前可撤回修改。确定提交？"
              okText="提交"
              cancelText="取消"
              onConfirm={() =>
                run('submit', async () => {
                  const r = await api.post<ApplicationView>(`/api/applications/${a.id}/submit`);
                  client.setQueryData(['applications', 'detail', a.id], r);
                  await client.invalidateQueries({ queryKey: ['applications', 'list'] });
                  message.success(
                    r.status === 'eligible' ? '已提交，资格审查通过' : '已提交，资格审查未通过，请查看原因',
                  );
                })
              }
            >
              <Button type="primary" icon={<SendOutlined />} loading={busy === 'submit'} disabled={conflict}>
                提交申报
              </Button>
            </Popconfirm>
          ) : null}
        </Space>
      </div>
      {conflict ? (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 16 }}
          title="申报已在别处修改（例如另一个窗口），本页的修改未保存"
          action={
            <Button icon={<ReloadOutlined />} onClick={() => navigate(0)}>
              刷新
            </Button>
          }
        />
      ) : null}
      <div className="stack" style={{ marginBottom: 16 }}>
        <Card size="small" title="申报进度" data-testid="cosign-state">
          <Space orientation="vertical" style={{ width: '100%' }}>
            <div>
              社区签章：
              {a.cosignedAt ? (
                <span className="save-ok">
                  {a.communityOrgName ?? a.communityName} 已于 {formatDateTime(a.cosignedAt)} 签章
                </span>
              ) : a.communityRegionId ? (
                <span>待 {a.communityOrgName ?? a.communityName} 签章（修改已签章的内容会使签章失效）</span>
              ) : (
                <span className="muted">请先选择服务社区</span>
              )}
            </div>
            <MissingList missing={a.missing} />
          </Space>
        </Card>
        {a.status === 'withdrawn' ? (
          <Alert type="info" showIcon title="申报已撤回，可修改后重新提交（需社区重新签章）" />
        ) : null}
      </div>
      <ApplicationForm application={a} call={call} form={form} onValuesChange={autosave.schedule} />
    </>
  );
}

function ReadOnlyView({ application }: { application: ApplicationView }) {
  const a = application;
  const { message } = App.useApp();
  const client = useQueryClient();
  const [override, setOverride] = useState<boolean | null>(null);
  const [explaining, setExplaining] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);
  const attachments = useQuery({
    queryKey: ['applications', 'attachments', a.id],
    queryFn: ({ signal }) =>
      api.get<AttachmentInfo[]>(`/api/applications/${a.id}/attachments`, undefined, signal),
  });
  const apply = (r: ApplicationView) => {
    client.setQueryData(['applications', 'detail', a.id], r);
    client.invalidateQueries({ queryKey: ['applications', 'list'] });
    client.invalidateQueries({ queryKey: ['calls'] });
  };
  const post = async (name: string, done: string) => {
    setBusy(name);
    try {
      apply(await api.post<ApplicationView>(`/api/applications/${a.id}/${name}`));
      message.success(done);
    } catch (error) {
      message.error(errorMessage(error));
    } finally {
      setBusy(null);
    }
  };

  const overrideButtons = a.actions.includes('override') ? (
    <Space wrap>
      {a.status !== 'eligible' ? (
        <Button size="small" onClick={() => setOverride(true)}>
          复核：通过
        </Button>
      ) : null}
      {a.status !== 'ineligible' ? (
        <Button size="small" danger onClick={() => setOverride(false)}>
          复核：不通过
        </Button>
      ) : null}
    </Space>
  ) : null;

  return (
    <div className="stack">
      {a.actions.includes('cosign') ? (
        <Alert
          type="info"
          showIcon
          title={`${a.providerName} 请求本社区联合签章`}
          description="请核对服务内容、项目社工和社区参与力量。签章表示本社区同意在辖区内开展该服务；申报单位此后修改内容，签章将自动失效。"
          action={
            <Popconfirm
              title="确认签章"
              description="确定以本社区名义为该申报联合签章？"
              okText="签章"
              cancelText="取消"
              onConfirm={() => post('cosign', '已签章')}
            >
              <Button type="primary" icon={<SafetyCertificateOutlined />} loading={busy === 'cosign'}>
                签章
              </Button>
            </Popconfirm>
          }
        />
      ) : null}
      {a.actions.includes('withdraw') || a.actions.includes('explain') ? (
        <Space wrap>
          {a.actions.includes('withdraw') ? (
            <Popconfirm
              title="撤回申报"
              description="撤回后可修改并在截止前重新提交，社区需重新签章。确定撤回？"
              okText="撤回"
              cancelText="取消"
              onConfirm={() => post('withdraw', '已撤回，可修改后重新提交')}
            >
              <Button loading={busy === 'withdraw'}>撤回申报</Button>
            </Popconfirm>
          ) : null}
          {a.actions.includes('explain') ? (
            <Button onClick={() => setExplaining(true)}>
              {a.duplicateExplanation ? '修改查重说明' : '填写查重说明'}
            </Button>
          ) : null}
        </Space>
      ) : null}
      <JointApplicants application={a} />
      <EligibilityCard application={a} extra={overrideButtons} />
      {a.status !== 'draft' && a.status !== 'withdrawn' ? <DuplicatesPanel applicationId={a.id} /> : null}
      <ProposalSections proposal={a.proposal} requestedFen={a.requestedFen} />
      <Card title="附件">
        <AttachmentList items={attachments.data ?? []} />
      </Card>
      {override !== null ? (
        <ReasonModal
          title={override ? '资格审查复核：通过' : '资格审查复核：不通过'}
          label="复核理由"
          intro={`该申报将被标记为“${override ? '资格审查通过' : '资格审查未通过'}”，理由记入审计日志并告知申报单位。`}
          minLength={5}
          danger={!override}
          okText="确定"
          onSubmit={async (reason) => {
            apply(
              await api.post<ApplicationView>(`/api/applications/${a.id}/eligibility`, {
                eligible: override,
                reason,
              }),
            );
            message.success('已记录复核结论');
          }}
          onClose={() => setOverride(null)}
        />
      ) : null}
      {explaining ? (
        <ReasonModal
          title="查重说明"
          label="说明"
          intro="如系统查重提示与其他申报或已资助项目相似，请说明原因（如不同社区、不同服务对象）。"
          minLength={5}
          maxLength={2000}
          onSubmit={async (explanation) => {
            apply(await api.post<ApplicationView>(`/api/applications/${a.id}/explanation`, { explanation }));
            message.success('已保存说明');
          }}
          onClose={() => setExplaining(false)}
        />
      ) : null}
    </div>
  );
}

export function ApplicationPage() {
  const { id = '' } = useParams();
  const application = useApplication(id);
  const call = useCall(application.data?.callId);
  if (application.isPending) return <Skeleton active />;
  if (application.isError)
    return <LoadFailed message={application.error.message} onRetry={() => application.refetch()} />;
  const a = application.data;
  const editing = a.actions.includes('edit');
  return (
    <>
      <PageHeader
        title={a.proposal.title || '申报书（未命名）'}
        subTitle={
          <span>
            {a.providerName} · <Link to={`/calls/${a.callId}`}>{a.callTitle}</Link> ·{' '}
            <ApplicationStatusTag status={a.status} />
          </span>
        }
      />
      {editing ? (
        // Keyed by id only: the form keeps what is typed while saves update the application.
        <DraftEditor key={a.id} application={a} call={call.data} />
      ) : (
        <ReadOnlyView application={a} />
      )}
    </>
  );
}

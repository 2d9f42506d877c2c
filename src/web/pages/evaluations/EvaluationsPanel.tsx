/**
 * A project's evaluations: the buyer commissions one (evaluator, mid-term or final, due date),
 * accepts or returns a submitted one, and ends the results publicity; the evaluator opens its
 * scoring page.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Form, Popconfirm, Select, Space, Table } from 'antd';
import { Link } from 'react-router';
import {
  EVALUATION_STAGES,
  type Evaluation,
  type EvaluationTemplate,
  evaluationStageLabels,
} from '../../../domain/evaluations';
import type { Project } from '../../../domain/projects';
import { api, errorMessage } from '../../api';
import { DatePicker } from '../../components/DatePicker';
import { LoadFailed } from '../../components/ErrorPages';
import { OrgSelect } from '../../components/OrgSelect';
import { ReasonModal } from '../../components/ReasonModal';
import { FormModal } from '../../components/RecordEditor';
import { type Dayjs, formatDate, formatDateTime, pickerDate } from '../../format';
import { useSession } from '../../session';
import { EvaluationStateTag, PROJECTS_KEY, useDialog } from '../projects/parts';

export function useProjectEvaluations(projectId: string) {
  return useQuery({
    queryKey: [PROJECTS_KEY, 'evaluations', projectId],
    queryFn: ({ signal }) =>
      api.get<{ items: Evaluation[]; actions: string[] }>(
        `/api/projects/${projectId}/evaluations`,
        undefined,
        signal,
      ),
  });
}

export function EvaluationsPanel({ project }: { project: Project }) {
  const list = useProjectEvaluations(project.id);
  const client = useQueryClient();
  const { message } = App.useApp();
  const roles = useSession().data?.user?.roles ?? [];
  const dialog = useDialog<'commission' | 'return', Evaluation | undefined>();
  const templates = useQuery({
    queryKey: ['evaluation-templates'],
    queryFn: ({ signal }) =>
      api.get<{ items: EvaluationTemplate[] }>('/api/evaluation-templates', undefined, signal),
    enabled: !!list.data?.actions.includes('commission'),
  });
  if (list.isError) return <LoadFailed message={list.error.message} onRetry={() => list.refetch()} />;
  const refresh = () => client.invalidateQueries({ queryKey: [PROJECTS_KEY] });
  const run = async (path: string, body: unknown, done: string) => {
    try {
      await api.post(path, body);
      message.success(done);
      await refresh();
    } catch (error) {
      message.error(errorMessage(error));
    }
  };
  const returning = dialog.is('return')?.subject;
  const buyer = roles.includes('buyer');
  return (
    <div data-testid="evaluations-panel">
      {list.data?.actions.includes('commission') ? (
        <div className="section-actions">
          <Button type="primary" onClick={() => dialog.show('commission', undefined)}>
            委托评估
          </Button>
        </div>
      ) : null}
      <Table<Evaluation>
        rowKey="id"
        size="small"
        loading={list.isLoading}
        pagination={false}
        scroll={{ x: 'max-content' }}
        dataSource={list.data?.items ?? []}
        locale={{ emptyText: '尚未委托评估' }}
        columns={[
          { title: '阶段', dataIndex: 'stage', render: (s: Evaluation['stage']) => evaluationStageLabels[s] },
          { title: '评估机构', dataIndex: 'evaluatorName' },
          { title: '截止', dataIndex: 'dueOn', render: formatDate },
          {
            title: '状态',
            dataIndex: 'status',
            render: (s: Evaluation['status']) => <EvaluationStateTag status={s} />,
          },
          {
            title: '得分 / 等级',
            key: 'grade',
            render: (_, e) => (e.grade ? `${e.total} 分 · ${e.gradeLabel}` : '—'),
          },
          {
            title: '报告',
            key: 'report',
            render: (_, e) => (
              <div className="small">
                {e.report ? (
                  <a href={e.report.url} download={e.report.name}>
                    {e.report.name}
                  </a>
                ) : null}
                {e.reportSummary ? <div className="muted">{e.reportSummary}</div> : null}
                {e.returnReason ? <div className="text-danger">退回原因：{e.returnReason}</div> : null}
                {e.submittedAt ? <div className="muted">提交：{formatDateTime(e.submittedAt)}</div> : null}
              </div>
            ),
          },
          {
            title: '操作',
            key: 'actions',
            render: (_, e) => (
              <Space size={4} wrap>
                {e.actions.includes('score') ? (
                  <Link to={`/app/evaluations/${e.id}`}>
                    <Button size="small" type="primary">
                      评分
                    </Button>
                  </Link>
                ) : null}
                {e.actions.includes('accept') ? (
                  <Popconfirm
                    title={`确认评估结果：${e.total} 分，${e.gradeLabel}？`}
                    okText="确认"
                    onConfirm={() =>
                      run(`/api/evaluations/${e.id}/accept`, { version: e.version }, '已确认评估结果')
                    }
                  >
                    <Button size="small" type="primary">
                      确认结果
                    </Button>
                  </Popconfirm>
                ) : null}
                {e.actions.includes('return') ? (
                  <Button size="small" danger onClick={() => dialog.show('return', e)}>
                    退回
                  </Button>
                ) : null}
                {e.publicityId &&
                e.status === 'accepted' &&
                buyer &&
                project.status === 'results_publicity' ? (
                  <Popconfirm
                    title="公示期已满，结束评估结果公示？"
                    okText="结束公示"
                    onConfirm={() =>
                      run(`/api/publicities/${e.publicityId}/close`, {}, '评估结果公示已结束，等级生效')
                    }
                  >
                    <Button size="small">结束公示</Button>
                  </Popconfirm>
                ) : null}
              </Space>
            ),
          },
        ]}
      />
      {dialog.is('commission') ? (
        <FormModal<{ stage: Evaluation['stage']; evaluatorOrgId: string; dueOn: Dayjs; templateId?: string }>
          title="委托第三方评估"
          okText="委托"
          fields={['stage', 'evaluatorOrgId', 'dueOn', 'templateId']}
          invalidate={PROJECTS_KEY}
          onClose={dialog.close}
          onSubmit={async (v) => {
            await api.post(`/api/projects/${project.id}/evaluations`, {
              ...v,
              dueOn: pickerDate(v.dueOn),
              templateId: v.templateId || undefined,
            });
            return '已委托评估';
          }}
        >
          <Form.Item name="stage" label="评估阶段" rules={[{ required: true, message: '请选择评估阶段' }]}>
            <Select options={EVALUATION_STAGES.map((s) => ({ value: s, label: evaluationStageLabels[s] }))} />
          </Form.Item>
          <Form.Item
            name="evaluatorOrgId"
            label="评估机构"
            rules={[{ required: true, message: '请选择评估机构' }]}
          >
            <OrgSelect kind="evaluator" />
          </Form.Item>
          <Form.Item
            name="dueOn"
            label="报告截止日期"
            rules={[{ required: true, message: '请选择截止日期' }]}
          >
            <DatePicker style={{ width: '100%' }} />
          </Form.Item>
          <Form.Item name="templateId" label="指标体系">
            <Select
              allowClear
              placeholder="默认指标体系"
              options={(templates.data?.items ?? [])
                .filter((t) => t.id && t.active)
                .map((t) => ({ value: t.id!, label: t.name }))}
            />
          </Form.Item>
        </FormModal>
      ) : null}
      {returning ? (
        <ReasonModal
          title="退回评估报告"
          label="退回原因"
          minLength={5}
          danger
          onClose={dialog.close}
          onSubmit={async (reason) => {
            await api.post(`/api/evaluations/${returning.id}/return`, { reason, version: returning.version });
            message.success('已退回评估机构修改');
            await refresh();
          }}
        />
      ) : null}
    </div>
  );
}

/** 我的评估: the evaluations commissioned from the evaluator's organization, waiting ones first. */
import { useQuery } from '@tanstack/react-query';
import { Card, Table } from 'antd';
import { Link } from 'react-router';
import { type Evaluation, type EvaluationListItem, evaluationStageLabels } from '../../../domain/evaluations';
import type { Project } from '../../../domain/projects';
import { api, type Page } from '../../api';
import { LoadFailed } from '../../components/ErrorPages';
import { PageHeader } from '../../components/PageHeader';
import { formatDate } from '../../format';
import { EvaluationStateTag, PROJECTS_KEY } from '../projects/parts';

export type AssignedEvaluation = EvaluationListItem & { waiting: boolean };

/**
 * The evaluations commissioned from the evaluator's organization (the server lists only those),
 * waiting ones first; a rectification waiting for its re-check counts as waiting work too. It
 * follows only from a 不合格 result, so only those projects are asked for their detail.
 */
export function useAssignedEvaluations() {
  return useQuery({
    queryKey: [PROJECTS_KEY, 'assigned'],
    queryFn: async ({ signal }) => {
      const [page, failed] = await Promise.all(
        [{ pageSize: 100 }, { pageSize: 100, grade: 'fail' }].map((query) =>
          api.get<Page<EvaluationListItem>>('/api/evaluations', query, signal),
        ),
      );
      const evaluations = page.items
        .map((e): AssignedEvaluation => ({ ...e, waiting: e.actions.includes('submit') }))
        .sort((a, b) => Number(b.waiting) - Number(a.waiting));
      const details = await Promise.all(
        [...new Set(failed.items.map((e) => e.projectId))].map((id) =>
          api.get<Project>(`/api/projects/${id}`, undefined, signal),
        ),
      );
      const rechecks = details.filter((d) => d.rectifications.some((r) => r.actions.includes('check')));
      return { evaluations, rechecks };
    },
  });
}

export function MyEvaluationsPage() {
  const data = useAssignedEvaluations();
  if (data.isError) return <LoadFailed message={data.error.message} onRetry={() => data.refetch()} />;
  return (
    <>
      <PageHeader title="我的评估" subTitle="受委托的中期、末期评估和整改复核" />
      {data.data && data.data.rechecks.length > 0 ? (
        <Card title="待复核的整改" style={{ marginBottom: 16 }} data-testid="rechecks">
          <ul className="plain-list">
            {data.data.rechecks.map((p) => (
              <li key={p.id}>
                <Link to={`/app/projects/${p.id}`}>{p.projectTitle}</Link>
              </li>
            ))}
          </ul>
        </Card>
      ) : null}
      <Card>
        <Table<AssignedEvaluation>
          rowKey="id"
          loading={data.isLoading}
          dataSource={data.data?.evaluations ?? []}
          scroll={{ x: 'max-content' }}
          locale={{ emptyText: '暂无委托的评估' }}
          columns={[
            {
              title: '项目',
              dataIndex: 'projectTitle',
              render: (v: string, e) => <Link to={`/app/evaluations/${e.id}`}>{v}</Link>,
            },
            {
              title: '阶段',
              dataIndex: 'stage',
              render: (s: Evaluation['stage']) => evaluationStageLabels[s],
            },
            { title: '截止', dataIndex: 'dueOn', render: formatDate },
            {
              title: '状态',
              dataIndex: 'status',
              render: (s: Evaluation['status']) => <EvaluationStateTag status={s} />,
            },
            {
              title: '结果',
              key: 'grade',
              render: (_, e) => (e.grade ? `${e.total} 分 · ${e.gradeLabel}` : '—'),
            },
          ]}
        />
      </Card>
    </>
  );
}

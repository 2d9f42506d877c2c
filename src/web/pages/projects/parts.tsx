/** Pieces shared by the implementation pages: state tags, the project query, a modal-opening hook. */
import { useQuery } from '@tanstack/react-query';
import { Form, Input, Tag } from 'antd';
import { type ReactNode, useState } from 'react';
import { type EvaluationState, evaluationStateLabels } from '../../../domain/evaluations';
import { type PaymentState, paymentStateLabels } from '../../../domain/funds';
import { type Project, type ProjectState, projectStateLabels } from '../../../domain/projects';
import { type Alert, alertStateLabels } from '../../../domain/redflags';
import { api } from '../../api';
import { MoneyInput } from '../../components/MoneyInput';

/** Every query of these pages starts with this key, so one invalidation refreshes them all. */
export const PROJECTS_KEY = 'projects';

const projectColors: Record<ProjectState, string> = {
  contracted: 'default',
  in_implementation: 'blue',
  midterm_evaluated: 'geekblue',
  final_evaluation: 'purple',
  results_publicity: 'gold',
  closed: 'success',
  terminated: 'red',
};
export function ProjectStateTag({ status }: { status: ProjectState }) {
  return <Tag color={projectColors[status]}>{projectStateLabels[status] ?? status}</Tag>;
}

const paymentColors: Record<PaymentState, string> = {
  requested: 'orange',
  approved: 'blue',
  paid: 'success',
  rejected: 'red',
};
export function PaymentStateTag({ status }: { status: PaymentState }) {
  return <Tag color={paymentColors[status]}>{paymentStateLabels[status] ?? status}</Tag>;
}

const evaluationColors: Record<EvaluationState, string> = {
  commissioned: 'blue',
  submitted: 'orange',
  returned: 'red',
  accepted: 'green',
  final: 'success',
};
export function EvaluationStateTag({ status }: { status: EvaluationState }) {
  return <Tag color={evaluationColors[status]}>{evaluationStateLabels[status] ?? status}</Tag>;
}

export function AlertStateTag({ status }: { status: Alert['status'] }) {
  const colors = { raised: 'red', acknowledged: 'orange', resolved: 'default' } as const;
  return <Tag color={colors[status]}>{alertStateLabels[status]}</Tag>;
}

export function useProject(id: string) {
  return useQuery({
    queryKey: [PROJECTS_KEY, 'detail', id],
    queryFn: ({ signal }) => api.get<Project>(`/api/projects/${id}`, undefined, signal),
  });
}

/** Which dialog of a page is open, with what it is about (a payment, an expense, …). */
export function useDialog<K extends string, T = undefined>() {
  const [open, setOpen] = useState<{ kind: K; subject: T } | null>(null);
  return {
    is: (kind: K) => (open?.kind === kind ? open : null),
    show: (kind: K, subject: T) => setOpen({ kind, subject }),
    close: () => setOpen(null),
  };
}

export function Section(props: {
  title: ReactNode;
  extra?: ReactNode;
  children: ReactNode;
  testId?: string;
}) {
  return (
    <section className="project-section" data-testid={props.testId}>
      <div className="project-section-head">
        <h4>{props.title}</h4>
        {props.extra ? <div>{props.extra}</div> : null}
      </div>
      {props.children}
    </section>
  );
}

/** A required amount in yuan, kept as fen under `name` (default `amountFen`). */
export function MoneyField({ label, name = 'amountFen' }: { label: string; name?: string }) {
  return (
    <Form.Item name={name} label={label} rules={[{ required: true, message: `请填写${label}` }]}>
      <MoneyInput aria-label={label} style={{ width: '100%' }} />
    </Form.Item>
  );
}

/** A required written reason of at least `min` characters. */
export function ReasonField({
  name,
  label,
  min = 5,
  max = 1000,
}: {
  name: string;
  label: string;
  min?: number;
  max?: number;
}) {
  return (
    <Form.Item
      name={name}
      label={label}
      rules={[{ required: true, min, message: `${label}不少于${min}个字` }]}
    >
      <Input.TextArea rows={3} maxLength={max} />
    </Form.Item>
  );
}

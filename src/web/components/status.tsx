/** Coloured tags for the states of calls, applications, reviews, publicities and contracts. */
import { Tag } from 'antd';
import { type ContractStatus, contractStatusLabels } from '../../domain/contracts';
import {
  type ApplicationState,
  applicationStateLabels,
  type CallState,
  callStateLabels,
} from '../../domain/lifecycle';
import {
  awardStatusLabels,
  objectionStatusLabels,
  type PublicityPhase,
  publicityPhaseLabels,
} from '../../domain/publicity';
import {
  type PanelMemberState,
  panelMemberStateLabels,
  type ReviewSessionState,
  reviewSessionStateLabels,
} from '../../domain/reviews';

const callColors: Record<CallState, string> = {
  draft: 'default',
  published: 'green',
  closed: 'orange',
  in_review: 'blue',
  awarded: 'geekblue',
  in_publicity: 'purple',
  approved: 'cyan',
  contracted: 'success',
  cancelled: 'default',
  failed: 'red',
};

export function CallStatusTag({ status }: { status: string }) {
  const s = status as CallState;
  return <Tag color={callColors[s] ?? 'default'}>{callStateLabels[s] ?? status}</Tag>;
}

const applicationColors: Record<ApplicationState, string> = {
  draft: 'default',
  submitted: 'blue',
  withdrawn: 'default',
  ineligible: 'red',
  eligible: 'green',
  scored: 'geekblue',
  awarded: 'gold',
  not_awarded: 'default',
  revoked: 'red',
};

export function ApplicationStatusTag({ status }: { status: string }) {
  const s = status as ApplicationState;
  return <Tag color={applicationColors[s] ?? 'default'}>{applicationStateLabels[s] ?? status}</Tag>;
}

export function ReviewStatusTag({ status }: { status: string }) {
  const colors: Record<string, string> = { drawing: 'orange', scoring: 'blue', completed: 'green' };
  return (
    <Tag color={colors[status] ?? 'default'}>
      {reviewSessionStateLabels[status as ReviewSessionState] ?? status}
    </Tag>
  );
}

export function PanelMemberTag({ status }: { status: string }) {
  const colors: Record<string, string> = { invited: 'orange', accepted: 'green', declined: 'default' };
  return (
    <Tag color={colors[status] ?? 'default'}>
      {panelMemberStateLabels[status as PanelMemberState] ?? status}
    </Tag>
  );
}

export function PublicityPhaseTag({ phase }: { phase: string }) {
  const colors: Record<string, string> = {
    upcoming: 'blue',
    open: 'purple',
    ended: 'orange',
    closed: 'green',
  };
  return (
    <Tag color={colors[phase] ?? 'default'}>{publicityPhaseLabels[phase as PublicityPhase] ?? phase}</Tag>
  );
}

export function ObjectionStatusTag({ status }: { status: string }) {
  const colors: Record<string, string> = { open: 'orange', upheld: 'red', rejected: 'green' };
  return (
    <Tag color={colors[status] ?? 'default'}>
      {objectionStatusLabels[status as keyof typeof objectionStatusLabels] ?? status}
    </Tag>
  );
}

export function AwardStatusTag({ status }: { status: string }) {
  const colors: Record<string, string> = {
    proposed: 'gold',
    in_publicity: 'purple',
    approved: 'green',
    revoked: 'red',
  };
  return (
    <Tag color={colors[status] ?? 'default'}>
      {awardStatusLabels[status as keyof typeof awardStatusLabels] ?? status}
    </Tag>
  );
}

export function ContractStatusTag({ status }: { status: string }) {
  const colors: Record<string, string> = {
    draft: 'orange',
    signed: 'green',
    terminated: 'red',
    closed: 'default',
  };
  return (
    <Tag color={colors[status] ?? 'default'}>{contractStatusLabels[status as ContractStatus] ?? status}</Tag>
  );
}

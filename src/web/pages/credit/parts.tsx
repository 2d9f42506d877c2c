/** Tags and labels shared by the credit-list pages (signed-in and public). */
import { Tag } from 'antd';
import {
  type AppealState,
  appealStateLabels,
  type CreditList,
  type CreditStanding,
  creditListLabels,
  creditStandingLabels,
} from '../../../domain/credit';

export const CREDIT_KEY = 'credit';

const LIST_COLORS: Record<CreditList, string> = {
  red: 'red',
  black: 'default',
  black_abnormal: 'orange',
  black_dishonest: 'magenta',
};

export function CreditListTag({ list }: { list: CreditList }) {
  return (
    <Tag color={LIST_COLORS[list]} className={list === 'black' ? 'credit-black' : undefined}>
      {creditListLabels[list]}
    </Tag>
  );
}

const STANDING_COLORS: Record<CreditStanding, string> = {
  proposed: 'processing',
  declined: 'default',
  pending: 'blue',
  active: 'green',
  expired: 'default',
  removed: 'default',
};

export function StandingTag({ standing }: { standing: CreditStanding }) {
  return <Tag color={STANDING_COLORS[standing]}>{creditStandingLabels[standing]}</Tag>;
}

export function AppealStateTag({ status }: { status: AppealState }) {
  const colors: Record<AppealState, string> = { open: 'orange', upheld: 'green', rejected: 'red' };
  return <Tag color={colors[status]}>{appealStateLabels[status]}</Tag>;
}

export const listOptions = (Object.keys(creditListLabels) as CreditList[]).map((value) => ({
  value,
  label: creditListLabels[value],
}));

export const standingOptions = (Object.keys(creditStandingLabels) as CreditStanding[]).map((value) => ({
  value,
  label: creditStandingLabels[value],
}));

export const period = (e: { startsOn: string; endsOn: string }) => `${e.startsOn} 至 ${e.endsOn}`;

/** The filters the call lists share (buyer's 项目管理, public 项目征集, provider's 可申报项目). */
import { SERVICE_CATEGORIES, serviceCategoryLabels } from '../../../domain/enums';
import { CALL_STATES, type CallState, callStateLabels } from '../../../domain/lifecycle';
import type { ListFilter } from '../../components/list';

export const CATEGORY_FILTER = {
  key: 'category',
  label: '服务领域',
  options: SERVICE_CATEGORIES.map((c) => ({ value: c, label: serviceCategoryLabels[c] })),
  className: 'filter-150',
} as const satisfies ListFilter<'category'>;

/** The 状态 filter over the given call states. */
export function statusFilter(states: readonly CallState[] = CALL_STATES): ListFilter<'status'> {
  return {
    key: 'status',
    label: '状态',
    options: states.map((s) => ({ value: s, label: callStateLabels[s] })),
    className: 'filter-130',
  };
}

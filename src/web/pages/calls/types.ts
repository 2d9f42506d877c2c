/** Response types of the calls API, inferred from the shared schemas (types only: no zod in the bundle). */
import type { z } from 'zod';
import type { callDetail, callManaged, callSummary } from '../../../domain/calls';

export type CallSummary = z.infer<typeof callSummary>;
export type CallDetail = z.infer<typeof callDetail>;
export type CallManaged = z.infer<typeof callManaged>;

export const reviewMethodLabels: Record<string, string> = {
  roadshow: '路演评审',
  written: '书面评审',
};

export const aggregationShortLabels: Record<string, string> = {
  trimmed_mean: '去掉最高最低分平均',
  mean: '算术平均',
  zscore: 'Z分数标准化',
};

/** Chinese names of a call's fields, for its public change history. */
export const callFieldLabels: Record<string, string> = {
  title: '标题',
  category: '服务领域',
  serviceAreaIds: '服务区域',
  targetGroups: '服务对象',
  budgetCapFen: '单个项目预算上限',
  totalBudgetFen: '总预算',
  servicePeriodStart: '服务期开始',
  servicePeriodEnd: '服务期结束',
  applicationOpensAt: '申报开始时间',
  applicationClosesAt: '申报截止时间',
  reviewMethod: '评审方式',
  aggregation: '汇总方式',
  rubric: '评分标准',
  eligibility: '资格条件',
  descriptionHtml: '项目说明',
};

/** Red and black lists. */
import { chinaInstant } from '../../../domain/time.js';
import { addDays } from '../../../domain/working-days.js';
import { dishonestReason } from './applications.js';
import type { PipelineBuilder } from './builder.js';
import type { AppDraft } from './types.js';

export function credit(b: PipelineBuilder) {
  const r = b.random;
  const decided = '昆明市官渡区民政局';
  const winners = (year: number) =>
    b.awardRows
      .filter((a) => a.status === 'approved')
      .map((a) => ({ a, d: b.drafts.find((d) => d.row.id === a.callId)! }))
      .filter(({ d }) => d.row.year === year && d.row.status === 'contracted')
      .map(({ a, d }) => ({
        amountFen: a.amountFen,
        app: d.apps.find((x) => x.row.id === a.applicationId)!,
      }))
      .filter(({ app }) => app.provider.id !== b.blackDishonest.id && app.provider.id !== b.blackAbnormal.id)
      .sort((x, y) => y.amountFen - x.amountFen);
  const red = (app: AppDraft, year: number, startsOn: string) =>
    b.creditRows.push({
      orgId: app.provider.id,
      list: 'red',
      reason: `${year}年度承接项目（${app.title}）末期评估等级为优秀，项目资金使用规范，信用记录良好`,
      decidedBy: decided,
      startsOn,
      endsOn: addDays(`${Number(startsOn.slice(0, 4)) + 2}${startsOn.slice(4)}`, -1),
      createdAt: chinaInstant(startsOn, 10),
      updatedAt: chinaInstant(startsOn, 10),
    });
  const listedYear = b.year - 1;
  const seen = new Set<string>();
  const recent = winners(listedYear - 1).filter(
    ({ app }) => !seen.has(app.provider.id) && seen.add(app.provider.id),
  );
  const mine = winners(listedYear - 1).find(({ app }) => app.provider.id === b.demo.provider.id);
  const picks = [...(mine ? [mine] : []), ...recent.filter((w) => w !== mine)].slice(0, 3);
  for (const w of picks)
    red(w.app, listedYear - 1, `${listedYear}-03-${String(r.int(10, 28)).padStart(2, '0')}`);
  const old = winners(b.year - 5)[0] ?? winners(2021)[0];
  if (old) red(old.app, b.year - 5, `${b.year - 4}-03-${String(r.int(10, 28)).padStart(2, '0')}`);

  b.creditRows.push({
    orgId: b.blackAbnormal.id,
    list: 'black_abnormal',
    reason:
      '未按规定参加2020年度社会组织年度检查，且通过登记的住所无法取得联系，被登记管理机关列入活动异常名录',
    decidedBy: '昆明市官渡区民政局（社会组织登记管理机关）',
    startsOn: '2021-05-20',
    endsOn: '2024-05-19',
    createdAt: chinaInstant('2021-05-20', 10),
    updatedAt: chinaInstant('2021-05-20', 10),
  });
  b.creditRows.push({
    orgId: b.blackDishonest.id,
    list: 'black_dishonest',
    reason: dishonestReason(b),
    decidedBy: '昆明市官渡区民政局、昆明市官渡区财政局',
    startsOn: b.dishonestSince,
    endsOn: addDays(`${Number(b.dishonestSince.slice(0, 4)) + 3}${b.dishonestSince.slice(4)}`, -1),
    createdAt: chinaInstant(b.dishonestSince, 15),
    updatedAt: chinaInstant(b.dishonestSince, 15),
  });
}

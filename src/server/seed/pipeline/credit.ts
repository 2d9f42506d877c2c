/**
 * Red and black lists (src/domain/credit.ts): a few red entries (one expired) and one entry of
 * each national list (the 活动异常名录 one expired), with reasons, deciding bodies, 文号 and dates;
 * and, from the demo projects' evaluations and terminations, the entries the platform proposed:
 * listed, still waiting for the admin, and two appealed (one appeal rejected, one upheld).
 */
import { randomUUID } from 'node:crypto';
import { DEFAULT_CREDIT_PERIODS, defaultEndsOn } from '../../../domain/credit.js';
import { chinaDate, chinaInstant } from '../../../domain/time.js';
import { addDays } from '../../../domain/working-days.js';
import type { creditAppeals, creditEntries } from '../../db/schema.js';
import { dishonestReason } from './applications.js';
import type { PipelineBuilder } from './builder.js';
import type { AppDraft } from './types.js';

type EntryRow = typeof creditEntries.$inferInsert & { id: string };
type AppealRow = typeof creditAppeals.$inferInsert;

const BUREAU = '昆明市官渡区民政局';
const appealsOf = new WeakMap<PipelineBuilder, AppealRow[]>();

/** The appeals planned with the entries, for write.ts (after the entries). */
export const creditAppealRows = (b: PipelineBuilder): AppealRow[] => appealsOf.get(b) ?? [];

export function credit(b: PipelineBuilder) {
  const r = b.random;
  let sequence = 0;
  const documentNo = (year: number | string) => `官民社决〔${year}〕${++sequence + 10}号`;
  const push = (row: Omit<EntryRow, 'id'>) => {
    const at = chinaInstant(row.decidedOn ?? row.startsOn, 10);
    const full = { id: randomUUID(), createdAt: at, updatedAt: at, ...row };
    b.creditRows.push(full);
    return full;
  };

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
    push({
      orgId: app.provider.id,
      list: 'red',
      reasonCode: 'excellent_evaluation',
      reason: `${year}年度承接项目（${app.title}）末期评估等级为优秀，项目资金使用规范，信用记录良好`,
      decidedBy: BUREAU,
      documentNo: documentNo(startsOn.slice(0, 4)),
      decidedOn: startsOn,
      startsOn,
      endsOn: defaultEndsOn('red', startsOn, DEFAULT_CREDIT_PERIODS),
      status: 'listed',
      origin: 'admin',
    });
  const byEvaluation = redFromEvaluations(b, push, documentNo);
  const listedYear = b.year - 1;
  const seen = new Set<string>();
  const recent = winners(listedYear - 1).filter(
    ({ app }) => !seen.has(app.provider.id) && seen.add(app.provider.id),
  );
  const mine = winners(listedYear - 1).find(({ app }) => app.provider.id === b.demo.provider.id);
  const picks = [...(mine ? [mine] : []), ...recent.filter((w) => w !== mine)].slice(0, 3);
  // Without the demo evaluations (an older seed), the largest awards of recent years stand in.
  if (!byEvaluation) {
    for (const w of picks)
      red(w.app, listedYear - 1, `${listedYear}-03-${String(r.int(10, 28)).padStart(2, '0')}`);
    const old = winners(b.year - 5)[0] ?? winners(2021)[0];
    if (old) red(old.app, b.year - 5, `${b.year - 4}-03-${String(r.int(10, 28)).padStart(2, '0')}`);
  }

  push({
    orgId: b.blackAbnormal.id,
    list: 'black_abnormal',
    reasonCode: 'unreachable',
    reason:
      '未按规定参加2020年度社会组织年度检查，且通过登记的住所无法取得联系，被登记管理机关列入活动异常名录',
    decidedBy: '昆明市官渡区民政局（社会组织登记管理机关）',
    documentNo: '官民社管〔2021〕17号',
    decidedOn: '2021-05-20',
    startsOn: '2021-05-20',
    endsOn: '2024-05-19',
    status: 'listed',
    origin: 'import',
  });
  push({
    orgId: b.blackDishonest.id,
    list: 'black_dishonest',
    reasonCode: 'other',
    reason: dishonestReason(b),
    decidedBy: '昆明市官渡区民政局、昆明市官渡区财政局',
    documentNo: `官民社管〔${b.dishonestSince.slice(0, 4)}〕42号`,
    decidedOn: b.dishonestSince,
    startsOn: b.dishonestSince,
    endsOn: addDays(`${Number(b.dishonestSince.slice(0, 4)) + 3}${b.dishonestSince.slice(4)}`, -1),
    status: 'listed',
    origin: 'import',
  });

  fromProjects(b, push, documentNo);
}

/**
 * Red entries from the demo projects' final 优秀 results, listed a few days after the results
 * publicity made them final: the three latest organizations, and one from long enough ago to
 * have expired. False when the demo has no such results.
 */
function redFromEvaluations(
  b: PipelineBuilder,
  push: (row: Omit<EntryRow, 'id'>) => EntryRow,
  documentNo: (year: string) => string,
) {
  const contractById = new Map(b.contractRows.map((c) => [c.id, c]));
  const excellent = b.evaluationRows
    .filter((e) => e.stage === 'final' && e.grade === 'excellent' && e.status === 'final' && e.updatedAt)
    .map((e) => ({ e, contract: contractById.get(e.projectId), on: chinaDate(e.updatedAt!) }))
    .filter(
      (x): x is typeof x & { contract: NonNullable<typeof x.contract> } =>
        !!x.contract &&
        x.contract.providerOrgId !== b.blackDishonest.id &&
        x.contract.providerOrgId !== b.blackAbnormal.id,
    )
    .sort((x, y) => (x.on < y.on ? 1 : -1));
  const twoYearsAgo = addDays(b.today, -730);
  const seen = new Set<string>();
  const latest = excellent.filter(
    (x) => x.on > twoYearsAgo && !seen.has(x.contract.providerOrgId) && seen.add(x.contract.providerOrgId),
  );
  const picks = [
    ...latest.slice(0, 3),
    ...excellent.filter((x) => x.on < addDays(twoYearsAgo, -60)).slice(0, 1),
  ];
  if (picks.length < 3) return false;
  const titleOf = new Map(b.drafts.flatMap((d) => d.apps.map((a) => [a.row.id, a.title] as const)));
  const awardById = new Map(b.awardRows.map((a) => [a.id, a]));
  for (const { e, contract, on } of picks) {
    const award = awardById.get(contract.awardId);
    const title = (award && titleOf.get(award.applicationId)) ?? '承接项目';
    const startsOn = [addDays(on, 5), b.today].sort()[0];
    push({
      orgId: contract.providerOrgId,
      list: 'red',
      reasonCode: 'excellent_evaluation',
      reason: `承接项目“${title}”末期评估等级为优秀，无未完成的整改和未消除的预警，资金使用规范`,
      decidedBy: BUREAU,
      documentNo: documentNo(startsOn.slice(0, 4)),
      decidedOn: startsOn,
      startsOn,
      endsOn: defaultEndsOn('red', startsOn, DEFAULT_CREDIT_PERIODS),
      status: 'listed',
      origin: 'system',
      projectId: e.projectId,
      decisionNote: '经核实，予以列入红榜',
    });
  }
  return true;
}

/**
 * The black entries the demo projects call for (final 不合格, termination) as the platform would
 * have proposed them: listed from a week after the fact — or, when the provider applied after
 * that, from the day after its last application (it was not refused then) — and still proposed
 * when that day has not come. The first two listed are appealed: one rejected, one upheld.
 */
function fromProjects(
  b: PipelineBuilder,
  push: (row: Omit<EntryRow, 'id'>) => EntryRow,
  documentNo: (year: string) => string,
) {
  const contractById = new Map(b.contractRows.map((c) => [c.id, c]));
  const titleOf = new Map(b.drafts.flatMap((d) => d.apps.map((a) => [a.row.id, a.title] as const)));
  const awardById = new Map(b.awardRows.map((a) => [a.id, a]));
  const lastApplied = new Map<string, string>();
  for (const d of b.drafts)
    for (const a of d.apps)
      if (a.row.submittedAt) {
        const day = chinaDate(a.row.submittedAt);
        if (day > (lastApplied.get(a.provider.id) ?? '')) lastApplied.set(a.provider.id, day);
      }
  const causes: {
    projectId: string;
    on: string;
    reasonCode: 'failed_evaluation' | 'termination';
    text: string;
  }[] = [];
  // A final 不合格 stands when no later final evaluation of the project passed; one rectified
  // and re-evaluated 合格 was proposed and declined by the admin (shown for the last two years).
  const finals = b.evaluationRows
    .filter((e) => e.stage === 'final' && e.acceptedAt && e.grade)
    .sort((x, y) => x.acceptedAt!.getTime() - y.acceptedAt!.getTime());
  const lastFinal = new Map(finals.map((e) => [e.projectId, e]));
  for (const e of finals) {
    if (e.grade !== 'fail') continue;
    if (lastFinal.get(e.projectId) !== e) {
      const on = chinaDate(e.acceptedAt!);
      const contract = contractById.get(e.projectId);
      if (!contract || on < addDays(b.today, -730)) continue;
      const award = awardById.get(contract.awardId);
      push({
        orgId: contract.providerOrgId,
        list: 'black',
        reasonCode: 'failed_evaluation',
        reason: `承接项目“${(award && titleOf.get(award.applicationId)) ?? '承接项目'}”末期评估等级为不合格`,
        decidedBy: BUREAU,
        startsOn: on,
        endsOn: defaultEndsOn('black', on, DEFAULT_CREDIT_PERIODS),
        status: 'declined',
        origin: 'system',
        projectId: contract.id,
        decisionNote: '承接方已按评估意见完成整改，复评合格，不予列入黑榜',
      });
      continue;
    }
    causes.push({
      projectId: e.projectId,
      on: chinaDate(e.acceptedAt!),
      reasonCode: 'failed_evaluation',
      text: '末期评估等级为不合格',
    });
  }
  for (const p of b.projectRows) {
    if (p.status !== 'terminated' || !p.terminatedAt) continue;
    causes.push({
      projectId: p.id,
      on: chinaDate(p.terminatedAt),
      reasonCode: 'termination',
      text: `被购买主体终止${p.terminationReason ? `：${p.terminationReason}` : ''}`,
    });
  }
  const listed: EntryRow[] = [];
  for (const cause of causes.sort((x, y) => (x.on < y.on ? -1 : 1))) {
    const contract = contractById.get(cause.projectId);
    if (!contract) continue;
    const award = awardById.get(contract.awardId);
    const title = (award && titleOf.get(award.applicationId)) ?? '承接项目';
    const orgId = contract.providerOrgId;
    const after = addDays(lastApplied.get(orgId) ?? cause.on, 1);
    const startsOn = [addDays(cause.on, 7), after].sort()[1];
    const proposed = startsOn > b.today;
    const row = push({
      orgId,
      list: 'black',
      reasonCode: cause.reasonCode,
      reason: `承接项目“${title}”${cause.text}`,
      decidedBy: BUREAU,
      documentNo: proposed ? null : documentNo(startsOn.slice(0, 4)),
      decidedOn: proposed ? null : startsOn,
      startsOn: proposed ? b.today : startsOn,
      endsOn: defaultEndsOn('black', proposed ? b.today : startsOn, DEFAULT_CREDIT_PERIODS),
      status: proposed ? 'proposed' : 'listed',
      origin: 'system',
      projectId: contract.id,
      decisionNote: proposed ? null : '经核实，予以列入黑榜',
    });
    if (!proposed && orgId !== b.demo.provider.id) listed.push(row);
  }
  appealsOf.set(b, appeals(b, listed));
}

function appeals(b: PipelineBuilder, listed: EntryRow[]): AppealRow[] {
  const rows: AppealRow[] = [];
  const upTo = (day: string) => (day > b.today ? b.today : day);
  const [kept, removed] = listed.filter((e) => e.endsOn >= b.today);
  if (kept) {
    const filed = upTo(addDays(kept.startsOn, 5));
    const decided = upTo(addDays(filed, 10));
    rows.push({
      entryId: kept.id,
      orgId: kept.orgId,
      reasons:
        '项目实施期间人员变动导致部分台账缺失，现已补齐，评估结论与实际服务情况不符，请求撤销列入决定。',
      status: 'rejected',
      decisionReason: '经复核评估报告、服务台账和资金使用记录，评估结论依据充分，维持原决定。',
      decidedAt: chinaInstant(decided, 16),
      createdAt: chinaInstant(filed, 9),
      updatedAt: chinaInstant(decided, 16),
    });
  }
  if (removed) {
    const filed = upTo(addDays(removed.startsOn, 3));
    const decided = upTo(addDays(filed, 12));
    const reason = '经复核，项目终止系服务场地被征收等客观原因所致，承接方已按要求退回资金，撤销列入决定。';
    rows.push({
      entryId: removed.id,
      orgId: removed.orgId,
      reasons: '项目终止系服务场地被征收所致，非本单位原因，且已按期退回全部资金，请求撤销列入决定。',
      status: 'upheld',
      decisionReason: reason,
      decidedAt: chinaInstant(decided, 16),
      createdAt: chinaInstant(filed, 9),
      updatedAt: chinaInstant(decided, 16),
    });
    Object.assign(removed, {
      status: 'removed',
      removedAt: chinaInstant(decided, 16),
      removedOn: decided,
      removedReason: `申诉成立：${reason}`,
    });
  }
  return rows;
}

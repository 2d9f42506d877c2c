/**
 * The platform's public steps as OCDS 1.1 releases, one `ocid` per call (the purchased project).
 *
 * Immutable by construction: a release is built only from what never changes once written, so it
 * is the same bytes every time it is served. Its step is an append-only timeline event (its id is
 * the release id, its detail carries the step's figures: the contract value at signing, each
 * amendment's before and after, each payment); the state of a call or a plan line at that moment is
 * its current row with every later public change undone (call_changes and the plan.updated audit
 * entries keep both values; `stateAt`). Organizations appear by their name and 统一社会信用代码
 * (credit code), never a person's name, phone, ID number or an objector.
 *
 * Mapping, all within the OCDS 1.1 schema and its codelists (no extension):
 * - plan line → `planning` (planning.budget), a later change of it → `planningUpdate`;
 * - call published → `tender` (status active, open method, services, tenderPeriod, contractPeriod);
 *   a change after publication → `tenderAmendment` (tender.amendments with its reason);
 *   application deadline → `tenderUpdate` (numberOfTenderers, a count only);
 *   cancelled → `tenderCancellation`; failed (流标) → `tenderUpdate` with status unsuccessful;
 * - approval publicity opened → `award` (awards pending), closed → `awardUpdate` (active, or
 *   cancelled when an objection revoked it);
 * - contract signed → `contract` (value, period, payment milestones), amended →
 *   `contractAmendment` (contracts[].amendments);
 * - payment made → `implementation` (implementation.transactions, the milestone met);
 * - evaluation result in force → `implementation`: an `assessment` milestone of the contract whose
 *   description carries the grade. OCDS has no field for an evaluation grade; a milestone of type
 *   assessment is where the standard records an assessment, so the grade goes in its description
 *   rather than in an extension field;
 * - project closed or terminated → `contractTermination` (contract status terminated).
 */
import { gradeLabels } from '../../../domain/evaluations.js';
import { cny, type Json, type JsonObject, ocdsDate, ocdsEndOfDay, stateAt } from '../../../domain/ocds.js';
import { maskPersonalData } from '../../../domain/personal-data.js';
import type { Sources } from './sources.js';

export interface Release extends JsonObject {
  ocid: string;
  id: string;
  date: string;
  tag: string[];
}

type Org = Sources['orgs'][number];
type Call = Sources['calls'][number];
type Event = Sources['events'][number];

/** Masked once per distinct text: a call's title and its organizations' names recur in each of its releases. */
const masked = new Map<string, string>();
const text = (value: string) => {
  let out = masked.get(value);
  if (out === undefined) {
    if (masked.size > 100_000) masked.clear();
    out = maskPersonalData(value);
    masked.set(value, out);
  }
  return out;
};

export const partyId = (org: Pick<Org, 'id' | 'creditCode'>) =>
  org.creditCode ? `CN-USCC-${org.creditCode}` : `org-${org.id}`;

const reference = (org: Org) => ({ id: partyId(org), name: text(org.name) });

function party(org: Org, roles: string[]): JsonObject {
  return {
    id: partyId(org),
    name: text(org.name),
    ...(org.creditCode
      ? { identifier: { scheme: 'CN-USCC', id: org.creditCode, legalName: text(org.name) } }
      : {}),
    roles,
  };
}

const BUYER_ROLES = ['buyer', 'procuringEntity', 'payer'];
const SUPPLIER_ROLES = ['tenderer', 'supplier', 'payee'];

const planChangesOf = (sources: Sources, planLineId: string) =>
  sources.planAudits
    .filter((a) => a.targetId === planLineId)
    .map((a) => ({ at: a.at, changes: a.summary as Record<string, { before: unknown; after: unknown }> }));

const callChangesOf = (sources: Sources, callId: string) =>
  sources.changes
    .filter((c) => c.callId === callId)
    .map((c) => ({
      at: c.changedAt,
      changes: c.changes as Record<string, { before: unknown; after: unknown }>,
    }));

const FIELD_LABELS: Record<string, string> = {
  title: '项目名称',
  category: '服务类别',
  serviceAreaIds: '服务区域',
  targetGroups: '服务对象',
  budgetCapFen: '单个项目资助上限',
  totalBudgetFen: '预算总额',
  servicePeriodStart: '服务期开始日期',
  servicePeriodEnd: '服务期结束日期',
  applicationOpensAt: '申报开始时间',
  applicationClosesAt: '申报截止时间',
  descriptionHtml: '征集公告正文',
  amountFen: '合同金额',
  periodEnd: '服务期结束日期',
  milestones: '资金拨付节点',
  indicators: '绩效指标',
};
const changedLabels = (fields: string[]) => fields.map((f) => FIELD_LABELS[f] ?? f).join('、');

const asDate = (value: unknown) => (value instanceof Date ? value : new Date(String(value)));

/** The tender section as the call stood at `moment`. */
function tenderAt(sources: Sources, call: Call, buyer: Org, moment: Date): JsonObject {
  const state = stateAt(call as unknown as Record<string, unknown>, callChangesOf(sources, call.id), moment);
  return {
    id: call.code,
    title: text(String(state.title)),
    status: 'active',
    procuringEntity: reference(buyer),
    value: cny(Number(state.totalBudgetFen)),
    procurementMethod: 'open',
    procurementMethodDetails: '公开征集，路演评审',
    mainProcurementCategory: 'services',
    awardCriteria: 'ratedCriteria',
    tenderPeriod: {
      startDate: ocdsDate(asDate(state.applicationOpensAt)),
      endDate: ocdsDate(asDate(state.applicationClosesAt)),
    },
    contractPeriod: {
      startDate: ocdsDate(String(state.servicePeriodStart)),
      endDate: ocdsEndOfDay(String(state.servicePeriodEnd)),
    },
  };
}

interface Context {
  prefix: string;
  sources: Sources;
  orgs: Map<string, Org>;
}

function releasesOfCall(ctx: Context, call: Call): Release[] {
  const { sources } = ctx;
  const ocid = `${ctx.prefix}-${call.code}`;
  const buyer = ctx.orgs.get(call.buyerOrgId);
  if (!buyer) return [];
  const base = (id: string, at: Date | string, tag: string, parties: JsonObject[]): Release => ({
    ocid,
    id: `${ocid}-${id}`,
    date: ocdsDate(at),
    tag: [tag],
    initiationType: 'tender',
    parties: [party(buyer, BUYER_ROLES), ...parties],
    buyer: reference(buyer),
  });
  const out: Release[] = [];

  const plan = call.planLineId ? sources.plans.find((p) => p.id === call.planLineId) : undefined;
  if (plan) {
    const changes = planChangesOf(sources, plan.id);
    const planning = (moment: Date): JsonObject => {
      const state = stateAt(plan as unknown as Record<string, unknown>, changes, moment);
      return {
        rationale: text(`${state.year}年度发布计划：${state.title}（第${state.plannedQuarter}季度）`),
        budget: { description: text(String(state.title)), amount: cny(Number(state.budgetFen)) },
      };
    };
    out.push({
      ...base(`planning-${plan.id}`, plan.createdAt, 'planning', []),
      planning: planning(plan.createdAt),
    });
    for (const [i, change] of changes.entries())
      out.push({
        ...base(`planning-${plan.id}-${i + 1}`, change.at, 'planningUpdate', []),
        planning: planning(change.at),
      });
  }

  for (const change of sources.changes.filter((c) => c.callId === call.id)) {
    out.push({
      ...base(`tender-amendment-${change.id}`, change.changedAt, 'tenderAmendment', []),
      tender: {
        ...tenderAt(sources, call, buyer, change.changedAt),
        amendments: [
          {
            id: change.id,
            date: ocdsDate(change.changedAt),
            rationale: text(change.reason ?? '征集公告变更'),
            description: text(`变更内容：${changedLabels(Object.keys(change.changes as object))}`),
          },
        ],
      },
    });
  }

  type AwardFact = { awardId: string; amountFen: number; projectTitle?: string };
  const providerOf = new Map(sources.awards.map((a) => [a.id, ctx.orgs.get(a.providerOrgId)]));
  /** The awards as the publicity step recorded them (its detail), with their suppliers. */
  const awardsAt = (event: Event, facts: AwardFact[], status: string, roles: string[]) => {
    const parties: JsonObject[] = [];
    const list = facts.map((a) => {
      const org = providerOf.get(a.awardId);
      if (org) parties.push(party(org, roles));
      return {
        id: a.awardId,
        title: text(a.projectTitle ?? call.title),
        status,
        date: ocdsDate(event.at),
        value: cny(a.amountFen),
        suppliers: org ? [reference(org)] : [],
      };
    });
    return { parties, list };
  };

  const signed = new Map<string, { milestones: { label: string; amountFen: number; shareBp: number }[] }>();
  for (const event of sources.events.filter((e) => e.callId === call.id)) {
    const detail = event.detail as Record<string, Json>;
    const id = `event-${event.id}`;
    switch (event.kind) {
      case 'call.publish':
        out.push({ ...base(id, event.at, 'tender', []), tender: tenderAt(sources, call, buyer, event.at) });
        break;
      case 'call.close': {
        const numberOfTenderers = sources.submissions.filter(
          (s) => s.callId === call.id && s.submittedAt && s.submittedAt.getTime() <= event.at.getTime(),
        ).length;
        out.push({
          ...base(id, event.at, 'tenderUpdate', []),
          tender: { ...tenderAt(sources, call, buyer, event.at), numberOfTenderers },
        });
        break;
      }
      case 'call.cancel':
      case 'call.fail':
        out.push({
          ...base(id, event.at, event.kind === 'call.cancel' ? 'tenderCancellation' : 'tenderUpdate', []),
          tender: {
            ...tenderAt(sources, call, buyer, event.at),
            status: event.kind === 'call.cancel' ? 'cancelled' : 'unsuccessful',
            ...(typeof detail.reason === 'string' ? { statusDetails: text(detail.reason) } : {}),
          },
        });
        break;
      case 'call.openPublicity': {
        const { parties, list } = awardsAt(event, (detail.awards ?? []) as AwardFact[], 'pending', [
          'tenderer',
          'supplier',
        ]);
        out.push({ ...base(id, event.at, 'award', parties), awards: list });
        break;
      }
      case 'call.closePublicity': {
        const approved = awardsAt(event, (detail.approved ?? []) as AwardFact[], 'active', [
          'tenderer',
          'supplier',
        ]);
        const revoked = awardsAt(event, (detail.revoked ?? []) as AwardFact[], 'cancelled', ['tenderer']);
        out.push({
          ...base(id, event.at, 'awardUpdate', [...approved.parties, ...revoked.parties]),
          awards: [...approved.list, ...revoked.list],
        });
        break;
      }
      case 'contract.signed': {
        const contract = sources.contracts.find((c) => c.id === detail.contractId);
        const org = contract && ctx.orgs.get(contract.providerOrgId);
        if (!contract || !org) break;
        const milestones =
          (detail.milestones as { label: string; amountFen: number; shareBp: number }[]) ?? [];
        signed.set(contract.id, { milestones });
        out.push({
          ...base(id, event.at, 'contract', [party(org, SUPPLIER_ROLES)]),
          contracts: [
            {
              id: contract.id,
              awardID: contract.awardId,
              title: text(String(detail.projectTitle ?? call.title)),
              status: 'active',
              value: cny(Number(detail.amountFen)),
              period: {
                startDate: ocdsDate(String(detail.periodStart)),
                endDate: ocdsEndOfDay(String(detail.periodEnd)),
              },
              dateSigned: ocdsDate(event.at),
              milestones: milestones.map((m, i) => ({
                id: `payment-${i + 1}`,
                title: text(m.label),
                type: 'payment',
                status: 'scheduled',
                description: `按合同拨付${(m.shareBp / 100).toFixed(2)}%，金额 ¥${(m.amountFen / 100).toFixed(2)}`,
              })),
            },
          ],
        });
        break;
      }
      case 'contract.amended': {
        const contract = sources.contracts.find((c) => c.id === detail.contractId);
        if (!contract) break;
        const after = (detail.after ?? {}) as Record<string, Json>;
        out.push({
          ...base(id, event.at, 'contractAmendment', []),
          contracts: [
            {
              id: contract.id,
              awardID: contract.awardId,
              ...(typeof after.amountFen === 'number' ? { value: cny(after.amountFen) } : {}),
              ...(typeof after.periodEnd === 'string'
                ? { period: { endDate: ocdsEndOfDay(after.periodEnd) } }
                : {}),
              amendments: [
                {
                  id: `amendment-${detail.number}`,
                  date: ocdsDate(event.at),
                  rationale: text(String(detail.reason ?? '')),
                  description: text(`第${detail.number}次变更：${changedLabels(Object.keys(after))}`),
                },
              ],
            },
          ],
        });
        break;
      }
      case 'payment.pay': {
        const contract = sources.contracts.find((c) => c.id === detail.projectId);
        const org = contract && ctx.orgs.get(contract.providerOrgId);
        if (!contract || !org) break;
        const index = signed.get(contract.id)?.milestones.findIndex((m) => m.label === detail.label) ?? -1;
        out.push({
          ...base(id, event.at, 'implementation', [party(org, SUPPLIER_ROLES)]),
          contracts: [
            {
              id: contract.id,
              awardID: contract.awardId,
              implementation: {
                transactions: [
                  {
                    id: event.id,
                    date: ocdsDate(String(detail.paidOn)),
                    value: cny(Number(detail.amountFen)),
                    payer: reference(buyer),
                    payee: reference(org),
                  },
                ],
              },
              ...(index >= 0
                ? {
                    milestones: [
                      { id: `payment-${index + 1}`, status: 'met', dateMet: ocdsDate(String(detail.paidOn)) },
                    ],
                  }
                : {}),
            },
          ],
        });
        break;
      }
      case 'evaluation.finalize': {
        const evaluation = sources.grades.find((g) => g.id === detail.evaluationId);
        const contract = evaluation && sources.contracts.find((c) => c.id === evaluation.projectId);
        if (!evaluation || !contract) break;
        const grade = (detail.grade as string | undefined) ?? evaluation.grade;
        const stage = evaluation.stage === 'final' ? '末期评估' : '中期评估';
        out.push({
          ...base(id, event.at, 'implementation', []),
          contracts: [
            {
              id: contract.id,
              awardID: contract.awardId,
              milestones: [
                {
                  id: `assessment-${evaluation.id}`,
                  title: stage,
                  type: 'assessment',
                  status: 'met',
                  dateMet: ocdsDate(event.at),
                  description: grade
                    ? `${stage}等级：${gradeLabels[grade as keyof typeof gradeLabels] ?? grade}`
                    : stage,
                },
              ],
            },
          ],
        });
        break;
      }
      case 'project.close':
      case 'project.terminate': {
        const contract =
          sources.contracts.find((c) => c.callId === call.id && c.id === detail.projectId) ??
          sources.contracts.find((c) => c.callId === call.id);
        if (!contract) break;
        out.push({
          ...base(id, event.at, 'contractTermination', []),
          contracts: [
            {
              id: contract.id,
              awardID: contract.awardId,
              status: 'terminated',
              description: event.kind === 'project.close' ? '项目已结项' : '项目已提前终止',
            },
          ],
        });
        break;
      }
    }
  }
  return out;
}

/** Every release, oldest first (ties by id): the order of the release list and its cursor. */
export function buildReleases(prefix: string, sources: Sources): Release[] {
  const ctx: Context = { prefix, sources, orgs: new Map(sources.orgs.map((o) => [o.id, o])) };
  const all = sources.calls.flatMap((call) => releasesOfCall(ctx, call));
  return all.sort(compareReleases);
}

export const sortKey = (r: Pick<Release, 'date' | 'id'>) =>
  `${Date.parse(r.date).toString().padStart(15, '0')}|${r.id}`;

export const compareReleases = (a: Release, b: Release) => {
  const x = sortKey(a);
  const y = sortKey(b);
  return x < y ? -1 : x > y ? 1 : 0;
};

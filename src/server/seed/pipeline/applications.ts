/**
 * Applications: who may apply, joint "1+1+1+N" applications in the service area, their proposals
 * (the budget adds up exactly), submission with the platform's eligibility checks.
 */
import { randomUUID } from 'node:crypto';
import { checkEligibility } from '../../../domain/applications.js';
import type { ServiceCategory } from '../../../domain/enums.js';
import { chinaDate } from '../../../domain/time.js';
import { addDays } from '../../../domain/working-days.js';
import type { Partner, Proposal } from '../../db/schema.js';
import { CONTENT, PHASES, TEAM_QUALIFICATIONS } from '../pipeline-content.js';
import { proposalSections } from '../proposals/generate.js';
import type { PipelineBuilder } from './builder.js';
import { place } from './calls.js';
import { DAY, HOUR } from './constants.js';
import { daysBetween, monthLabel, type Schedule } from './dates.js';
import type { AppDraft, CallDraft, Org, Region } from './types.js';

/** Providers that may apply to a call published on `date` (registered, not black-listed). */
export function applicantsFor(b: PipelineBuilder, date: string, callYear: number) {
  const registeredBy = addDays(date, -180);
  const dishonest = date >= addDays(b.dishonestSince, -60);
  return b.providers.filter((p) => {
    if (p.registeredOn && p.registeredOn > registeredBy) return false;
    if (p.id === b.blackAbnormal.id && callYear >= 2021 && callYear <= 2024) return false;
    if (p.id === b.blackDishonest.id && dishonest) return false;
    return true;
  });
}

/**
 * Adds `count` applications from distinct providers, each in a community of the service area,
 * preferring providers working in the call's category. `first` providers come first.
 */
export function addApplications(
  b: PipelineBuilder,
  call: CallDraft,
  count: number,
  first: Org[] = [],
  communityOf?: Map<string, Region>,
) {
  const r = b.random;
  const date = chinaDate(call.row.applicationOpensAt);
  const pool = applicantsFor(b, date, call.row.year).filter((p) => !first.some((f) => f.id === p.id));
  const matching = pool.filter((p) => p.categories.includes(call.row.category));
  const chosen = [...first];
  while (chosen.length < count) {
    const source = matching.length && r.next() < 0.6 ? matching : pool;
    const p = r.pick(source);
    if (!chosen.some((c) => c.id === p.id)) chosen.push(p);
  }
  const content = CONTENT[call.row.category as ServiceCategory];
  const brands = r.sample(content.brands, content.brands.length);
  return chosen.map((provider, i) => {
    const community = communityOf?.get(provider.id) ?? r.pick(call.areaCommunities);
    const committee = b.committeeOf.get(community.id)!;
    const brand = brands[i % brands.length];
    const theme = call.theme.replace(/项目$/, '');
    const title =
      r.next() < 0.5
        ? `“${brand}”——${place(community.name, theme)}项目`
        : `${community.name}“${brand}”${theme}项目`;
    const partners: Partner[] = r
      .sample(content.partners, r.int(1, Math.min(2, content.partners.length)))
      .map(([name, kind]) => ({
        name: `${community.name.replace(/(社区|村)$/, '')}${name}`,
        kind,
        headcount: kind === 'volunteer_team' ? r.int(12, 60) : r.int(8, 30),
      }));
    const app: AppDraft = {
      row: {
        id: randomUUID(),
        callId: call.row.id,
        providerOrgId: provider.id,
        communityRegionId: community.id,
        communityOrgId: committee.id,
        socialWorkerName: b.personName(),
        socialWorkerCertificate: `S${r.int(2012, 2021)}5301${String(r.int(0, 999_999)).padStart(6, '0')}`,
        partners,
        proposal: undefined as unknown as Proposal,
        requestedFen: 0,
        status: 'draft',
      },
      provider,
      community,
      committee,
      title,
      quality: r.int(64, 90),
    };
    call.apps.push(app);
    return app;
  });
}

/** The proposal of an application, once its requested amount is known; the budget adds up exactly. */
export function buildProposal(
  b: PipelineBuilder,
  call: CallDraft,
  app: AppDraft,
  requestedFen: number,
): Proposal {
  const r = b.random;
  const content = CONTENT[call.row.category as ServiceCategory];
  const activities = r
    .sample(content.activities, r.int(3, Math.min(5, content.activities.length)))
    .map((a, i) => `${i + 1}. ${a}`)
    .join('；');
  const target = (
    [name, unit, min, max]: readonly [string, string, number, number],
    kind: 'output' | 'outcome',
  ) => {
    let value = r.int(min, max);
    if (value > 100) value = Math.round(value / 10) * 10;
    return { kind, name, target: value, unit };
  };
  const indicators = [
    ...r
      .sample(content.outputs, r.int(2, Math.min(3, content.outputs.length)))
      .map((s) => target(s, 'output')),
    ...r.sample(content.outcomes, r.int(1, content.outcomes.length)).map((s) => target(s, 'outcome')),
  ];
  const shares: [string, string, number][] = [
    ['personnel', '项目社工及督导人员经费', r.int(4200, 5200)],
    ['activities', '服务活动开展费用', r.int(2000, 2800)],
    ['materials', '活动物资及宣传品', r.int(500, 900)],
    ['training', '志愿者培训及专业督导', r.int(300, 600)],
    ['management', '项目管理费用', r.int(300, 700)],
  ];
  const budget = shares.map(([category, item, bp]) => ({
    category,
    item,
    amountFen: Math.floor((requestedFen * bp) / 10_000 / 100) * 100,
  }));
  budget.push({
    category: 'travel',
    item: '交通及通讯费用',
    amountFen: requestedFen - budget.reduce((s, b) => s + b.amountFen, 0),
  });
  const start = call.row.servicePeriodStart as string;
  const end = call.row.servicePeriodEnd as string;
  const span = daysBetween(start, end);
  const cut1 = addDays(start, Math.round(span * 0.2));
  const cut2 = addDays(start, Math.round(span * 0.8));
  // Free text from the duplicate benchmark's generator: varied enough that unrelated demo
  // applications do not flag each other, while the list of activities keeps the category's wording.
  const street = b.regionById.get(app.community.parentId ?? '')?.name ?? '关上街道';
  const text = proposalSections(r.int(1, 2 ** 30), call.row.category as string, {
    district: '官渡区',
    street,
    community: app.community.name,
  });
  return {
    title: app.title,
    needAssessment: `${content.need(app.community.name, r)}${text.need}`,
    objectives: text.objectives,
    activities: `${text.activities}\n${activities}。`,
    indicators,
    budget,
    timeline: [
      { period: `${monthLabel(start)}—${monthLabel(cut1)}`, work: PHASES[0] },
      { period: `${monthLabel(cut1)}—${monthLabel(cut2)}`, work: PHASES[1] },
      { period: `${monthLabel(cut2)}—${monthLabel(end)}`, work: PHASES[2] },
    ],
    team: [
      {
        name: app.row.socialWorkerName!,
        role: '项目主管',
        qualification: r.pick(TEAM_QUALIFICATIONS.slice(0, 2)),
      },
      { name: b.personName(), role: '项目社工', qualification: r.pick(TEAM_QUALIFICATIONS) },
      ...(r.next() < 0.6
        ? [{ name: b.personName(), role: '专业督导', qualification: '高级社会工作师' }]
        : []),
    ],
  };
}

/** Fills in what a submitted application holds: amount, proposal, co-signature, eligibility. */
export function submitApplication(
  b: PipelineBuilder,
  call: CallDraft,
  app: AppDraft,
  requestedFen: number,
  submittedAt: Date,
) {
  const cap = call.row.budgetCapFen;
  const rules = call.row.eligibility!;
  const blacklisted =
    app.provider.id === b.blackDishonest.id && chinaDate(submittedAt) >= b.dishonestSince
      ? { list: 'black_dishonest', reason: dishonestReason(b) }
      : null;
  const checks = checkEligibility({
    today: chinaDate(submittedAt),
    org: {
      creditCodeValid: true,
      active: true,
      grade: app.provider.grade,
      registeredOn: app.provider.registeredOn,
    },
    blacklisted,
    call: { budgetCapFen: cap, minGrade: rules.minGrade, minYearsRegistered: rules.minYearsRegistered },
    requestedFen,
    insideServiceArea: true,
  });
  const opened = call.row.applicationOpensAt.getTime() + 30 * 60_000;
  const createdAt = Math.max(opened, submittedAt.getTime() - b.random.int(3, 10) * DAY);
  app.row.requestedFen = requestedFen;
  app.row.proposal = buildProposal(b, call, app, requestedFen);
  app.row.createdAt = new Date(Math.min(createdAt, submittedAt.getTime() - 2 * HOUR));
  app.row.cosignedAt = new Date(
    Math.max(app.row.createdAt.getTime() + HOUR, submittedAt.getTime() - b.random.int(2, 72) * HOUR),
  );
  app.row.cosignedBy = app.committee.id === b.demo.communityOrg.id ? b.demo.userIds.community : null;
  app.row.submittedAt = submittedAt;
  app.row.eligibility = checks;
  app.row.status = checks.every((c) => c.passed) ? 'eligible' : 'ineligible';
  app.row.updatedAt = submittedAt;
}

/** An application still being written: complete unless `partial`, not co-signed unless `cosignedBy`. */
export function draftApplication(
  b: PipelineBuilder,
  call: CallDraft,
  app: AppDraft,
  requestedFen: number,
  createdAt: Date,
) {
  app.row.requestedFen = requestedFen;
  app.row.proposal = buildProposal(b, call, app, requestedFen);
  app.row.status = 'draft';
  app.row.createdAt = createdAt;
  app.row.updatedAt = new Date(createdAt.getTime() + b.random.int(1, 30) * HOUR);
}

/**
 * Submits the applications of a call between its opening and `until`: the first gets
 * `firstFen`, the others a share of the cap, and one in `overCap` asks for more than the cap.
 */
export function submitAll(
  b: PipelineBuilder,
  call: CallDraft,
  apps: AppDraft[],
  sched: Pick<Schedule, 'opens' | 'closes'>,
  until?: Date,
) {
  const r = b.random;
  const cap = call.row.budgetCapFen;
  const from = sched.opens.getTime() + DAY;
  const to = Math.min(sched.closes.getTime() - HOUR, (until ?? sched.closes).getTime() - HOUR);
  for (const app of apps) {
    const overCap = r.next() < 0.1;
    const requested = overCap
      ? cap + r.int(20, 300) * 10_000
      : Math.round((cap * r.int(75, 100)) / 100 / 10_000) * 10_000;
    const when = new Date(from + Math.floor(r.next() * Math.max(HOUR, to - from)));
    submitApplication(b, call, app, requested, when);
  }
}

export function dishonestReason(b: PipelineBuilder) {
  return `在${b.year - 1}年度承接的社区服务项目中虚报服务人次、伪造活动签到记录，套取项目资金，经区民政局会同区财政局核查属实`;
}

/**
 * Makes a submitted application pass: within the cap, and from a provider meeting the call's
 * rules (another provider takes its place when it does not).
 */
export function makeEligible(b: PipelineBuilder, call: CallDraft, app: AppDraft) {
  const submittedAt = app.row.submittedAt as Date;
  const requested = Math.min(app.row.requestedFen ?? 0, call.row.budgetCapFen) || call.row.budgetCapFen;
  const passes = (p: Org) => {
    const rules = call.row.eligibility!;
    return checkEligibility({
      today: chinaDate(submittedAt),
      org: { creditCodeValid: true, active: true, grade: p.grade, registeredOn: p.registeredOn },
      blacklisted: null,
      call: {
        budgetCapFen: call.row.budgetCapFen,
        minGrade: rules.minGrade,
        minYearsRegistered: rules.minYearsRegistered,
      },
      requestedFen: requested,
      insideServiceArea: true,
    }).every((c) => c.passed);
  };
  if (!passes(app.provider) || app.provider.id === b.blackDishonest.id) {
    const used = new Set(call.apps.map((a) => a.provider.id));
    const other = applicantsFor(b, chinaDate(call.row.applicationOpensAt), call.row.year).find(
      (p) => !used.has(p.id) && passes(p),
    );
    if (other) {
      app.provider = other;
      app.row.providerOrgId = other.id;
    } else {
      call.row.eligibility = { minGrade: null, minYearsRegistered: null };
    }
  }
  submitApplication(b, call, app, requested, submittedAt);
}

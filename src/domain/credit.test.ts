import { describe, expect, it } from 'vitest';
import {
  addMonths,
  creditProposalsFor,
  creditStanding,
  DEFAULT_CREDIT_PERIODS,
  defaultEndsOn,
  type EntryDates,
  entryCreateBody,
  isActiveEntry,
  legalFormOf,
  type ProjectCreditFacts,
} from './credit.js';
import { chinaDate, chinaInstant } from './time.js';

const entry = (over: Partial<EntryDates> = {}): EntryDates => ({
  status: 'listed',
  startsOn: '2026-03-01',
  endsOn: '2029-02-28',
  removedOn: null,
  ...over,
});

describe('active status follows the dates', () => {
  it('is active from the start day through the end day, both included, and not the day before or after', () => {
    const e = entry();
    expect(creditStanding(e, '2026-02-28')).toBe('pending');
    expect(creditStanding(e, '2026-03-01')).toBe('active');
    expect(creditStanding(e, '2029-02-28')).toBe('active');
    expect(creditStanding(e, '2029-03-01')).toBe('expired');
    expect([isActiveEntry(e, '2026-02-28'), isActiveEntry(e, '2026-03-01')]).toEqual([false, true]);
  });

  it('takes the day in Asia/Shanghai: 16:00 UTC on the day before the start is already the start day', () => {
    const e = entry();
    expect(chinaDate(new Date('2026-02-28T15:59:59Z'))).toBe('2026-02-28');
    expect(creditStanding(e, chinaDate(new Date('2026-02-28T15:59:59Z')))).toBe('pending');
    expect(creditStanding(e, chinaDate(new Date('2026-02-28T16:00:00Z')))).toBe('active');
    // The end day lasts until midnight in Shanghai, not in UTC.
    expect(creditStanding(e, chinaDate(chinaInstant('2029-02-28', 23, 59)))).toBe('active');
    expect(creditStanding(e, chinaDate(chinaInstant('2029-03-01', 0, 0)))).toBe('expired');
  });

  it('stops on the day of a removal; proposals and declined proposals are never in force', () => {
    const removed = entry({ status: 'removed', removedOn: '2027-05-10' });
    expect(creditStanding(removed, '2027-05-09')).toBe('active');
    expect(creditStanding(removed, '2027-05-10')).toBe('removed');
    expect(creditStanding(entry({ status: 'proposed' }), '2026-06-01')).toBe('proposed');
    expect(creditStanding(entry({ status: 'declined' }), '2026-06-01')).toBe('declined');
  });
});

describe('list periods', () => {
  it('default to 2 years (red), 3 years (black), 6 months (abnormal), 2 years (seriously dishonest), inclusive', () => {
    expect(defaultEndsOn('red', '2026-12-01', DEFAULT_CREDIT_PERIODS)).toBe('2028-11-30');
    expect(defaultEndsOn('black', '2026-12-01', DEFAULT_CREDIT_PERIODS)).toBe('2029-11-30');
    expect(defaultEndsOn('black_abnormal', '2026-12-01', DEFAULT_CREDIT_PERIODS)).toBe('2027-05-31');
    expect(defaultEndsOn('black_dishonest', '2026-12-01', DEFAULT_CREDIT_PERIODS)).toBe('2028-11-30');
    expect(defaultEndsOn('black', '2026-12-01', { ...DEFAULT_CREDIT_PERIODS, blackYears: 5 })).toBe(
      '2031-11-30',
    );
  });

  it('add months to the last day of a shorter month', () => {
    expect(addMonths('2026-08-31', 6)).toBe('2027-02-28');
    expect(addMonths('2027-08-31', 6)).toBe('2028-02-29');
    expect(addMonths('2026-11-15', 2)).toBe('2027-01-15');
    expect(defaultEndsOn('black_abnormal', '2026-08-31', DEFAULT_CREDIT_PERIODS)).toBe('2027-02-27');
  });
});

describe('proposals', () => {
  const clean: ProjectCreditFacts = {
    finalEvaluation: { status: 'final', grade: 'excellent' },
    terminated: false,
    terminationReason: null,
    openRectifications: 0,
    unresolvedAlerts: 0,
    overdueRecoveries: 0,
  };
  const kinds = (facts: ProjectCreditFacts) =>
    creditProposalsFor(facts, '乐龄同行').map((p) => `${p.list}:${p.reasonCode}`);

  it('proposes a red entry for a final 优秀 with a clean record only', () => {
    expect(kinds(clean)).toEqual(['red:excellent_evaluation']);
    expect(creditProposalsFor(clean, '乐龄同行')[0].reason).toContain('乐龄同行');
    // Not before the results publicity made the grade final.
    expect(kinds({ ...clean, finalEvaluation: { status: 'accepted', grade: 'excellent' } })).toEqual([]);
    expect(kinds({ ...clean, openRectifications: 1 })).toEqual([]);
    expect(kinds({ ...clean, unresolvedAlerts: 2 })).toEqual([]);
    expect(kinds({ ...clean, finalEvaluation: { status: 'final', grade: 'good' } })).toEqual([]);
  });

  it('proposes black entries for a final 不合格, a termination and an overdue recovery', () => {
    expect(kinds({ ...clean, finalEvaluation: { status: 'accepted', grade: 'fail' } })).toEqual([
      'black:failed_evaluation',
    ]);
    const ended = { ...clean, finalEvaluation: null, terminated: true, terminationReason: '服务中断' };
    expect(kinds(ended)).toEqual(['black:termination']);
    expect(creditProposalsFor(ended, '乐龄同行')[0].reason).toContain('服务中断');
    expect(kinds({ ...ended, overdueRecoveries: 1 })).toEqual([
      'black:termination',
      'black:recovery_unsettled',
    ]);
    expect(kinds({ ...clean, finalEvaluation: null })).toEqual([]);
  });
});

describe('entries and organizations', () => {
  const valid = {
    orgId: '0b9c3f4e-2c1a-4d7e-9a51-3f2b8c6d1e07',
    list: 'black_abnormal',
    reasonCode: 'annual_report',
    reason: '未按规定报送2025年度工作报告',
    decidedBy: '昆明市官渡区民政局',
    documentNo: '官民社〔2026〕8号',
    decidedOn: '2026-06-01',
    startsOn: '2026-06-01',
  };

  it('takes a reason of the entry’s kind and dates in order', () => {
    expect(entryCreateBody.safeParse(valid).success).toBe(true);
    const wrongReason = entryCreateBody.safeParse({ ...valid, reasonCode: 'court_dishonest' });
    expect(wrongReason.error?.issues.map((i) => i.path.join('.'))).toEqual(['reasonCode']);
    const backwards = entryCreateBody.safeParse({ ...valid, endsOn: '2026-05-31', startsOn: '2026-06-02' });
    expect(backwards.error?.issues.map((i) => i.message)).toEqual(['截止日期不能早于开始日期']);
  });

  it('reads the legal form from the credit code', () => {
    expect(legalFormOf('52530111MJ0123456X')).toBe('民办非企业单位（社会服务机构）');
    expect(legalFormOf('51530100MJ0000000A')).toBe('社会团体');
    expect(legalFormOf('53530000MJ0000000A')).toBe('基金会');
    expect(legalFormOf(null)).toBeNull();
  });
});

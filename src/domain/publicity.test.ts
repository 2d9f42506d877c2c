import { describe, expect, it } from 'vitest';
import { maskPersonalData, objectionBody, publicityPhase } from './publicity.js';

describe('objections', () => {
  it('accepts a phone, a landline or an e-mail as contact', () => {
    const base = { name: '张三', reason: '该机构在本社区并无服务场地，申报材料不实。' };
    for (const contact of ['13800000000', '0871-12345678', 'zhang@example.cn']) {
      expect(objectionBody.safeParse({ ...base, contact }).success).toBe(true);
    }
    for (const contact of ['12345', 'zhang@', ''])
      expect(objectionBody.safeParse({ ...base, contact }).success).toBe(false);
    expect(objectionBody.safeParse({ ...base, contact: '13800000000', reason: '太短' }).success).toBe(false);
    expect(objectionBody.safeParse({ ...base, contact: '13800000000', name: '名'.repeat(51) }).success).toBe(
      false,
    );
  });

  it('masks phone numbers, e-mails, ID numbers and the objector name in public text', () => {
    const text = '我是张三，电话13800001111，座机0871-1234567，邮箱a.b@x.com，身份证53010219900101123X。';
    const masked = maskPersonalData(text, ['张三']);
    for (const secret of ['张三', '13800001111', '0871-1234567', 'a.b@x.com', '53010219900101123X'])
      expect(masked).not.toContain(secret);
    expect(maskPersonalData('服务对象300人，预算200000元')).toBe('服务对象300人，预算200000元');
  });
});

describe('publicityPhase', () => {
  it('follows the dates until closed', () => {
    const p = { status: 'open', opensOn: '2026-03-02', closesOn: '2026-03-09' };
    expect(publicityPhase(p, '2026-03-01')).toBe('upcoming');
    expect(publicityPhase(p, '2026-03-02')).toBe('open');
    expect(publicityPhase(p, '2026-03-09')).toBe('open');
    expect(publicityPhase(p, '2026-03-10')).toBe('ended');
    expect(publicityPhase({ ...p, status: 'closed' }, '2026-03-05')).toBe('closed');
  });
});

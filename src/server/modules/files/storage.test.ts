import { describe, expect, it } from 'vitest';
import { detectAllowedType, uploadRule } from './storage.js';

const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const gif = Buffer.concat([Buffer.from('GIF89a'), Buffer.alloc(32)]);

describe('upload rules', () => {
  it('takes any attachment type for calls, applications, objections and receipts', async () => {
    for (const owner of ['call', 'application', 'objection', 'contract', 'expense']) {
      expect(await detectAllowedType(gif, uploadRule(owner))).toEqual({ mime: 'image/gif', ext: 'gif' });
    }
  });

  it('takes only PDF for an evaluation report', async () => {
    const rule = uploadRule('evaluation');
    expect(await detectAllowedType(pdf, rule)).toEqual({ mime: 'application/pdf', ext: 'pdf' });
    expect(await detectAllowedType(gif, rule)).toBeNull();
    expect(rule.message).toBe('评估报告只能上传 PDF 文件');
  });

  it('does not let an inherited property name pass as an owner type', () => {
    expect(uploadRule('toString').types).toContain('pdf');
  });
});

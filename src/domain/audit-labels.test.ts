import { describe, expect, it } from 'vitest';
import { auditActionLabel, auditActionLabels, auditTargetLabel } from './audit-labels';
import { applicationTransitions, callTransitions } from './lifecycle';

describe('audit action labels', () => {
  it('names every lifecycle transition the server records as call.<name> / application.<name>', () => {
    for (const name of Object.keys(callTransitions)) expect(auditActionLabels[`call.${name}`]).toBeTruthy();
    for (const name of Object.keys(applicationTransitions))
      expect(auditActionLabels[`application.${name}`]).toBeTruthy();
  });

  it('labels known ids in Chinese and shows unknown ids as they are', () => {
    expect(auditActionLabel('org.created')).toBe('新增单位');
    expect(auditActionLabel('call.publish')).toBe('发布征集');
    expect(auditActionLabel('application.submit')).toBe('提交申报');
    expect(auditActionLabel('something.new')).toBe('something.new');
    expect(auditTargetLabel('review_session')).toBe('评审');
    expect(auditTargetLabel('widget')).toBe('widget');
  });
});

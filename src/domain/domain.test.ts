import { describe, expect, it } from 'vitest';
import { creditCodeCheckChar, creditCodeProblem, isValidCreditCode } from './credit-code.js';
import { formatFen, parseYuanToFen } from './money.js';
import { passwordProblem } from './password-policy.js';

describe('统一社会信用代码 (GB 32100-2015)', () => {
  it('accepts published codes', () => {
    // Codes of real organizations as published on the national credit system.
    for (const code of ['91350100M000100Y43', '91110000100010433L', '12100000400000624D']) {
      expect(isValidCreditCode(code), code).toBe(true);
    }
  });
  it('computes the check character, including the 0 case', () => {
    expect(creditCodeCheckChar('91350100M000100Y4')).toBe('3');
  });
  it('names what is wrong', () => {
    expect(creditCodeProblem('91350100M000100Y4')).toBe('length');
    expect(creditCodeProblem('91350100M000100Y4I')).toBe('charset');
    expect(creditCodeProblem('91350100M000100Y44')).toBe('check');
  });
});

describe('money in fen', () => {
  it('formats with ¥, thousands separators and two decimals without floats', () => {
    expect(formatFen(123456789)).toBe('¥1,234,567.89');
    expect(formatFen(5)).toBe('¥0.05');
    expect(formatFen(-100)).toBe('-¥1.00');
    expect(formatFen(9007199254740993n)).toBe('¥90,071,992,547,409.93');
  });
  it('parses yuan strings exactly', () => {
    expect(parseYuanToFen('1,234.5')).toBe(123450);
    expect(parseYuanToFen('¥0.07')).toBe(7);
    expect(parseYuanToFen('0.1')).toBe(10);
    expect(parseYuanToFen('1.234')).toBeNull();
    expect(parseYuanToFen('abc')).toBeNull();
  });
});

describe('password policy', () => {
  it('needs 10 characters and 3 of 4 classes', () => {
    expect(passwordProblem('Abc1!')).toMatch(/至少需要10个字符/);
    expect(passwordProblem('abcdefghijk')).toMatch(/至少三类/);
    expect(passwordProblem('abcdefghij1')).toMatch(/至少三类/);
    expect(passwordProblem('abcdefghij1A')).toBeNull();
    expect(passwordProblem('abcdefghij1!')).toBeNull();
  });
});

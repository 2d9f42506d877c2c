import { describe, expect, it } from 'vitest';
import { containsPersonalData, maskPersonalData, maskPersonalDataDeep } from './personal-data.js';

/** [what, text, masked text]: the specification of what public text may not show. */
const masked: [string, string, string][] = [
  // mobile numbers
  ['plain mobile', '电话13812345678', '电话***'],
  ['mobile in spaced groups', '请联系138 1234 5678。', '请联系***。'],
  ['mobile with dashes', '138-1234-5678', '***'],
  ['mobile with dots', '138.1234.5678', '***'],
  ['mobile with spaced dashes', '手机：138 - 1234 - 5678。', '手机：***。'],
  ['mobile with em dashes', '138—1234—5678', '***'],
  ['mobile digit by digit', '1 3 8 1 2 3 4 5 6 7 8', '***'],
  ['+86 mobile', '+8613812345678', '***'],
  ['+86 mobile with spaces', '（+86 138 1234 5678）', '（***）'],
  ['0086 mobile', '0086-13812345678', '***'],
  ['86 mobile', '8613812345678', '***'],
  ['full-width digits', '电话：１３８１２３４５６７８', '电话：***'],
  ['zero-width spaces inside', '138\u200b1234\u200b5678', '***'],
  ['zero-width joiner, full-width digits and a dash', '１３８\u200d-1234 ５６７８', '***'],
  ['soft hyphen and BOM inside', '138\u00ad1234\ufeff5678', '***'],
  ['ideographic spaces', '138\u30001234\u30005678', '***'],
  ['keycap digits', '1️⃣3️⃣8️⃣1️⃣2️⃣3️⃣4️⃣5️⃣6️⃣7️⃣8️⃣', '***'],
  ['after tel:', 'tel:13812345678', 'tel:***'],
  ['glued to Tel', 'Tel13812345678', 'Tel***'],
  ['two mobiles', '13812345678 13987654321', '*** ***'],
  ['after a character NFKC expands', '㈱电话13812345678，谢谢', '㈱电话***，谢谢'],
  ['after a leading zero-width space', '\u200b电话：13812345678', '\u200b电话：***'],
  // landlines
  ['landline with area code', '座机0871-63123456', '座机***'],
  ['landline in parentheses', '(0871)63123456', '***'],
  ['landline in full-width parentheses, spaced', '（0871）6312 3456', '***'],
  ['landline with extension', '0871-63123456-8001', '***'],
  ['landline with 转 extension', '0871-63123456转8001', '***'],
  ['landline +86 without trunk zero', '+86 871 63123456', '***'],
  ['Beijing landline', '010-62345678', '***'],
  ['local number after 电话', '电话：63123456', '电话：***'],
  // ID-card numbers
  ['ID number', '身份证53010219900101123X', '身份证***'],
  ['ID number, lower-case x', '53010219900101123x', '***'],
  ['ID number in groups of four', '身份证号：5301 0219 9001 0112 3X', '身份证号：***'],
  ['ID number 6-8-4', '530102 19900101 123X', '***'],
  ['ID number in full-width', '５３０１０２１９９００１０１１２３Ｘ', '***'],
  ['old 15-digit ID number', '530102900101123', '***'],
  // e-mail
  ['e-mail', '邮箱zhang.san@example.com。', '邮箱***。'],
  ['(at)', 'zhangsan(at)example.com', '***'],
  ['at … dot …', '邮箱 zhangsan at example dot com 谢谢', '邮箱 *** 谢谢'],
  ['full-width ＠ and ．', 'zhangsan＠example．com', '***'],
  ['[at] [dot]', 'zhangsan[at]example[dot]com', '***'],
  ['spaced (at) (dot), two-part domain', 'zhangsan (at) example (dot) com.cn', '***'],
  ['upper-case AT DOT', 'ZhangSan AT Example DOT Com', '***'],
  ['{at} with a numeric domain', 'zhangsan{at}163.com', '***'],
  // QQ and WeChat ids after their keywords
  ['QQ：', 'QQ：12345678', 'QQ：***'],
  ['qq and a space', 'qq 12345678', 'qq ***'],
  ['扣扣号', '扣扣号：123456789', '扣扣号：***'],
  ['企鹅', '企鹅:1234567890', '企鹅:***'],
  ['full-width ＱＱ', 'ＱＱ１２３４５６７８', 'ＱＱ***'],
  ['微信：', '微信：zhang_san88', '微信：***'],
  ['VX:', 'VX: zs-1988', 'VX: ***'],
  ['vx glued to a phone number', 'vx13812345678', 'vx***'],
  ['wx：', 'wx：wxid_abc123', 'wx：***'],
  ['wx号', 'wx号zhangsan88', 'wx号***'],
  ['WeChat', 'WeChat zhangsan2026', 'WeChat ***'],
  ['微信号是', '微信号是 ZhangSan_01', '微信号是 ***'],
  // bank cards after their keywords
  ['bank card', '银行卡号：6222 0202 0001 2345 678', '银行卡号：***'],
];

const namesMasked: [string, string, string[], string][] = [
  ['the objector’s name', '我是李秀英，反映如下', ['李秀英'], '我是***，反映如下'],
  ['a name with a zero-width space inside', '李\u200b秀英反映', ['李秀英'], '***反映'],
  ['a name with a phone', '张三（13812345678）', ['张三'], '***（***）'],
  ['one-character names are not masked', '王', ['王'], '王'],
];

/** Text that looks like numbers but is not personal data. */
const kept: [string, string][] = [
  ['amount with thousands separators', '预算1,380,000.00元'],
  ['amount in yuan', '¥ 13,800,000.00'],
  ['document number', '依据《政府购买服务管理办法》（财政部令第102号）'],
  ['credit code of a social organization', '统一社会信用代码：52530111MJ0123456X'],
  ['credit code of a company', '91530100MA6K8XYZ2B'],
  ['all-digit credit code', '125301007654321098'],
  ['contract number', '合同HT-2026-0001'],
  ['call code', 'GD-2026-0012'],
  ['dates', '2026-12-01、2026年12月1日、2026/12/01 13:45'],
  ['ISO timestamp', '2026-12-01T02:00:00.000Z'],
  ['counts and money', '服务对象300人，预算200000元'],
  ['indicators', '入户探访300人次，满意度90%，2027年1-3月'],
  ['a uuid', '5f0e9c1a-1234-4abc-9def-0123456789ab'],
  ['a uuid that ends with eleven digits', '5f0e9c1a-1234-4abc-9def-b13812345678'],
  ['a file url', '/api/files/13812345-6789-4abc-8def-013812345678'],
  ['region code', '530111002003'],
  ['WeChat official account name', '微信公众号：官渡民政'],
  ['a word containing qq', 'aqqu 12345'],
  ['article numbers', '第13、14、15条'],
  ['ten digits', '1381234567'],
  ['percentages', '占比13.8%，增长1.5倍'],
  ['opening hours', '09:00-17:30'],
  ['a batch', '2026年度第3批，共15个项目'],
  ['postal code', '邮编650000'],
  ['ISBN', 'ISBN 978-7-5097-1234-5'],
  ['English prose with at', 'Meet us at the office'],
  ['an @ mention', '@官渡区民政局 请核实'],
  ['a random token starting with vx', '"vxTXfNlYR6shc8p7366vbo9i62M"'],
  ['a word starting with wx', 'wxWidgets'],
];

describe('maskPersonalData', () => {
  it.each(masked)('masks %s', (_, text, expected) => {
    expect(maskPersonalData(text)).toBe(expected);
    expect(containsPersonalData(maskPersonalData(text))).toBe(false);
    expect(containsPersonalData(text)).toBe(true);
  });

  it.each(namesMasked)('masks %s', (_, text, names, expected) => {
    expect(maskPersonalData(text, names)).toBe(expected);
  });

  it.each(kept)('keeps %s', (_, text) => {
    expect(maskPersonalData(text)).toBe(text);
    expect(containsPersonalData(text)).toBe(false);
  });

  it('keeps the author’s full-width punctuation around what it masks', () => {
    expect(maskPersonalData('本人（电话：１３８ １２３４ ５６７８）反映：该机构无场地！')).toBe(
      '本人（电话：***）反映：该机构无场地！',
    );
  });

  it('masks every string of a response but its ids', () => {
    const id = '5f0e9c1a-1234-4abc-9def-0123456789ab';
    expect(
      maskPersonalDataDeep({
        id,
        title: '联系13812345678',
        items: [{ reason: 'QQ:12345678', n: 13812345678 }],
        none: null,
      }),
    ).toEqual({ id, title: '联系***', items: [{ reason: 'QQ:***', n: 13812345678 }], none: null });
  });
});

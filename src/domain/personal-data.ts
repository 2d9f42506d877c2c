/**
 * Masking of personal data in free text shown publicly (objections and their answers, call
 * descriptions, timelines, anything under /api/public): mobile and landline numbers, ID-card
 * numbers, e-mail addresses (also written as `name(at)example.com`, `name at example dot com`),
 * QQ and WeChat ids after their keywords, bank card numbers after theirs, and given names.
 *
 * Matching runs on a copy of the text normalized with NFKC (full-width digits and letters, `＠`,
 * `．`, `：`, ideographic spaces become ASCII) with invisible format characters (zero-width spaces
 * and joiners, bidi controls, soft hyphens, BOM) removed, so that `１３８\u200b1234 5678` is a
 * phone number. The output is the original text with the matched spans replaced by `***`: NFKC
 * would also turn the Chinese full-width punctuation of everything else (`，：（）！`) into ASCII,
 * changing what the author wrote.
 *
 * Hand-written (no maintained library covers mainland Chinese numbers, ID cards and the
 * obfuscated e-mail forms together); the table in personal-data.test.ts is the specification.
 */

export const MASK = '***';

/**
 * Removed before matching: format characters (Cf: ZWSP, ZWJ, LRM, RLO, BOM, soft hyphen …) and
 * combining marks (variation selectors, keycaps, combining underlines drawn over digits).
 */
const INVISIBLE = /[\p{Cf}\p{Mn}\p{Me}]/u;

/** ASCII, CJK ideographs and the CJK punctuation NFKC keeps: copied as they are. */
const isStable = (cp: number) =>
  cp < 0x80 ||
  (cp >= 0x4e00 && cp <= 0x9fff) ||
  (cp >= 0x3001 && cp <= 0x3003) ||
  (cp >= 0x3008 && cp <= 0x3011);

interface Normalized {
  text: string;
  /** For each UTF-16 unit of `text`, where its source character starts and ends in the original. */
  from: number[];
  to: number[];
}

function normalize(original: string): Normalized {
  let text = '';
  const from: number[] = [];
  const to: number[] = [];
  for (let i = 0; i < original.length; ) {
    const cp = original.codePointAt(i) ?? 0;
    const width = cp > 0xffff ? 2 : 1;
    const ch = original.slice(i, i + width);
    const stable = isStable(cp);
    if (!stable && INVISIBLE.test(ch)) {
      // Marks belong to the character before them: masking it masks them too.
      if (to.length) to[to.length - 1] = i + width;
    } else {
      const out = stable ? ch : ch.normalize('NFKC');
      text += out;
      for (let k = 0; k < out.length; k++) {
        from.push(i);
        to.push(i + width);
      }
    }
    i += width;
  }
  return { text, from, to };
}

/** Between the digits of one number: spaces, hyphens and dashes, dots, underscores. */
const S = '[\\s\\-.\\u2010-\\u2015\\u00b7\\u30fb_]';
/** A number starts where no letter or digit touches it, or right after an ASCII keyword. */
const START = '(?:(?<![0-9a-z])|(?<=(?:tel|phone|mobile|cell|id)))';
const END = '(?![0-9a-z])';
/** After a keyword: spaces, a colon, `=`, 是 or 为, and optionally 号/号码. */
const AFTER = '(?:号码|号|id)?(?:\\s|[:=是为]){0,4}';
const CN_PREFIX = `(?:(?:\\+|00)?\\s*86${S}{0,3})`;

const MOBILE = new RegExp(`${START}${CN_PREFIX}?1${S}{0,3}[3-9](?:${S}{0,3}\\d){9}${END}`, 'gi');

const LOCAL_NUMBER = `[1-9](?:\\d{2}|\\d{3})${S}{0,2}\\d{4}`;
const EXTENSION = `(?:\\s*(?:-|转|分机|ext\\.?|x|#)\\s*\\d{1,6})?`;
const LANDLINE = new RegExp(
  `${START}(?:\\(\\s*0\\d{2,3}\\s*\\)|0\\d{2,3}|(?:\\+|00)\\s*86${S}{0,3}\\(?[1-9]\\d{1,2}\\)?)${S}{0,3}${LOCAL_NUMBER}${EXTENSION}${END}`,
  'gi',
);
const LANDLINE_AFTER_KEYWORD = new RegExp(
  `(?<=(?:电话|座机|固话|传真|热线|tel|fax)${AFTER})${LOCAL_NUMBER}${EXTENSION}${END}`,
  'gi',
);

/** 18 (or the old 15) characters, digits with separators anywhere; the structure is checked after. */
const ID_CANDIDATE = new RegExp(
  `${START}\\d(?:${S}{0,3}\\d){14}(?:(?:${S}{0,3}\\d){2}${S}{0,3}[\\dx])?${END}`,
  'gi',
);
const DATE = '(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\\d|3[01])';
const ID_18 = new RegExp(`^[1-9]\\d{5}(?:18|19|20)\\d{2}${DATE}\\d{3}[\\dx]$`, 'i');
const ID_15 = new RegExp(`^[1-9]\\d{5}\\d{2}${DATE}\\d{3}$`);

const AT = '(?:\\s*@\\s*|\\s*[(\\[{<]\\s*(?:at|@)\\s*[)\\]}>]\\s*|\\s+at\\s+|\\s*艾特\\s*)';
const DOT = '(?:\\s*\\.\\s*|\\s*[(\\[{<]\\s*(?:dot|\\.|点)\\s*[)\\]}>]\\s*|\\s+dot\\s+|\\s*点\\s*)';
const LABEL = '[a-z0-9](?:[a-z0-9-]*[a-z0-9])?';
const EMAIL = new RegExp(
  `(?<![a-z0-9._%+-])[a-z0-9._%+-]+${AT}${LABEL}(?:${DOT}${LABEL})*${DOT}[a-z]{2,}${END}`,
  'gi',
);

const QQ = new RegExp(`(?<=(?<![a-z])(?:qq|扣扣|企鹅)${AFTER})[1-9]\\d{4,10}(?!\\d)`, 'gi');
const WECHAT_ID = '[a-z0-9_-]{4,63}(?![a-z0-9_-])';
const WECHAT = new RegExp(
  `(?<=(?:(?<![a-z])(?:weixin|wechat)|v信|微信|威信|薇信|维信)${AFTER})[a-z0-9]${WECHAT_ID}`,
  'gi',
);
/** `vx`/`wx` glued to letters is as likely a random token (`vxTXfN…`): glued, only a number counts. */
const WECHAT_SHORT = new RegExp(
  `(?<=(?<![a-z])(?:vx|wx)(?:(?:号码|号|id)?(?:\\s|[:=是为]){1,4}|号码|号))[a-z0-9]${WECHAT_ID}|(?<=(?<![a-z])(?:vx|wx))\\d${WECHAT_ID}`,
  'gi',
);
const BANK_CARD = new RegExp(
  `(?<=(?:银行卡|卡号|银行账户|账户|账号|帐号|account)${AFTER})\\d(?:${S}{0,3}\\d){11,18}(?!\\d)`,
  'gi',
);

type Span = [start: number, end: number];

function spansOf(pattern: RegExp, text: string, accept?: (match: string) => boolean): Span[] {
  const spans: Span[] = [];
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
    if (!accept || accept(m[0])) spans.push([m.index, m.index + m[0].length]);
    // A rejected candidate may hide a real match that starts one character later.
    else pattern.lastIndex = m.index + 1;
  }
  return spans;
}

const isIdNumber = (candidate: string) => {
  const compact = candidate.replace(/[^\dXx]/g, '');
  return ID_18.test(compact) || ID_15.test(compact);
};

function nameSpans(text: string, names: readonly string[]): Span[] {
  const spans: Span[] = [];
  for (const raw of names) {
    const name = normalize(raw).text.trim();
    if (name.length < 2) continue;
    for (let i = text.indexOf(name); i >= 0; i = text.indexOf(name, i + name.length))
      spans.push([i, i + name.length]);
  }
  return spans;
}

const UUID_IN_TEXT = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** Where personal data is, as spans of the normalized text; ids (uuids, as in links) are never it. */
function personalSpans(text: string, names: readonly string[]): Span[] {
  const ids = spansOf(UUID_IN_TEXT, text);
  const found = [
    ...spansOf(ID_CANDIDATE, text, isIdNumber),
    ...spansOf(EMAIL, text),
    ...spansOf(MOBILE, text),
    ...spansOf(LANDLINE, text),
    ...spansOf(LANDLINE_AFTER_KEYWORD, text),
    ...spansOf(QQ, text),
    ...spansOf(WECHAT, text),
    ...spansOf(WECHAT_SHORT, text),
    ...spansOf(BANK_CARD, text),
    ...nameSpans(text, names),
  ];
  return ids.length ? found.filter(([a, b]) => !ids.some(([c, d]) => a < d && c < b)) : found;
}

/** Nothing to find without a digit, an @ or a Latin letter (unless names are given). */
const MAYBE_PERSONAL = /[\p{N}@\uff20a-z\uff41-\uff5a]/iu;

/**
 * The text with phone numbers, ID-card numbers, e-mail addresses, QQ/WeChat ids, bank card numbers
 * and the given names (each of at least 2 characters: the objector's own) replaced by `***`.
 */
export function maskPersonalData(text: string, names: readonly string[] = []): string {
  if (names.length === 0 && !MAYBE_PERSONAL.test(text)) return text;
  const normalized = normalize(text);
  const spans = personalSpans(normalized.text, names);
  if (spans.length === 0) return text;
  spans.sort((a, b) => a[0] - b[0]);
  let out = '';
  let copied = 0;
  for (const [start, end] of spans) {
    const from = normalized.from[start];
    const to = normalized.to[end - 1];
    if (to <= copied) continue;
    if (from >= copied) out += text.slice(copied, from) + MASK;
    copied = to;
  }
  return out + text.slice(copied);
}

/** Whether the text still shows personal data (the crawl test's and the presenters' check). */
export const containsPersonalData = (text: string) => personalSpans(normalize(text).text, []).length > 0;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Masks every string in a JSON-like value (objects, arrays), except ids: the public API's
 * serialization boundary (src/server/http/public-masking.ts) passes every response through it.
 */
export function maskPersonalDataDeep<T>(value: T): T {
  if (typeof value === 'string') return (UUID.test(value) ? value : maskPersonalData(value)) as T;
  if (Array.isArray(value)) return value.map(maskPersonalDataDeep) as T;
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) out[key] = maskPersonalDataDeep(v);
    return out as T;
  }
  return value;
}

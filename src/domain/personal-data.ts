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

/**
 * ASCII, CJK ideographs and the CJK punctuation NFKC keeps, and the full-width forms and the
 * ideographic space, which NFKC maps one to one onto ASCII: runs of them keep every position.
 */
const PARALLEL = '\\t\\n\\r\\x20-\\x7e\\u3000-\\u3003\\u3008-\\u3011\\u4e00-\\u9fff\\uff01-\\uff5e';
const PARALLEL_RUN = new RegExp(`[${PARALLEL}]+`, 'y');
const HAS_OTHER = new RegExp(`[^${PARALLEL}]`);

/** A stretch of the normalized text and where it comes from in the original. */
interface Segment {
  /** Start in the normalized text, and its length there. */
  at: number;
  length: number;
  /** Start and end of its source in the original. */
  from: number;
  to: number;
  /** A run unit for unit: unit k comes from `from + k`. Otherwise every unit comes from the whole source. */
  copied: boolean;
}

interface Normalized {
  text: string;
  /** Absent when every unit comes from the same position in the original. */
  segments?: Segment[];
}

function normalize(original: string): Normalized {
  if (!HAS_OTHER.test(original)) return { text: original.normalize('NFKC') };
  const parts: string[] = [];
  const segments: Segment[] = [];
  let at = 0;
  for (let i = 0; i < original.length; ) {
    PARALLEL_RUN.lastIndex = i;
    const run = PARALLEL_RUN.exec(original)?.[0];
    if (run) {
      parts.push(run.normalize('NFKC'));
      segments.push({ at, length: run.length, from: i, to: i + run.length, copied: true });
      at += run.length;
      i += run.length;
      continue;
    }
    const cp = original.codePointAt(i) ?? 0;
    const width = cp > 0xffff ? 2 : 1;
    const ch = original.slice(i, i + width);
    const last = segments[segments.length - 1];
    if (INVISIBLE.test(ch)) {
      // Marks belong to the character before them: masking it masks them too.
      if (last) last.to = i + width;
    } else {
      const out = ch.normalize('NFKC');
      parts.push(out);
      segments.push({ at, length: out.length, from: i, to: i + width, copied: false });
      at += out.length;
    }
    i += width;
  }
  return { text: parts.join(''), segments };
}

function segmentAt(segments: Segment[], unit: number): Segment {
  let lo = 0;
  let hi = segments.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (segments[mid].at <= unit) lo = mid;
    else hi = mid - 1;
  }
  return segments[lo];
}

/** Where the source of the normalized units [start, end) starts and ends in the original. */
function sourceOf({ segments }: Normalized, start: number, end: number): [number, number] {
  if (!segments) return [start, end];
  const first = segmentAt(segments, start);
  const last = segmentAt(segments, end - 1);
  const from = first.copied ? first.from + (start - first.at) : first.from;
  const lastUnit = end - 1 - last.at;
  // A copied run's last unit also covers the invisible characters that followed it.
  const to = last.copied && lastUnit < last.length - 1 ? last.from + lastUnit + 1 : last.to;
  return [from, to];
}

/** Between the digits of one number: spaces, hyphens and dashes, dots, underscores. */
const S = '[\\s\\-.\\u2010-\\u2015\\u00b7\\u30fb_]';
/**
 * A number starts where no letter or digit touches it, or right after an ASCII keyword. The
 * patterns open with a lookahead for their first character, so that most positions fail at once.
 */
const START = '(?:(?<![0-9a-z])|(?<=(?:tel|phone|mobile|cell|id)))';
const END = '(?![0-9a-z])';
/** After a keyword: spaces, a colon, `=`, 是 or 为, and optionally 号/号码. */
const AFTER = '(?:号码|号|id)?(?:\\s|[:=是为]){0,4}';
const CN_PREFIX = `(?:(?:\\+|00)?\\s*86${S}{0,3})`;

const MOBILE = new RegExp(`(?=[+0-9])${START}${CN_PREFIX}?1${S}{0,3}[3-9](?:${S}{0,3}\\d){9}${END}`, 'gi');

const LOCAL_NUMBER = `[1-9](?:\\d{2}|\\d{3})${S}{0,2}\\d{4}`;
const EXTENSION = `(?:\\s*(?:-|转|分机|ext\\.?|x|#)\\s*\\d{1,6})?`;
const LANDLINE = new RegExp(
  `(?=[(+0-9])${START}(?:\\(\\s*0\\d{2,3}\\s*\\)|0\\d{2,3}|(?:\\+|00)\\s*86${S}{0,3}\\(?[1-9]\\d{1,2}\\)?)${S}{0,3}${LOCAL_NUMBER}${EXTENSION}${END}`,
  'gi',
);
const LANDLINE_AFTER_KEYWORD = new RegExp(
  `(?<=(?:电话|座机|固话|传真|热线|tel|fax)${AFTER})${LOCAL_NUMBER}${EXTENSION}${END}`,
  'gi',
);

/** 18 (or the old 15) characters, digits with separators anywhere; the structure is checked after. */
const ID_CANDIDATE = new RegExp(
  `(?=\\d)${START}\\d(?:${S}{0,3}\\d){14}(?:(?:${S}{0,3}\\d){2}${S}{0,3}[\\dx])?${END}`,
  'gi',
);
const DATE = '(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\\d|3[01])';
const ID_18 = new RegExp(`^[1-9]\\d{5}(?:18|19|20)\\d{2}${DATE}\\d{3}[\\dx]$`, 'i');
const ID_15 = new RegExp(`^[1-9]\\d{5}\\d{2}${DATE}\\d{3}$`);

const AT = '(?:\\s*@\\s*|\\s*[(\\[{<]\\s*(?:at|@)\\s*[)\\]}>]\\s*|\\s+at\\s+|\\s*艾特\\s*)';
const DOT = '(?:\\s*\\.\\s*|\\s*[(\\[{<]\\s*(?:dot|\\.|点)\\s*[)\\]}>]\\s*|\\s+dot\\s+|\\s*点\\s*)';
const LABEL = '[a-z0-9](?:[a-z0-9-]*[a-z0-9])?';
const EMAIL = new RegExp(
  `(?=[a-z0-9._%+-])(?<![a-z0-9._%+-])[a-z0-9._%+-]+${AT}${LABEL}(?:${DOT}${LABEL})*${DOT}[a-z]{2,}${END}`,
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

/** Five digits close together: what every number pattern has; seven: phone and ID numbers. */
const DIGITS = new RegExp(`\\d(?:${S}{0,3}\\d){4}`);
const SEVEN_DIGITS = new RegExp(`\\d(?:${S}{0,3}\\d){6}`);
const AT_SIGN = /@|at|艾特/i;
const KEYWORDS =
  /qq|扣扣|企鹅|vx|wx|weixin|wechat|v信|微信|威信|薇信|维信|银行卡|卡号|账户|账号|帐号|account|电话|座机|固话|传真|热线|tel|fax/i;

/** Where personal data is, as spans of the normalized text; ids (uuids, as in links) are never it. */
function personalSpans(text: string, names: readonly string[]): Span[] {
  // Each family of patterns runs only on text that has what all of them need.
  const found = nameSpans(text, names);
  const digits = DIGITS.test(text);
  if (digits && SEVEN_DIGITS.test(text))
    found.push(
      ...spansOf(ID_CANDIDATE, text, isIdNumber),
      ...spansOf(MOBILE, text),
      ...spansOf(LANDLINE, text),
    );
  if (AT_SIGN.test(text)) found.push(...spansOf(EMAIL, text));
  if (KEYWORDS.test(text)) {
    found.push(...spansOf(WECHAT, text), ...spansOf(WECHAT_SHORT, text));
    if (digits)
      found.push(...spansOf(LANDLINE_AFTER_KEYWORD, text), ...spansOf(QQ, text), ...spansOf(BANK_CARD, text));
  }
  if (found.length === 0) return found;
  const ids = spansOf(UUID_IN_TEXT, text);
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
    const [from, to] = sourceOf(normalized, start, end);
    if (to <= copied) continue;
    if (from >= copied) out += text.slice(copied, from) + MASK;
    copied = to;
  }
  return out + text.slice(copied);
}

/** Whether the text still shows personal data (the crawl test's and the presenters' check). */
export const containsPersonalData = (text: string) => personalSpans(normalize(text).text, []).length > 0;

/** Ids, and dates and times as the API writes them: never personal data, and most strings of a list. */
const STRUCTURED =
  /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z)?)$/i;

/**
 * Masks every string in a JSON-like value (objects, arrays) but ids, dates and times, copying only
 * what changes; `mask` masks one string (the public API's boundary, src/server/http/public-masking.ts,
 * passes a memoized one).
 */
export function maskPersonalDataDeep<T>(value: T, mask: (text: string) => string = maskPersonalData): T {
  if (typeof value === 'string') return (STRUCTURED.test(value) ? value : mask(value)) as T;
  if (Array.isArray(value)) {
    let out: unknown[] | null = null;
    for (let i = 0; i < value.length; i++) {
      const masked = maskPersonalDataDeep(value[i], mask);
      if (masked === value[i]) continue;
      out ??= value.slice();
      out[i] = masked;
    }
    return (out ?? value) as T;
  }
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    // Copied only where something is masked: most answers come back as they are.
    let out: Record<string, unknown> | null = null;
    const record = value as Record<string, unknown>;
    for (const key in record) {
      const masked = maskPersonalDataDeep(record[key], mask);
      if (masked === record[key]) continue;
      out ??= { ...record };
      out[key] = masked;
    }
    return (out ?? value) as T;
  }
  return value;
}

/** Money is integer fen (分) everywhere; these helpers convert at the edges only. */
const yuanFormatter = new Intl.NumberFormat('zh-CN', {
  style: 'currency',
  currency: 'CNY',
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});

export function formatFen(fen: number | bigint): string {
  const value = typeof fen === 'bigint' ? fen : BigInt(fen);
  const negative = value < 0n;
  const abs = negative ? -value : value;
  // Format the integer part with Intl and append the exact two-digit fraction, avoiding floats.
  const yuan = yuanFormatter.format(Number(abs / 100n)).replace(/\.\d\d$/, '');
  const cents = (abs % 100n).toString().padStart(2, '0');
  return `${negative ? '-' : ''}${yuan}.${cents}`;
}

/** Parses "1,234.5" or "1234.56" yuan into fen; returns null when not a valid amount. */
export function parseYuanToFen(input: string): number | null {
  const clean = input.replace(/[,，¥￥\s]/g, '');
  const match = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(clean);
  if (!match) return null;
  const fen = Number(match[2]) * 100 + Number((match[3] ?? '').padEnd(2, '0'));
  if (!Number.isSafeInteger(fen)) return null;
  return match[1] ? -fen : fen;
}

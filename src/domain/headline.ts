/** Headline figures as the home page says them (no zod here: the home page is the first load). */
/** A count as a headline says it: 637 → 600余, 47 → 40余, 1234 → 1200余, 600 → 600. */
export function roughCount(n: number): string {
  if (n < 10) return String(n);
  const step = n < 100 ? 10 : n < 1000 ? 100 : 10 ** (Math.floor(Math.log10(n)) - 1);
  const floor = Math.floor(n / step) * step;
  return floor === n ? String(n) : `${floor}余`;
}

/** An amount in fen as a headline says it in 万元: ¥82,345,678 → 8200多万元; under 1万元 exact. */
export function roughWanYuan(fen: number): string {
  const wan = fen / 1_000_000;
  if (wan < 1) return `${(fen / 100).toFixed(2)}元`;
  const whole = Math.floor(wan);
  const step = whole < 10 ? 1 : whole < 100 ? 10 : 10 ** (Math.floor(Math.log10(whole)) - 1);
  const floor = Math.floor(whole / step) * step;
  return floor === wan ? `${floor}万元` : `${floor}多万元`;
}

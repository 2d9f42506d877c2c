export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

export function median(values: readonly number[]): number {
  return percentile(values, 0.5);
}

export function numberArg(argv: readonly string[], name: string, fallback: number, min = 1): number {
  const i = argv.indexOf(name);
  if (i < 0) return fallback;
  const value = Number(argv[i + 1]);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} needs an integer ≥ ${min}`);
  return value;
}

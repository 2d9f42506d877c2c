/** Marks an end date counted before its year's holidays were published (weekends only there). */
export function EstimatedMark({ estimated }: { estimated: boolean }) {
  return estimated ? (
    <span className="muted" data-testid="estimated-end" title="该年节假日安排尚未公布，暂按仅周末休息计算">
      （预计，待节假日安排公布后确认）
    </span>
  ) : null;
}

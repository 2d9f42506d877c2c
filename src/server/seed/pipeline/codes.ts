/** Call and contract codes, numbered as the services number them. */
import { chinaDate } from '../../../domain/time.js';
import type { PipelineBuilder } from './builder.js';
import type { CallDraft, ContractRow } from './types.js';

/** GD-<year>-<seq> by creation within each year, as createCall numbers them; HT-<year>-<seq> likewise. */
export function codes(b: PipelineBuilder) {
  const byYear = new Map<number, CallDraft[]>();
  for (const d of b.drafts) byYear.set(d.row.year, [...(byYear.get(d.row.year) ?? []), d]);
  for (const [year, list] of byYear) {
    list.sort(
      (a, b) =>
        a.row.createdAt.getTime() - b.row.createdAt.getTime() || a.row.title.localeCompare(b.row.title),
    );
    list.forEach((d, i) => {
      d.row.code = `GD-${year}-${String(i + 1).padStart(4, '0')}`;
    });
  }
  const contractsByYear = new Map<string, ContractRow[]>();
  for (const c of b.contractRows) {
    const y = chinaDate(c.createdAt).slice(0, 4);
    contractsByYear.set(y, [...(contractsByYear.get(y) ?? []), c]);
  }
  for (const [year, list] of contractsByYear) {
    list.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
    list.forEach((c, i) => {
      c.code = `HT-${year}-${String(i + 1).padStart(4, '0')}`;
    });
  }
}

import type { ProjectFacts } from '../facts.js';

/** One finding: what it is about within the project, a sentence, and the data that shows it. */
export type Finding = { subject: string; message: string; evidence: Record<string, unknown> };

/** How an administrator sees one threshold and how far it may be set (basis points, bounds included). */
export interface Threshold {
  label: string;
  min: number;
  max: number;
}

/**
 * A red-flag indicator: a stable id (kept on its alerts), a Chinese name, its thresholds (the
 * defaults, and how an administrator may change them: settings.ts), and a pure function from a
 * project's data and the thresholds in force to its findings. Added to the list in index.ts.
 */
export interface RedFlagIndicator<S extends Record<string, number> = Record<string, number>> {
  id: string;
  name: string;
  settings: S;
  thresholds: { [K in keyof S]: Threshold };
  findings(facts: ProjectFacts, settings: S): Finding[];
}

export const percent = (bp: number) => `${(bp / 100).toFixed(bp % 100 === 0 ? 0 : 2)}%`;

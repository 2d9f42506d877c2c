import { z } from 'zod';

const passage = z.object({
  start: z.number(),
  end: z.number(),
  index: z.number(),
  shared: z.number(),
  bestMatch: z.number(),
});

/** What the buyer and the panel see of an application's duplicate-check hits. */
export const duplicateHit = z.object({
  kind: z.enum(['text', 'structure', 'file']),
  score: z.number(),
  foundAt: z.string(),
  other: z.object({
    applicationId: z.string(),
    title: z.string(),
    providerName: z.string(),
    callCode: z.string(),
    callTitle: z.string(),
    year: z.number(),
    funded: z.boolean(),
  }),
  reasons: z.array(z.string()),
  files: z.array(z.string()),
  sideBySide: z
    .object({
      selfText: z.string(),
      otherText: z.string(),
      passages: z.object({ a: z.array(passage), b: z.array(passage) }),
    })
    .nullable(),
});
export type DuplicateHit = z.infer<typeof duplicateHit>;

/** The applicant gets `hits: null`: it learns that it was flagged, not what it matched. */
export const duplicateReport = z.object({
  flagged: z.boolean(),
  count: z.number().int(),
  explanation: z.string().nullable(),
  hits: z.array(duplicateHit).nullable(),
});

export const duplicateKindLabels = { text: '文本相似', structure: '结构重复', file: '附件相同' } as const;
export const structureReasonLabels: Record<string, string> = {
  same_org: '同一申报单位',
  shared_legal_rep: '法定代表人相同',
  shared_phone: '联系电话相同',
  shared_address: '地址相同',
};

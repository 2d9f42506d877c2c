import type { ApplicationView } from '../../../domain/applications';

export type { ApplicationView };
export type Proposal = ApplicationView['proposal'];
export type Partner = ApplicationView['partners'][number];

/** A row of GET /api/applications. */
export interface ApplicationListItem {
  id: string;
  callId: string;
  callCode: string;
  callTitle: string;
  title: string;
  providerName: string;
  communityName: string | null;
  requestedFen: number;
  status: string;
  cosignedAt: string | null;
  submittedAt: string | null;
  updatedAt: string;
}

export const partnerKindLabels: Record<Partner['kind'], string> = {
  volunteer_team: '志愿服务队',
  community_org: '社区社会组织',
  other: '其他',
};

export const indicatorKindLabels: Record<string, string> = { output: '产出指标', outcome: '成效指标' };

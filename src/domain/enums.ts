/** Enumerations shared by server and browser, each with its Chinese label. */

export const ROLES = [
  'admin',
  'buyer',
  'provider',
  'community',
  'expert',
  'evaluator',
  'supervisor',
  'resident',
] as const;
export type Role = (typeof ROLES)[number];
export const roleLabels: Record<Role, string> = {
  admin: '平台管理员',
  buyer: '购买主体',
  provider: '承接主体',
  community: '社区',
  expert: '评审专家',
  evaluator: '评估机构',
  supervisor: '监督单位',
  resident: '居民',
};

export const ORG_KINDS = [
  'admin',
  'buyer',
  'station',
  'provider',
  'community',
  'evaluator',
  'supervisor',
] as const;
export type OrgKind = (typeof ORG_KINDS)[number];
export const orgKindLabels: Record<OrgKind, string> = {
  admin: '平台管理单位',
  buyer: '购买主体部门',
  station: '街道社工站',
  provider: '社会组织',
  community: '社区/村委会',
  evaluator: '第三方评估机构',
  supervisor: '监督单位',
};

export const REGION_LEVELS = ['district', 'street', 'community'] as const;
export type RegionLevel = (typeof REGION_LEVELS)[number];
export const regionLevelLabels: Record<RegionLevel, string> = {
  district: '区',
  street: '街道/乡镇',
  community: '社区/村',
};
export const childLevel: Record<RegionLevel, RegionLevel | null> = {
  district: 'street',
  street: 'community',
  community: null,
};

export const GRADES = ['1A', '2A', '3A', '4A', '5A'] as const;
export type Grade = (typeof GRADES)[number];

export const SERVICE_CATEGORIES = [
  'elderly',
  'children',
  'youth',
  'disability',
  'assistance',
  'community_building',
  'party_building',
  'civilization',
  'venture_philanthropy',
] as const;
export type ServiceCategory = (typeof SERVICE_CATEGORIES)[number];
export const serviceCategoryLabels: Record<ServiceCategory, string> = {
  elderly: '为老服务',
  children: '儿童服务',
  youth: '青少年服务',
  disability: '残障服务',
  assistance: '社会救助',
  community_building: '社区营造',
  party_building: '党建服务',
  civilization: '新时代文明实践',
  venture_philanthropy: '公益创投',
};

export const AUDIT_VISIBILITY = ['public', 'internal'] as const;
export type AuditVisibility = (typeof AUDIT_VISIBILITY)[number];

export const EXPERT_FIELDS = [...SERVICE_CATEGORIES, 'finance', 'management'] as const;
export type ExpertField = (typeof EXPERT_FIELDS)[number];
export const expertFieldLabels: Record<ExpertField, string> = {
  ...serviceCategoryLabels,
  finance: '财务审计',
  management: '项目管理',
};

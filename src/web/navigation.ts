/**
 * Who sees what: the side menu of /app and the route guard both read this one table.
 * Later issues add their areas here (calls, applications, reviews, …).
 */
import {
  AuditOutlined,
  BookOutlined,
  CalendarOutlined,
  CarryOutOutlined,
  CheckCircleOutlined,
  CheckSquareOutlined,
  ClusterOutlined,
  DashboardOutlined,
  DatabaseOutlined,
  FileProtectOutlined,
  FileSearchOutlined,
  FileTextOutlined,
  FlagOutlined,
  FundProjectionScreenOutlined,
  HomeOutlined,
  IdcardOutlined,
  NotificationOutlined,
  OrderedListOutlined,
  ProjectOutlined,
  SafetyCertificateOutlined,
  SolutionOutlined,
  SoundOutlined,
  TeamOutlined,
  UserOutlined,
} from '@ant-design/icons';
import type { ComponentType } from 'react';
import { ROLES, type Role } from '../domain/enums';

export interface NavItem {
  path: string;
  label: string;
  icon: ComponentType;
  /** Roles that may open this area. */
  roles: readonly Role[];
  /** Roles that see it read-only (no create/edit buttons are expected from the server either). */
  readOnlyRoles?: readonly Role[];
  /** A different menu label for some roles (the same list means different work to them). */
  labels?: Partial<Record<Role, string>>;
}

export const APP_NAV: readonly NavItem[] = [
  { path: '/app', label: '工作台', icon: DashboardOutlined, roles: ROLES },
  {
    path: '/app/calls',
    label: '项目管理',
    icon: ProjectOutlined,
    roles: ['buyer', 'admin', 'supervisor'],
    readOnlyRoles: ['admin', 'supervisor'],
  },
  { path: '/app/open-calls', label: '可申报项目', icon: NotificationOutlined, roles: ['provider'] },
  {
    path: '/app/applications',
    label: '申报查阅',
    icon: FileTextOutlined,
    roles: ['provider', 'community', 'buyer', 'admin', 'supervisor'],
    readOnlyRoles: ['admin', 'supervisor'],
    labels: { provider: '我的申报', community: '待签章申报', buyer: '申报审查' },
  },
  { path: '/app/reviews', label: '我的评审', icon: SolutionOutlined, roles: ['expert'] },
  { path: '/app/activities/pending', label: '待确认活动', icon: CheckCircleOutlined, roles: ['community'] },
  {
    path: '/app/contracts',
    label: '合同管理',
    icon: FileProtectOutlined,
    roles: ['buyer', 'provider', 'admin', 'supervisor'],
    readOnlyRoles: ['admin', 'supervisor'],
    labels: { provider: '我的合同' },
  },
  {
    path: '/app/projects',
    label: '项目实施',
    icon: FundProjectionScreenOutlined,
    roles: ['provider', 'buyer', 'evaluator', 'admin', 'supervisor'],
    readOnlyRoles: ['admin', 'supervisor'],
    labels: { buyer: '项目监管', evaluator: '评估项目', admin: '项目监管', supervisor: '项目监管' },
  },
  { path: '/app/evaluations', label: '我的评估', icon: CheckSquareOutlined, roles: ['evaluator'] },
  {
    path: '/app/credit',
    label: '信用名单',
    icon: FlagOutlined,
    roles: ['admin', 'supervisor', 'buyer', 'provider'],
    readOnlyRoles: ['supervisor', 'buyer'],
    labels: { provider: '我的信用记录' },
  },
  { path: '/app/templates', label: '指标模板', icon: OrderedListOutlined, roles: ['admin'] },
  { path: '/app/calendar', label: '节假日安排', icon: CalendarOutlined, roles: ['admin'] },
  { path: '/app/policies', label: '政策法规', icon: BookOutlined, roles: ['admin'] },
  { path: '/app/regions', label: '区划管理', icon: ClusterOutlined, roles: ['admin'] },
  {
    path: '/app/orgs',
    label: '组织管理',
    icon: TeamOutlined,
    roles: ['admin', 'supervisor', 'buyer'],
    readOnlyRoles: ['supervisor', 'buyer'],
  },
  {
    path: '/app/experts',
    label: '专家库',
    icon: IdcardOutlined,
    roles: ['admin', 'supervisor', 'buyer'],
    readOnlyRoles: ['supervisor', 'buyer'],
  },
  { path: '/app/users', label: '用户管理', icon: UserOutlined, roles: ['admin'] },
  {
    path: '/app/supervision',
    label: '监督检查',
    icon: SafetyCertificateOutlined,
    roles: ['supervisor', 'admin'],
    readOnlyRoles: ['admin'],
  },
  { path: '/app/inspections', label: '检查记录', icon: FileSearchOutlined, roles: ['buyer'] },
  { path: '/app/audit', label: '审计日志', icon: AuditOutlined, roles: ['admin', 'supervisor'] },
];

/** Pages every signed-in user may open, whatever the role, that are not in the menu. */
export const ALWAYS_ALLOWED: readonly string[] = ['/app/account/password'];

/** Top navigation of the public site (no login). */
export const PUBLIC_NAV: readonly { path: string; label: string; icon: ComponentType }[] = [
  { path: '/', label: '首页', icon: HomeOutlined },
  { path: '/plans', label: '年度计划', icon: CarryOutOutlined },
  { path: '/calls', label: '项目征集', icon: NotificationOutlined },
  { path: '/publicity', label: '立项公示', icon: SoundOutlined },
  { path: '/credit', label: '红黑榜', icon: FlagOutlined },
  { path: '/policies', label: '政策法规', icon: BookOutlined },
  { path: '/transparency', label: '公开日志', icon: SafetyCertificateOutlined },
  { path: '/open-data', label: '开放数据', icon: DatabaseOutlined },
];

/** The public menu entry a path belongs to (longest matching prefix). */
export function publicNavItemFor(pathname: string) {
  let best: (typeof PUBLIC_NAV)[number] | undefined;
  for (const item of PUBLIC_NAV) {
    const matches = pathname === item.path || (item.path !== '/' && pathname.startsWith(`${item.path}/`));
    if (matches && (!best || item.path.length > best.path.length)) best = item;
  }
  return best;
}

/** The menu of these roles, each entry with the label the first matching role gives it. */
export function navFor(roles: readonly Role[]): NavItem[] {
  return APP_NAV.filter((item) => item.roles.some((r) => roles.includes(r))).map((item) => {
    const own = roles.find((r) => item.labels?.[r]);
    return own ? { ...item, label: item.labels![own]! } : item;
  });
}

/** Whether these roles only read in this area (every role they hold that may open it is read-only). */
export function readOnlyIn(roles: readonly Role[], path: string): boolean {
  const item = APP_NAV.find((i) => i.path === path);
  if (!item) return true;
  const opening = roles.filter((r) => item.roles.includes(r));
  return opening.length > 0 && opening.every((r) => item.readOnlyRoles?.includes(r));
}

/** The menu entry a path belongs to (longest matching prefix), or undefined. */
export function navItemFor(pathname: string): NavItem | undefined {
  let best: NavItem | undefined;
  for (const item of APP_NAV) {
    const matches = pathname === item.path || pathname.startsWith(`${item.path}/`);
    if (matches && (!best || item.path.length > best.path.length)) best = item;
  }
  return best;
}

/**
 * Whether the roles may open a path under /app. Paths that belong to no menu entry (other than
 * /app itself) are left to the router: an unknown route is a 404, not a 403.
 */
export function canOpen(roles: readonly Role[], pathname: string): boolean {
  if (ALWAYS_ALLOWED.some((p) => pathname === p || pathname.startsWith(`${p}/`))) return true;
  const item = navItemFor(pathname);
  if (!item) return true;
  return item.roles.some((r) => roles.includes(r));
}

/** What each role does here, from DOMAIN.md; shown on the role's dashboard. */
export const roleDescriptions: Record<Role, { who: string; what: string }> = {
  admin: {
    who: '区民政局或社会工作部门',
    what: '管理区划、组织、账号、指标模板、信用名单、政策法规库，并负责内容审核。',
  },
  buyer: {
    who: '区委组织部、区委宣传部、区民政局等部门，或街道社工站',
    what: '编制年度发布计划，发布项目征集，组织评审，确定承接主体，签订合同，拨付资金，答复异议和留言。',
  },
  provider: {
    who: '社会组织、社工机构（机构管理员和项目社工）',
    what: '联合申报项目，报送实施动态和资金使用情况，回复留言，落实整改。',
  },
  community: {
    who: '居民委员会或村民委员会',
    what: '为本辖区的联合申报会签，确认在本社区开展的服务活动。',
  },
  expert: {
    who: '评审专家库成员',
    what: '申报利益冲突，在路演评审中为申报项目逐项打分并填写意见。',
  },
  evaluator: {
    who: '第三方评估机构',
    what: '开展项目中期和末期评估，撰写评估报告并评定等级。',
  },
  supervisor: {
    who: '纪委监委、财政、审计等监督单位',
    what: '查阅全部信息（含非公开信息）和审计日志，并可导出数据。',
  },
  resident: {
    who: '居民、媒体、研究者',
    what: '查阅公开信息，给项目留言，为服务评价打分，在公示期内提出异议，下载开放数据。',
  },
};

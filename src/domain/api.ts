/**
 * Request and response shapes of the API, shared by the server (validation, OpenAPI) and the
 * browser (types, form rules). Messages are Chinese because they reach people as they are.
 */
import { z } from 'zod';
import { creditCodeMessages, creditCodeProblem } from './credit-code.js';
import { calendarDate } from './dates.js';
import {
  AUDIT_VISIBILITY,
  EXPERT_FIELDS,
  GRADES,
  ORG_KINDS,
  REGION_LEVELS,
  ROLES,
  SERVICE_CATEGORIES,
} from './enums.js';
import { passwordProblem } from './password-policy.js';

const id = z.string().uuid();
const trimmed = (max: number, label: string) =>
  z
    .string({ error: `请填写${label}` })
    .trim()
    .min(1, `请填写${label}`)
    .max(max, `${label}不能超过${max}个字符`);
const optionalText = (max: number, label: string) =>
  z
    .string()
    .trim()
    .max(max, `${label}不能超过${max}个字符`)
    .nullish()
    .transform((v) => v || null);
const phone = z
  .string()
  .trim()
  .regex(/^(1\d{10}|0\d{2,3}-?\d{7,8})$/, '请填写有效的手机号或座机号（如 13800000000 或 0871-12345678）')
  .nullish()
  .or(z.literal('').transform(() => null))
  .transform((v) => v || null);
const isoDate = calendarDate();

export const password = z.string().superRefine((value, ctx) => {
  const problem = passwordProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

export const creditCode = z
  .string()
  .trim()
  .toUpperCase()
  .superRefine((value, ctx) => {
    const problem = creditCodeProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: creditCodeMessages[problem] });
  });

export const pageQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(20),
  q: z.string().trim().max(100).optional(),
});

export const pageOf = <T extends z.ZodTypeAny>(item: T) =>
  z.object({
    items: z.array(item),
    total: z.number().int(),
    page: z.number().int(),
    pageSize: z.number().int(),
  });

/** What the current user may do with a resource, so the UI shows only buttons that work. */
export const actions = z.array(z.string());

/** A page of a list, with what the user may do on the list itself (create, import, export). */
export const listOf = <T extends z.ZodTypeAny>(item: T) => pageOf(item).extend({ actions });
export type ListResponse<T> = {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
  actions: string[];
};

/**
 * The schema of a PATCH body: every field optional, and a field left out stays out. (zod's
 * `.partial()` would still apply defaults and `nullish → null` transforms, overwriting data.)
 */
export function patchOf<T extends z.ZodRawShape>(schema: z.ZodObject<T>) {
  const shape = Object.fromEntries(
    Object.entries(schema.shape).map(([key, field]) => [
      key,
      z.preprocess((v) => v, field as z.ZodTypeAny).optional(),
    ]),
  );
  return z.object(shape) as unknown as z.ZodObject<{ [K in keyof T]: z.ZodOptional<T[K]> }>;
}

/** A rejected import lists every bad row under `details.rows`. */
export type ImportProblems = { rows: { row: number; field: string; message: string }[] };

// ---------- errors ----------
export const errorBody = z.object({
  error: z.string(),
  message: z.string(),
  details: z.unknown().optional(),
  requestId: z.string().optional(),
});
export type ErrorBody = z.infer<typeof errorBody>;

// ---------- auth ----------
export const loginBody = z.object({
  username: trimmed(64, '用户名'),
  password: z.string().min(1, '请填写密码').max(128),
});
export const me = z.object({
  id,
  username: z.string(),
  displayName: z.string(),
  roles: z.array(z.enum(ROLES)),
  org: z.object({ id, name: z.string(), kind: z.enum(ORG_KINDS) }).nullable(),
  mustChangePassword: z.boolean(),
});
export type Me = z.infer<typeof me>;
export const sessionResponse = z.object({ user: me.nullable() });
export const changePasswordBody = z.object({
  currentPassword: z.string().min(1, '请填写当前密码'),
  newPassword: password,
});
export const resetPasswordBody = z.object({ newPassword: password });

// ---------- regions ----------
export const region = z.object({
  id,
  name: z.string(),
  code: z.string(),
  level: z.enum(REGION_LEVELS),
  parentId: id.nullable(),
  parentName: z.string().nullable(),
  active: z.boolean(),
  actions,
});
export type Region = z.infer<typeof region>;
export const regionQuery = pageQuery.extend({
  level: z.enum(REGION_LEVELS).optional(),
  parentId: id.optional(),
  active: z.enum(['true', 'false']).optional(),
});
export const regionCreate = z.object({
  name: trimmed(50, '名称'),
  code: z
    .string()
    .trim()
    .regex(/^\d{6,12}$/, '区划代码应为6到12位数字'),
  level: z.enum(REGION_LEVELS, { error: '请选择层级' }),
  parentId: id.nullable().default(null),
});
export const regionUpdate = patchOf(regionCreate.pick({ name: true, code: true }));
export type RegionTreeNode = { id: string; name: string; level: string; children: RegionTreeNode[] };

// ---------- organizations ----------
export const org = z.object({
  id,
  name: z.string(),
  kind: z.enum(ORG_KINDS),
  creditCode: z.string().nullable(),
  regionId: id.nullable(),
  regionName: z.string().nullable(),
  registeredOn: z.string().nullable(),
  grade: z.enum(GRADES).nullable(),
  legalRepresentative: z.string().nullable(),
  contactName: z.string().nullable(),
  contactPhone: z.string().nullable(),
  address: z.string().nullable(),
  categories: z.array(z.enum(SERVICE_CATEGORIES)),
  active: z.boolean(),
  actions,
});
export type Org = z.infer<typeof org>;
export const orgQuery = pageQuery.extend({
  kind: z.enum(ORG_KINDS).optional(),
  regionId: id.optional(),
  active: z.enum(['true', 'false']).optional(),
});
const orgFields = z.object({
  name: trimmed(100, '名称'),
  kind: z.enum(ORG_KINDS, { error: '请选择单位类型' }),
  creditCode: creditCode
    .nullish()
    .or(z.literal('').transform(() => null))
    .transform((v) => v || null),
  regionId: id.nullable().default(null),
  registeredOn: isoDate
    .nullish()
    .or(z.literal('').transform(() => null))
    .transform((v) => v || null),
  grade: z
    .enum(GRADES, { error: '评估等级应为1A到5A' })
    .nullish()
    .transform((v) => v ?? null),
  legalRepresentative: optionalText(50, '法定代表人'),
  contactName: optionalText(50, '联系人'),
  contactPhone: phone,
  address: optionalText(200, '地址'),
  categories: z.array(z.enum(SERVICE_CATEGORIES)).default([]),
});
const providerNeedsCreditCode = (v: { kind: string; creditCode?: string | null }) =>
  v.kind !== 'provider' || !!v.creditCode;
export const orgCreate = orgFields.refine(providerNeedsCreditCode, {
  message: '社会组织必须填写统一社会信用代码',
  path: ['creditCode'],
});
export const orgUpdate = patchOf(orgFields);

// ---------- experts ----------
export const expert = z.object({
  id,
  name: z.string(),
  field: z.enum(EXPERT_FIELDS),
  title: z.string().nullable(),
  employerOrgId: id.nullable(),
  employerName: z.string().nullable(),
  formerEmployerOrgIds: z.array(id),
  phone: z.string().nullable(),
  userId: id.nullable(),
  active: z.boolean(),
  actions,
});
export type Expert = z.infer<typeof expert>;
export const expertQuery = pageQuery.extend({
  field: z.enum(EXPERT_FIELDS).optional(),
  active: z.enum(['true', 'false']).optional(),
});
export const expertCreate = z.object({
  name: trimmed(50, '姓名'),
  field: z.enum(EXPERT_FIELDS, { error: '请选择专业领域' }),
  title: optionalText(50, '职称'),
  employerOrgId: id.nullable().default(null),
  employerName: optionalText(100, '工作单位'),
  formerEmployerOrgIds: z.array(id).default([]),
  phone,
  /** The platform account the expert signs in with (role 评审专家). */
  userId: id.nullable().default(null),
});
export const expertUpdate = patchOf(expertCreate);

// ---------- users ----------
export const user = z.object({
  id,
  username: z.string(),
  displayName: z.string(),
  orgId: id.nullable(),
  orgName: z.string().nullable(),
  roles: z.array(z.enum(ROLES)),
  email: z.string().nullable(),
  active: z.boolean(),
  lockedUntil: z.string().nullable(),
  lastLoginAt: z.string().nullable(),
  actions,
});
export type User = z.infer<typeof user>;
export const userQuery = pageQuery.extend({
  role: z.enum(ROLES).optional(),
  orgId: id.optional(),
  active: z.enum(['true', 'false']).optional(),
});
export const userCreate = z.object({
  username: z
    .string()
    .trim()
    .regex(/^[a-zA-Z0-9_.-]{3,32}$/, '用户名为3到32位字母、数字、下划线、点或短横线'),
  displayName: trimmed(50, '姓名'),
  orgId: id.nullable().default(null),
  roles: z.array(z.enum(ROLES)).min(1, '至少选择一个角色'),
  email: z
    .string()
    .trim()
    .email('请填写有效的电子邮箱')
    .nullish()
    .or(z.literal('').transform(() => null))
    .transform((v) => v || null),
  password,
});
export const userUpdate = patchOf(
  userCreate.pick({ displayName: true, orgId: true, roles: true, email: true }),
);
export const residentRegister = z.object({
  username: userCreate.shape.username,
  displayName: trimmed(50, '昵称'),
  phone: z
    .string()
    .trim()
    .regex(/^1\d{10}$/, '请填写11位手机号'),
  password,
});

// ---------- audit ----------
export const auditEntry = z.object({
  id: z.number().int(),
  at: z.string(),
  actorId: id.nullable(),
  actorName: z.string().nullable(),
  role: z.string().nullable(),
  orgName: z.string().nullable(),
  action: z.string(),
  targetType: z.string(),
  targetId: z.string().nullable(),
  summary: z.unknown(),
  ip: z.string().nullable(),
  visibility: z.enum(AUDIT_VISIBILITY),
});
export type AuditEntry = z.infer<typeof auditEntry>;
export const auditQuery = pageQuery.extend({
  action: z.string().trim().max(64).optional(),
  targetType: z.string().trim().max(64).optional(),
  actorId: id.optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
});

// ---------- import ----------
export const importProblem = z.object({ row: z.number().int(), field: z.string(), message: z.string() });
export const importResult = z.object({ imported: z.number().int() });

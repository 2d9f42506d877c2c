/** 审计日志: the immutable trail of who did what, when, from where; filterable and exportable. */
import { AutoComplete, Card, Tag, Tooltip } from 'antd';
import type { AuditEntry } from '../../../domain/api';
import {
  auditActionLabel,
  auditActionLabels,
  auditTargetLabel,
  auditTargetLabels,
} from '../../../domain/audit-labels';
import {
  expertFieldLabels,
  orgKindLabels,
  type Role,
  regionLevelLabels,
  roleLabels,
  serviceCategoryLabels,
} from '../../../domain/enums';
import { applicationStateLabels, callStateLabels } from '../../../domain/lifecycle';
import { DatePicker } from '../../components/DatePicker';
import { ExportButton } from '../../components/ImportExport';
import { type ListFilter, ListToolbar, PagedTable, useList, useListParams } from '../../components/list';
import { PageHeader } from '../../components/PageHeader';
import { formatDateTimeSeconds, pickerDate, todayInChina, toPicker } from '../../format';

/** Roles are stored comma-separated for users with several. */
function rolesLabel(value: string | null): string {
  if (!value) return '—';
  return value
    .split(',')
    .map((r) => roleLabels[r.trim() as Role] ?? r)
    .join('、');
}

const ACTION_SUGGESTIONS = Object.entries(auditActionLabels).map(([value, label]) => ({
  value,
  label: `${label}（${value}）`,
}));
const TARGET_SUGGESTIONS = Object.entries(auditTargetLabels).map(([value, label]) => ({
  value,
  label: `${label}（${value}）`,
}));

/** Chinese names of the fields that appear in summaries. */
const fieldLabels: Record<string, string> = {
  name: '名称',
  kind: '类型',
  code: '代码',
  level: '层级',
  parentId: '上级',
  creditCode: '信用代码',
  regionId: '区划',
  registeredOn: '登记日期',
  grade: '等级',
  legalRepresentative: '法定代表人',
  contactName: '联系人',
  contactPhone: '联系电话',
  address: '地址',
  categories: '服务领域',
  field: '专业领域',
  title: '职称/标题',
  employerOrgId: '工作单位',
  employerName: '工作单位名称',
  formerEmployerOrgIds: '曾任职单位',
  phone: '电话',
  username: '用户名',
  displayName: '姓名',
  orgId: '所属组织',
  roles: '角色',
  count: '数量',
  names: '名称',
  from: '原状态',
  to: '新状态',
  reason: '原因',

  callId: '项目',
  changes: '变更',
  decision: '结论',
  answer: '答复',
  amountFen: '金额（分）',
  panelSize: '专家人数',
  seed: '抽取种子',
  side: '确认方',
  by: '审查方',
  failed: '未通过项',
  override: '人工复核',
};

/** Enum values shown with their Chinese labels, by the field they belong to. */
const valueLabels: Record<string, Record<string, string>> = {
  kind: orgKindLabels,
  level: regionLevelLabels,
  categories: serviceCategoryLabels,
  field: expertFieldLabels,
  roles: roleLabels,
  from: { ...callStateLabels, ...applicationStateLabels },
  to: { ...callStateLabels, ...applicationStateLabels },
  decision: { upheld: '异议成立', rejected: '异议不成立' },
  side: { buyer: '购买方', provider: '承接方' },
  by: { system: '系统', buyer: '购买主体' },
};

function plain(value: unknown, key = ''): string {
  if (value === null || value === undefined || value === '') return '空';
  if (Array.isArray(value)) return value.length ? value.map((v) => plain(v, key)).join('、') : '空';
  if (typeof value === 'object') return JSON.stringify(value);
  return valueLabels[key]?.[String(value)] ?? String(value);
}

/** `{contactName: {before, after}}` → 联系人：张三 → 李四; `{name: 'x'}` → 名称：x. */
export function summaryText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'object' || Array.isArray(value)) return plain(value);
  return Object.entries(value as Record<string, unknown>)
    .map(([key, v]) => {
      const label = fieldLabels[key] ?? key;
      if (v && typeof v === 'object' && !Array.isArray(v) && 'before' in v && 'after' in v) {
        const change = v as { before: unknown; after: unknown };
        return `${label}：${plain(change.before, key)} → ${plain(change.after, key)}`;
      }
      return `${label}：${plain(v, key)}`;
    })
    .join('；');
}

function Summary({ value }: { value: unknown }) {
  const text = summaryText(value);
  if (!text) return <span className="muted">—</span>;
  if (typeof value !== 'object' || value === null) return <span>{text}</span>;
  return (
    <details className="json-details">
      <summary title={text}>{text}</summary>
      <pre>{JSON.stringify(value, null, 2)}</pre>
    </details>
  );
}

/** A filter typed freely or picked from suggestions; applied on pick, on leaving the box, on clear. */
function suggestFilter<F extends string>(
  key: F,
  label: string,
  placeholder: string,
  options: { value: string; label: string }[],
  className: string,
): ListFilter<F> {
  return {
    key,
    render: (value, onChange) => (
      <AutoComplete
        allowClear
        options={options}
        placeholder={placeholder}
        aria-label={label}
        defaultValue={value}
        key={`${key}-${value ?? ''}`}
        onSelect={(picked: string) => onChange(picked)}
        onBlur={(e) => onChange((e.target as HTMLInputElement).value.trim() || undefined)}
        onClear={() => onChange(undefined)}
        className={className}
      />
    ),
  };
}

const FILTERS = [
  suggestFilter('action', '操作', '操作（如 新增单位）', ACTION_SUGGESTIONS, 'filter-200'),
  suggestFilter('targetType', '对象类型', '对象类型', TARGET_SUGGESTIONS, 'filter-160'),
];

export function AuditPage() {
  const params = useListParams(['action', 'targetType', 'from', 'to'] as const);
  const list = useList<AuditEntry>('audit', '/api/audit', params.query);
  const { from, to } = params.filters;
  const exportAllowed = !list.data || list.data.actions.includes('export');

  return (
    <>
      <PageHeader
        title="审计日志"
        subTitle="所有重要操作均留痕，不可修改"
        extra={
          exportAllowed ? (
            <ExportButton
              path="/api/audit/export.xlsx"
              query={params.query}
              fileName={`审计日志-${todayInChina().replaceAll('-', '')}.xlsx`}
            />
          ) : null
        }
      />
      <Card>
        <ListToolbar params={params} search="搜索操作人、对象或摘要" filters={FILTERS}>
          <DatePicker.RangePicker
            aria-label="起止日期"
            value={[toPicker(from), toPicker(to)]}
            allowEmpty={[true, true]}
            onChange={(range) =>
              params.update({
                from: pickerDate(range?.[0]),
                to: pickerDate(range?.[1]),
              })
            }
            className="filter-260"
          />
        </ListToolbar>
        <PagedTable<AuditEntry>
          list={list}
          params={params}
          columns={[
            {
              title: '时间',
              dataIndex: 'at',
              fixed: 'left',
              render: (v: string) => <span className="nowrap">{formatDateTimeSeconds(v)}</span>,
            },
            {
              title: '操作人',
              dataIndex: 'actorName',
              render: (v) => v ?? <span className="muted">系统/匿名</span>,
            },
            {
              title: '角色',
              dataIndex: 'role',
              render: (v: string | null) => rolesLabel(v),
            },
            { title: '单位', dataIndex: 'orgName', render: (v) => v ?? '—' },
            {
              title: '操作',
              dataIndex: 'action',
              render: (v: string) => (
                <Tooltip title={v}>
                  <Tag>{auditActionLabel(v)}</Tag>
                </Tooltip>
              ),
            },
            {
              title: '对象',
              key: 'target',
              render: (_, r) => (
                <span className="nowrap">
                  {auditTargetLabel(r.targetType)}
                  {r.targetId ? (
                    <Tooltip title={r.targetId}>
                      <span className="mono muted"> {r.targetId.slice(0, 8)}</span>
                    </Tooltip>
                  ) : null}
                </span>
              ),
            },
            { title: '摘要', dataIndex: 'summary', render: (v: unknown) => <Summary value={v} /> },
            { title: 'IP', dataIndex: 'ip', render: (v) => <span className="mono">{v ?? '—'}</span> },
            {
              title: '可见性',
              dataIndex: 'visibility',
              render: (v: string) => (v === 'public' ? <Tag color="blue">公开</Tag> : <Tag>内部</Tag>),
            },
          ]}
        />
      </Card>
    </>
  );
}

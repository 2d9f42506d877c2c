/** Building blocks of the admin list pages: URL-backed paging and filters, toolbar, row actions. */
import { SearchOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Input, Popconfirm, Space, Table, type TableProps, Tag } from 'antd';
import { type ReactNode, useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import { api, errorMessage, type Page, type Query } from '../api';
import { formatNumber } from '../format';

export const DEFAULT_PAGE_SIZE = 20;

export interface ListParams<F extends string> {
  page: number;
  pageSize: number;
  q: string;
  filters: Record<F, string | undefined>;
  /** Everything to send to the list endpoint. */
  query: Query;
  update: (patch: Partial<Record<F | 'q' | 'page' | 'pageSize', string | number | null | undefined>>) => void;
  reset: () => void;
}

/** Paging, search and filters live in the URL so reload, back and shared links keep them. */
export function useListParams<F extends string>(filterKeys: readonly F[]): ListParams<F> {
  const [params, setParams] = useSearchParams();
  const page = Math.max(1, Number(params.get('page')) || 1);
  const pageSize = Math.min(200, Math.max(1, Number(params.get('pageSize')) || DEFAULT_PAGE_SIZE));
  const q = params.get('q') ?? '';
  const filters = Object.fromEntries(filterKeys.map((k) => [k, params.get(k) ?? undefined])) as Record<
    F,
    string | undefined
  >;
  const update: ListParams<F>['update'] = (patch) => {
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        for (const [key, value] of Object.entries(patch)) {
          if (value === undefined || value === null || value === '') next.delete(key);
          else next.set(key, String(value));
        }
        // Any change other than paging starts again from page 1.
        if (!('page' in patch)) next.delete('page');
        return next;
      },
      { replace: true },
    );
  };
  const reset = () => setParams(new URLSearchParams(), { replace: true });
  return { page, pageSize, q, filters, query: { page, pageSize, q, ...filters }, update, reset };
}

export function useList<T>(key: string, path: string, query: Query) {
  return useQuery({
    queryKey: [key, 'list', query],
    queryFn: ({ signal }) => api.get<Page<T>>(path, query, signal),
    placeholderData: keepPreviousData,
  });
}

/** Search box that submits on Enter or the button, and follows the URL value. */
export function SearchBox(props: { value: string; onSearch: (q: string) => void; placeholder: string }) {
  const [text, setText] = useState(props.value);
  useEffect(() => setText(props.value), [props.value]);
  return (
    <Input.Search
      allowClear
      value={text}
      onChange={(e) => {
        setText(e.target.value);
        if (e.target.value === '' && props.value !== '') props.onSearch('');
      }}
      onSearch={(v) => props.onSearch(v.trim())}
      placeholder={props.placeholder}
      enterButton={<SearchOutlined aria-label="搜索" />}
      className="filter-search"
      aria-label={props.placeholder}
    />
  );
}

/** Search and filters on the left, collection buttons on the right; wraps on phones. */
export function ListToolbar(props: { children?: ReactNode; extra?: ReactNode }) {
  return (
    <div className="list-toolbar">
      <Space wrap size={[8, 8]} className="list-toolbar-filters">
        {props.children}
      </Space>
      {props.extra ? (
        <Space wrap size={[8, 8]} className="list-toolbar-extra">
          {props.extra}
        </Space>
      ) : null}
    </div>
  );
}

/** A server-paged table that scrolls sideways on small screens. */
export function PagedTable<T extends { id: string | number }>(
  props: {
    data: Page<T> | undefined;
    loading: boolean;
    params: Pick<ListParams<string>, 'page' | 'pageSize' | 'update'>;
  } & Omit<TableProps<T>, 'dataSource' | 'loading' | 'pagination'>,
) {
  const { data, loading, params, ...rest } = props;
  return (
    <Table<T>
      rowKey="id"
      size="middle"
      scroll={{ x: 'max-content' }}
      {...rest}
      loading={loading}
      dataSource={data?.items ?? []}
      pagination={{
        current: params.page,
        pageSize: params.pageSize,
        total: data?.total ?? 0,
        showSizeChanger: true,
        pageSizeOptions: [10, 20, 50, 100],
        showTotal: (total) => `共 ${formatNumber(total)} 条`,
        onChange: (page, pageSize) =>
          params.update(pageSize !== params.pageSize ? { page: 1, pageSize } : { page, pageSize }),
      }}
    />
  );
}

export function ActiveTag({ active }: { active: boolean }) {
  return active ? <Tag color="green">启用</Tag> : <Tag>已停用</Tag>;
}

export const ACTIVE_OPTIONS = [
  { value: 'true', label: '启用' },
  { value: 'false', label: '已停用' },
];

/**
 * POSTs to `<base>/<id>/<action>` (deactivate, activate, …), then refreshes the resource's queries.
 */
export function usePostAction(queryKey: string, base: string) {
  const client = useQueryClient();
  const { message } = App.useApp();
  return useMutation({
    mutationFn: ({ id, action }: { id: string; action: string; done?: string }) =>
      api.post(`${base}/${id}/${action}`),
    onSuccess: (_data, vars) => {
      message.success(vars.done ?? '操作成功');
      return client.invalidateQueries({ queryKey: [queryKey] });
    },
    onError: (error) => message.error(errorMessage(error)),
  });
}

export interface RowAction {
  /** The action id the server lists in the resource's `actions`. */
  action: string;
  label: string;
  onClick: () => void;
  danger?: boolean;
  /** When set, asks for confirmation with this question first. */
  confirm?: string;
  loading?: boolean;
}

/** Shows only the buttons whose action the server allows for this resource. */
export function RowActions({ allowed, items }: { allowed: readonly string[]; items: RowAction[] }) {
  const visible = items.filter((i) => allowed.includes(i.action));
  if (visible.length === 0) return <span className="muted">—</span>;
  return (
    <Space size={0} wrap>
      {visible.map((item) =>
        item.confirm ? (
          <Popconfirm
            key={item.action}
            title={item.confirm}
            okText="确定"
            cancelText="取消"
            okButtonProps={{ danger: item.danger }}
            onConfirm={item.onClick}
          >
            <Button type="link" size="small" danger={item.danger} loading={item.loading}>
              {item.label}
            </Button>
          </Popconfirm>
        ) : (
          <Button key={item.action} type="link" size="small" danger={item.danger} onClick={item.onClick}>
            {item.label}
          </Button>
        ),
      )}
    </Space>
  );
}

/** Deactivate/activate pair used by every admin list. */
export function activationActions(
  record: { id: string; active: boolean },
  name: string,
  mutation: ReturnType<typeof usePostAction>,
): RowAction[] {
  const pending = mutation.isPending && mutation.variables?.id === record.id;
  return [
    {
      action: 'deactivate',
      label: '停用',
      danger: true,
      confirm: `确定停用「${name}」吗？`,
      loading: pending,
      onClick: () => mutation.mutate({ id: record.id, action: 'deactivate', done: `已停用「${name}」` }),
    },
    {
      action: 'activate',
      label: '启用',
      confirm: `确定重新启用「${name}」吗？`,
      loading: pending,
      onClick: () => mutation.mutate({ id: record.id, action: 'activate', done: `已启用「${name}」` }),
    },
  ];
}

/**
 * Building blocks of the list pages: URL-backed paging and filters, the toolbar, header buttons,
 * paged tables and card lists, row actions.
 */
import { PlusOutlined, SearchOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Empty,
  Input,
  Pagination,
  Popconfirm,
  Select,
  Skeleton,
  Space,
  Table,
  type TableProps,
  Tag,
} from 'antd';
import { type ComponentType, Fragment, type ReactNode, useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import { api, errorMessage, type Page, type Query } from '../api';
import { formatNumber } from '../format';
import { LoadFailed } from './ErrorPages';
import { ExportButton, ImportButton, TemplateLink } from './ImportExport';

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

/**
 * One filter of a list toolbar, bound to one URL parameter: a select of `options` (placeholder and
 * accessible name `label`), a picker `control` such as RegionTreeSelect, or whatever `render` draws
 * with the parameter's value and a setter.
 */
export type ListFilter<F extends string> =
  | {
      key: F;
      label: string;
      options: readonly { value: string; label: string }[];
      className: string;
      /** Type to filter the options. */
      search?: boolean;
      loading?: boolean;
    }
  | {
      key: F;
      label: string;
      className: string;
      control: ComponentType<{
        value?: string | null;
        onChange?: (value: string | null) => void;
        placeholder?: string;
        className?: string;
      }>;
    }
  | {
      key: F;
      render: (value: string | undefined, onChange: (value: string | null | undefined) => void) => ReactNode;
    };

/**
 * The toolbar of a list: the search box (`search` is its placeholder), the filters and any other
 * `children` on the left, collection buttons (`extra`) on the right; wraps on phones. Search and
 * filters read and write the URL through `params`.
 */
export function ListToolbar<F extends string = never>(props: {
  params?: Pick<ListParams<F>, 'q' | 'filters' | 'update'>;
  search?: string;
  filters?: readonly ListFilter<F>[];
  children?: ReactNode;
  extra?: ReactNode;
}) {
  const { params } = props;
  type Patch = Parameters<ListParams<F>['update']>[0];
  const set = (key: F) => (value: string | null | undefined) => params?.update({ [key]: value } as Patch);
  return (
    <div className="list-toolbar">
      <Space wrap size={[8, 8]} className="list-toolbar-filters">
        {params && props.search !== undefined ? (
          <SearchBox
            value={params.q}
            onSearch={(q) => params.update({ q } as Patch)}
            placeholder={props.search}
          />
        ) : null}
        {params
          ? props.filters?.map((f) =>
              'render' in f ? (
                <Fragment key={f.key}>{f.render(params.filters[f.key], set(f.key))}</Fragment>
              ) : 'control' in f ? (
                <f.control
                  key={f.key}
                  placeholder={f.label}
                  value={params.filters[f.key] ?? null}
                  onChange={set(f.key)}
                  className={f.className}
                />
              ) : (
                <Select
                  key={f.key}
                  allowClear
                  showSearch={f.search ? { optionFilterProp: 'label' } : undefined}
                  placeholder={f.label}
                  aria-label={f.label}
                  options={f.options as { value: string; label: string }[]}
                  loading={f.loading}
                  value={params.filters[f.key]}
                  onChange={set(f.key)}
                  className={f.className}
                />
              ),
            )
          : null}
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

/** The collection buttons of a list page's header, each shown only when the server allows it. */
export function ListActions(props: {
  /** The collection's `actions` from the server. */
  allowed: readonly string[];
  importTo?: { template: string; path: string; queryKey: string };
  exportFrom?: { path: string; query: Query; fileName: string };
  create?: { label: string; onClick: () => void };
}) {
  const { allowed, importTo, exportFrom, create } = props;
  return (
    <>
      {importTo && allowed.includes('import') ? (
        <>
          <TemplateLink href={importTo.template} />
          <ImportButton path={importTo.path} queryKey={importTo.queryKey} />
        </>
      ) : null}
      {exportFrom && allowed.includes('export') ? (
        <ExportButton path={exportFrom.path} query={exportFrom.query} fileName={exportFrom.fileName} />
      ) : null}
      {create && allowed.includes('create') ? (
        <Button type="primary" icon={<PlusOutlined />} onClick={create.onClick}>
          {create.label}
        </Button>
      ) : null}
    </>
  );
}

/** What a list query gives the list components (a TanStack Query result fits). */
export interface ListQuery<T> {
  data: { items: T[]; total: number; totalCapped?: boolean } | undefined;
  isPending: boolean;
  isFetching: boolean;
  isError: boolean;
  error: Error | null;
  refetch: () => unknown;
}

/** A server-paged table that scrolls sideways on small screens; says so when loading failed. */
export function PagedTable<T extends { id: string | number }>(
  props: {
    list: ListQuery<T>;
    params: Pick<ListParams<string>, 'page' | 'pageSize' | 'update'>;
  } & Omit<TableProps<T>, 'dataSource' | 'loading' | 'pagination'>,
) {
  const { list, params, ...rest } = props;
  if (list.isError) return <LoadFailed message={list.error?.message ?? ''} onRetry={() => list.refetch()} />;
  return (
    <Table<T>
      rowKey="id"
      size="middle"
      scroll={{ x: 'max-content' }}
      {...rest}
      loading={list.isFetching}
      dataSource={list.data?.items ?? []}
      pagination={{
        current: params.page,
        pageSize: params.pageSize,
        total: list.data?.total ?? 0,
        showSizeChanger: true,
        pageSizeOptions: [10, 20, 50, 100],
        showTotal: (total) => `共 ${formatNumber(total)} 条`,
        onChange: (page, pageSize) =>
          params.update(pageSize !== params.pageSize ? { page: 1, pageSize } : { page, pageSize }),
      }}
    />
  );
}

/** A server-paged list of cards (the public lists): skeleton, empty text, cards, pagination. */
export function PagedCards<T extends { id: string }>(props: {
  list: ListQuery<T>;
  params: Pick<ListParams<string>, 'page' | 'pageSize' | 'update'>;
  empty: string;
  /** What the total counts: 共 12 个项目. */
  unit: string;
  /** Shows 12+ when the server capped the total. */
  capped?: boolean;
  renderItem: (item: T) => ReactNode;
}) {
  const { list, params } = props;
  return (
    <>
      {list.isError ? (
        <LoadFailed message={list.error?.message ?? ''} onRetry={() => list.refetch()} />
      ) : list.isPending || !list.data ? (
        <Skeleton active />
      ) : list.data.items.length === 0 ? (
        <Empty description={props.empty} />
      ) : (
        <Space orientation="vertical" size={12} style={{ width: '100%' }}>
          {list.data.items.map((item) => (
            <Fragment key={item.id}>{props.renderItem(item)}</Fragment>
          ))}
        </Space>
      )}
      {list.data && list.data.total > 0 ? (
        <Pagination
          className="list-pagination"
          current={params.page}
          pageSize={params.pageSize}
          total={list.data.total}
          showTotal={(t) =>
            `共 ${formatNumber(t)}${props.capped && list.data?.totalCapped ? '+' : ''} ${props.unit}`
          }
          onChange={(page, pageSize) => params.update({ page, pageSize })}
          size="small"
        />
      ) : null}
    </>
  );
}

export function ActiveTag({ active }: { active: boolean }) {
  return active ? <Tag color="green">启用</Tag> : <Tag>已停用</Tag>;
}

export const ACTIVE_OPTIONS = [
  { value: 'true', label: '启用' },
  { value: 'false', label: '已停用' },
];

/** The 状态 (active or not) filter of the directory lists. */
export const ACTIVE_FILTER = {
  key: 'active',
  label: '状态',
  options: ACTIVE_OPTIONS,
  className: 'filter-110',
} as const satisfies ListFilter<'active'>;

/** The 状态 column of the directory lists. */
export const ACTIVE_COLUMN = {
  title: '状态',
  dataIndex: 'active',
  render: (active: boolean) => <ActiveTag active={active} />,
};

/** The 操作 column: the row's buttons the server allows. */
export function actionsColumn<T extends { actions: readonly string[] }>(items: (record: T) => RowAction[]) {
  return {
    title: '操作',
    key: 'actions',
    render: (_: unknown, record: T) => <RowActions allowed={record.actions} items={items(record)} />,
  };
}

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

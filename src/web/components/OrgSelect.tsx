/** Picks one or more organizations with server-side search (GET /api/orgs?q=). */
import { useQueries, useQuery } from '@tanstack/react-query';
import { Select } from 'antd';
import { useEffect, useState } from 'react';
import type { Org } from '../../domain/api';
import type { OrgKind } from '../../domain/enums';
import { api, type Page } from '../api';

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

type Props = {
  kind?: OrgKind;
  placeholder?: string;
  style?: React.CSSProperties;
  className?: string;
  id?: string;
  allowClear?: boolean;
} & (
  | { multiple?: false; value?: string | null; onChange?: (value: string | null) => void }
  | { multiple: true; value?: string[]; onChange?: (value: string[]) => void }
);

export function OrgSelect(props: Props) {
  const [search, setSearch] = useState('');
  const q = useDebounced(search, 250);
  const found = useQuery({
    queryKey: ['orgs', 'options', q, props.kind ?? null],
    queryFn: ({ signal }) => api.get<Page<Org>>('/api/orgs', { q, kind: props.kind, pageSize: 50 }, signal),
    staleTime: 30_000,
  });
  const selected = props.multiple ? (props.value ?? []) : props.value ? [props.value] : [];
  const known = new Set((found.data?.items ?? []).map((o) => o.id));
  const missing = selected.filter((id) => !known.has(id));
  const extra = useQueries({
    queries: missing.map((id) => ({
      queryKey: ['orgs', 'detail', id],
      queryFn: ({ signal }: { signal: AbortSignal }) => api.get<Org>(`/api/orgs/${id}`, undefined, signal),
      staleTime: 60_000,
    })),
  });
  const byId = new Map<string, Org>();
  for (const o of found.data?.items ?? []) byId.set(o.id, o);
  for (const r of extra) if (r.data) byId.set(r.data.id, r.data);
  const options = [...byId.values()].map((o) => ({
    value: o.id,
    label: o.active ? o.name : `${o.name}（已停用）`,
  }));

  return (
    <Select
      id={props.id}
      mode={props.multiple ? 'multiple' : undefined}
      value={props.multiple ? (props.value ?? []) : (props.value ?? undefined)}
      onChange={(v: string | string[] | undefined) => {
        if (props.multiple) props.onChange?.((v as string[]) ?? []);
        else props.onChange?.((v as string | undefined) ?? null);
      }}
      options={options}
      showSearch={{ filterOption: false, onSearch: setSearch }}
      loading={found.isFetching}
      allowClear={props.allowClear ?? true}
      placeholder={props.placeholder ?? '输入名称搜索组织'}
      notFoundContent={found.isFetching ? '搜索中…' : '没有匹配的组织'}
      className={props.className}
      style={props.style ?? (props.className ? undefined : { width: '100%' })}
      onBlur={() => setSearch('')}
    />
  );
}

/** Picks a region from the tree (GET /api/regions/tree). */
import { useQuery } from '@tanstack/react-query';
import { TreeSelect } from 'antd';
import type { RegionTreeNode } from '../../domain/api';
import { type RegionLevel, regionLevelLabels } from '../../domain/enums';
import { api } from '../api';

export const REGION_TREE_KEY = ['regions', 'tree'] as const;

export function useRegionTree() {
  return useQuery({
    queryKey: REGION_TREE_KEY,
    queryFn: ({ signal }) => api.get<RegionTreeNode[]>('/api/regions/tree', undefined, signal),
    staleTime: 60_000,
  });
}

interface Option {
  title: string;
  value: string;
  disabled?: boolean;
  children: Option[];
}

function toOptions(nodes: RegionTreeNode[], selectable?: readonly string[]): Option[] {
  return nodes.map((n) => ({
    title: n.name,
    value: n.id,
    disabled: selectable ? !selectable.includes(n.level) : false,
    children: toOptions(n.children ?? [], selectable),
  }));
}

/** Finds a node's name in the tree, for labels. */
export function regionName(
  nodes: RegionTreeNode[] | undefined,
  id: string | null | undefined,
): string | null {
  if (!nodes || !id) return null;
  for (const n of nodes) {
    if (n.id === id) return n.name;
    const found = regionName(n.children, id);
    if (found) return found;
  }
  return null;
}

export function RegionTreeSelect(props: {
  value?: string | null;
  onChange?: (value: string | null) => void;
  /** Only these levels can be chosen (others are shown but disabled). */
  levels?: readonly RegionLevel[];
  placeholder?: string;
  allowClear?: boolean;
  disabled?: boolean;
  style?: React.CSSProperties;
  className?: string;
  id?: string;
}) {
  const tree = useRegionTree();
  const levelHint = props.levels?.map((l) => regionLevelLabels[l]).join('或');
  return (
    <TreeSelect
      id={props.id}
      value={props.value ?? undefined}
      onChange={(v) => props.onChange?.((v as string | undefined) ?? null)}
      treeData={toOptions(tree.data ?? [], props.levels)}
      loading={tree.isLoading}
      allowClear={props.allowClear ?? true}
      disabled={props.disabled}
      showSearch={{ treeNodeFilterProp: 'title' }}
      treeDefaultExpandAll
      placeholder={props.placeholder ?? (levelHint ? `选择${levelHint}` : '选择区划')}
      className={props.className}
      style={props.style ?? (props.className ? undefined : { width: '100%' })}
      popupMatchSelectWidth={false}
    />
  );
}

interface CheckOption {
  title: string;
  value: string;
  disableCheckbox?: boolean;
  children: CheckOption[];
}

function toCheckOptions(nodes: RegionTreeNode[]): CheckOption[] {
  return nodes.map((n) => ({
    title: n.name,
    value: n.id,
    disableCheckbox: n.level === 'district',
    children: toCheckOptions(n.children ?? []),
  }));
}

/**
 * Several streets and/or communities (a call's service area). Checking every community of a
 * street selects the street itself.
 */
export function ServiceAreaSelect(props: {
  value?: string[];
  onChange?: (value: string[]) => void;
  id?: string;
  placeholder?: string;
}) {
  const tree = useRegionTree();
  return (
    <TreeSelect
      id={props.id}
      // Until the tree is there the chosen areas have no names (and rc-tree warns of unknown keys).
      value={tree.data ? (props.value ?? []) : []}
      onChange={(v) => props.onChange?.((v as string[]) ?? [])}
      treeData={toCheckOptions(tree.data ?? [])}
      loading={tree.isLoading}
      treeCheckable
      showCheckedStrategy={TreeSelect.SHOW_PARENT}
      showSearch={{ treeNodeFilterProp: 'title' }}
      treeDefaultExpandedKeys={(tree.data ?? []).map((n) => n.id)}
      placeholder={props.placeholder ?? '选择街道或社区（可多选）'}
      maxTagCount="responsive"
      style={{ width: '100%' }}
      popupMatchSelectWidth={false}
      allowClear
    />
  );
}

/** The communities (社区/村) inside some streets or communities, for choosing where a service happens. */
export function communitiesWithin(
  nodes: RegionTreeNode[] | undefined,
  areaIds: readonly string[],
): { id: string; name: string; streetName: string }[] {
  const out: { id: string; name: string; streetName: string }[] = [];
  const visit = (list: RegionTreeNode[], inside: boolean, streetName: string) => {
    for (const n of list) {
      const here = inside || areaIds.includes(n.id);
      const street = n.level === 'street' ? n.name : streetName;
      if (n.level === 'community') {
        if (here) out.push({ id: n.id, name: n.name, streetName: street });
      } else visit(n.children ?? [], here, street);
    }
  };
  visit(nodes ?? [], false, '');
  return out;
}

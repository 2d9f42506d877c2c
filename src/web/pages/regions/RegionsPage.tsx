/** 区划管理: district → street → community, as a searchable list and as a tree. */
import { Alert, Card, Form, Input, Select, Tabs, Tree } from 'antd';
import type { Region, RegionTreeNode } from '../../../domain/api';
import { childLevel, REGION_LEVELS, type RegionLevel, regionLevelLabels } from '../../../domain/enums';
import { LoadFailed } from '../../components/ErrorPages';
import {
  ACTIVE_COLUMN,
  ACTIVE_FILTER,
  actionsColumn,
  activationActions,
  ListActions,
  type ListFilter,
  ListToolbar,
  PagedTable,
} from '../../components/list';
import { PageHeader } from '../../components/PageHeader';
import { type RecordEditorConfig, useDirectory } from '../../components/RecordEditor';
import { RegionTreeSelect, useRegionTree } from '../../components/RegionTreeSelect';

const LEVEL_OPTIONS = REGION_LEVELS.map((l) => ({ value: l, label: regionLevelLabels[l] }));
const parentLevel = (level: RegionLevel): RegionLevel | null =>
  (Object.keys(childLevel) as RegionLevel[]).find((l) => childLevel[l] === level) ?? null;

interface FormValues {
  name: string;
  code: string;
  level: RegionLevel;
  parentId: string | null;
}
const FIELDS = ['name', 'code', 'level', 'parentId'];

function RegionFields({ record }: { record: Region | null }) {
  const isNew = !record;
  const level = Form.useWatch('level', Form.useFormInstance<FormValues>());
  const needParent = level ? parentLevel(level) : null;
  return (
    <>
      <Form.Item
        label="名称"
        name="name"
        rules={[{ required: true, whitespace: true, message: '请填写名称' }]}
      >
        <Input maxLength={50} placeholder="如：关上街道" />
      </Form.Item>
      <Form.Item
        label="区划代码"
        name="code"
        rules={[
          { required: true, message: '请填写区划代码' },
          { pattern: /^\d{6,12}$/, message: '区划代码应为6到12位数字' },
        ]}
        extra="国家统计用区划代码，6到12位数字"
      >
        <Input inputMode="numeric" maxLength={12} />
      </Form.Item>
      <Form.Item label="层级" name="level" rules={[{ required: true, message: '请选择层级' }]}>
        <Select options={LEVEL_OPTIONS} disabled={!isNew} />
      </Form.Item>
      {needParent ? (
        <Form.Item label="上级区划" name="parentId" rules={[{ required: isNew, message: '请选择上级区划' }]}>
          <RegionTreeSelect levels={[needParent]} allowClear={false} disabled={!isNew} />
        </Form.Item>
      ) : null}
      {!isNew ? <Alert type="info" title="层级和上级区划创建后不能修改。" showIcon /> : null}
    </>
  );
}

const EDITOR: RecordEditorConfig<Region, FormValues> = {
  path: '/api/regions',
  queryKey: 'regions',
  fields: FIELDS,
  title: (r) => (r ? `编辑区划：${r.name}` : '新建区划'),
  newValues: { level: 'street', parentId: null },
  toValues: (r) => ({ name: r.name, code: r.code, level: r.level, parentId: r.parentId }),
  toCreate: (v) => ({ ...v, parentId: parentLevel(v.level) ? v.parentId : null }),
  toUpdate: (v) => ({ name: v.name, code: v.code }),
  created: (v) => `已新建区划「${v.name}」`,
  saved: (v) => `已保存「${v.name}」`,
  Fields: RegionFields,
};

const FILTERS: ListFilter<'level' | 'parentId' | 'active'>[] = [
  { key: 'level', label: '层级', options: LEVEL_OPTIONS, className: 'filter-130' },
  { key: 'parentId', label: '上级区划', control: RegionTreeSelect, className: 'filter-200' },
  ACTIVE_FILTER,
];

interface TreeData {
  key: string;
  title: string;
  children: TreeData[];
}
function toTree(nodes: RegionTreeNode[]): TreeData[] {
  return nodes.map((n) => ({
    key: n.id,
    title: `${n.name}（${regionLevelLabels[n.level as RegionLevel] ?? n.level}）`,
    children: toTree(n.children ?? []),
  }));
}

function RegionTreeView() {
  const tree = useRegionTree();
  if (tree.isError) return <LoadFailed message="区划树加载失败" onRetry={() => tree.refetch()} />;
  if (tree.isPending) return null;
  if (tree.data.length === 0) return <Alert type="info" title="还没有区划" />;
  return <Tree treeData={toTree(tree.data)} defaultExpandAll showLine selectable={false} />;
}

export function RegionsPage() {
  const { params, list, act, editor } = useDirectory(EDITOR, ['level', 'parentId', 'active'] as const);

  return (
    <>
      <PageHeader
        title="区划管理"
        subTitle="区 → 街道/乡镇 → 社区/村 三级区划"
        extra={
          <ListActions
            allowed={list.data?.actions ?? []}
            create={{ label: '新建', onClick: editor.openNew }}
          />
        }
      />
      <Card>
        <Tabs
          items={[
            {
              key: 'list',
              label: '列表',
              children: (
                <>
                  <ListToolbar params={params} search="搜索名称或代码" filters={FILTERS} />
                  <PagedTable<Region>
                    list={list}
                    params={params}
                    columns={[
                      { title: '名称', dataIndex: 'name', fixed: 'left' },
                      { title: '区划代码', dataIndex: 'code' },
                      {
                        title: '层级',
                        dataIndex: 'level',
                        render: (l: RegionLevel) => regionLevelLabels[l] ?? l,
                      },
                      { title: '上级区划', dataIndex: 'parentName', render: (v) => v ?? '—' },
                      ACTIVE_COLUMN,
                      actionsColumn<Region>((r) => [
                        editor.editAction(r),
                        ...activationActions(r, r.name, act),
                      ]),
                    ]}
                  />
                </>
              ),
            },
            { key: 'tree', label: '树形', children: <RegionTreeView /> },
          ]}
        />
      </Card>
      {editor.modal}
    </>
  );
}

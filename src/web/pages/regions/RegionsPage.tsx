/** 区划管理: district → street → community, as a searchable list and as a tree. */
import { PlusOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Form, Input, Modal, Select, Tabs, Tree } from 'antd';
import { useState } from 'react';
import type { Region, RegionTreeNode } from '../../../domain/api';
import { childLevel, REGION_LEVELS, type RegionLevel, regionLevelLabels } from '../../../domain/enums';
import { api } from '../../api';
import { LoadFailed } from '../../components/ErrorPages';
import { applyServerErrors, changedFields } from '../../components/forms';
import {
  ACTIVE_OPTIONS,
  ActiveTag,
  activationActions,
  ListToolbar,
  PagedTable,
  RowActions,
  SearchBox,
  useList,
  useListParams,
  usePostAction,
} from '../../components/list';
import { PageHeader } from '../../components/PageHeader';
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

function RegionForm(props: { editing: Region | 'new'; onClose: () => void }) {
  const [form] = Form.useForm<FormValues>();
  const { message } = App.useApp();
  const client = useQueryClient();
  const [saving, setSaving] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const isNew = props.editing === 'new';
  const level = Form.useWatch('level', form);
  const needParent = level ? parentLevel(level) : null;

  async function submit(values: FormValues) {
    setSaving(true);
    setFailure(null);
    try {
      if (props.editing === 'new') {
        await api.post('/api/regions', { ...values, parentId: needParent ? values.parentId : null });
        message.success(`已新建区划「${values.name}」`);
      } else {
        const patch = changedFields({ name: values.name, code: values.code }, props.editing);
        if (Object.keys(patch).length > 0) await api.patch(`/api/regions/${props.editing.id}`, patch);
        message.success(`已保存「${values.name}」`);
      }
      await client.invalidateQueries({ queryKey: ['regions'] });
      props.onClose();
    } catch (error) {
      setFailure(applyServerErrors(form, error, FIELDS));
    } finally {
      setSaving(false);
    }
  }

  return (
    <Modal
      open
      title={isNew ? '新建区划' : `编辑区划：${(props.editing as Region).name}`}
      okText="保存"
      onOk={() => form.submit()}
      confirmLoading={saving}
      onCancel={props.onClose}
      destroyOnHidden
    >
      {failure ? <Alert type="error" showIcon title={failure} style={{ marginBottom: 16 }} /> : null}
      <Form<FormValues>
        form={form}
        layout="vertical"
        onFinish={submit}
        initialValues={
          props.editing === 'new'
            ? { level: 'street', parentId: null }
            : {
                name: props.editing.name,
                code: props.editing.code,
                level: props.editing.level,
                parentId: props.editing.parentId,
              }
        }
      >
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
          <Form.Item
            label="上级区划"
            name="parentId"
            rules={[{ required: isNew, message: '请选择上级区划' }]}
          >
            <RegionTreeSelect levels={[needParent]} allowClear={false} disabled={!isNew} />
          </Form.Item>
        ) : null}
        {!isNew ? <Alert type="info" title="层级和上级区划创建后不能修改。" showIcon /> : null}
      </Form>
    </Modal>
  );
}

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
  const params = useListParams(['level', 'parentId', 'active'] as const);
  const list = useList<Region>('regions', '/api/regions', params.query);
  const act = usePostAction('regions', '/api/regions');
  const [editing, setEditing] = useState<Region | 'new' | null>(null);
  const canCreate = list.data?.actions.includes('create');

  return (
    <>
      <PageHeader
        title="区划管理"
        subTitle="区 → 街道/乡镇 → 社区/村 三级区划"
        extra={
          canCreate ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
              新建
            </Button>
          ) : null
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
                  <ListToolbar>
                    <SearchBox
                      value={params.q}
                      onSearch={(q) => params.update({ q })}
                      placeholder="搜索名称或代码"
                    />
                    <Select
                      allowClear
                      placeholder="层级"
                      aria-label="层级"
                      options={LEVEL_OPTIONS}
                      value={params.filters.level}
                      onChange={(level) => params.update({ level })}
                      className="filter-130"
                    />
                    <RegionTreeSelect
                      placeholder="上级区划"
                      value={params.filters.parentId ?? null}
                      onChange={(parentId) => params.update({ parentId })}
                      className="filter-200"
                    />
                    <Select
                      allowClear
                      placeholder="状态"
                      aria-label="状态"
                      options={ACTIVE_OPTIONS}
                      value={params.filters.active}
                      onChange={(active) => params.update({ active })}
                      className="filter-110"
                    />
                  </ListToolbar>
                  {list.isError ? (
                    <LoadFailed message={list.error.message} onRetry={() => list.refetch()} />
                  ) : (
                    <PagedTable<Region>
                      data={list.data}
                      loading={list.isFetching}
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
                        {
                          title: '状态',
                          dataIndex: 'active',
                          render: (a: boolean) => <ActiveTag active={a} />,
                        },
                        {
                          title: '操作',
                          key: 'actions',
                          render: (_, r) => (
                            <RowActions
                              allowed={r.actions}
                              items={[
                                { action: 'update', label: '编辑', onClick: () => setEditing(r) },
                                ...activationActions(r, r.name, act),
                              ]}
                            />
                          ),
                        },
                      ]}
                    />
                  )}
                </>
              ),
            },
            { key: 'tree', label: '树形', children: <RegionTreeView /> },
          ]}
        />
      </Card>
      {editing ? <RegionForm editing={editing} onClose={() => setEditing(null)} /> : null}
    </>
  );
}

/**
 * 指标模板: the admins' indicator systems for evaluations — dimensions, indicators with weights
 * adding up to 100 (the running sum shown, and refused otherwise), scoring guidance, grade bands.
 * The built-in default is shown read-only and may be copied.
 */
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Form,
  Input,
  InputNumber,
  Modal,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import {
  DEFAULT_GRADE_BANDS,
  type EvaluationTemplate,
  type GradeBands,
  type TemplateDimension,
  WEIGHT_TOTAL,
} from '../../../domain/evaluations';
import { api, errorMessage } from '../../api';
import { LoadFailed } from '../../components/ErrorPages';
import { applyServerErrors } from '../../components/forms';
import { PageHeader } from '../../components/PageHeader';

const KEY = 'evaluation-templates';

interface Values {
  name: string;
  dimensions: TemplateDimension[];
  bands: GradeBands;
}

const weightSum = (dims: readonly Partial<TemplateDimension>[] | undefined) =>
  (dims ?? []).reduce(
    (s, d) => s + (d?.indicators ?? []).reduce((t, i) => t + (Number(i?.weight) || 0), 0),
    0,
  );

export function TemplatesPage() {
  const list = useQuery({
    queryKey: [KEY],
    queryFn: ({ signal }) =>
      api.get<{ items: EvaluationTemplate[]; actions: string[] }>(
        '/api/evaluation-templates',
        undefined,
        signal,
      ),
  });
  const client = useQueryClient();
  const { message } = App.useApp();
  const [editing, setEditing] = useState<{ template: EvaluationTemplate | null; copy: boolean } | null>(null);
  if (list.isError) return <LoadFailed message={list.error.message} onRetry={() => list.refetch()} />;
  const canCreate = list.data?.actions.includes('create');
  return (
    <>
      <PageHeader
        title="指标模板"
        subTitle="第三方评估的指标体系：维度、指标、权重（合计100）、评分说明和等级分数线"
        extra={
          canCreate ? (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setEditing({ template: null, copy: false })}
            >
              新建模板
            </Button>
          ) : null
        }
      />
      <Card>
        <Table<EvaluationTemplate>
          rowKey={(t) => t.id ?? 'default'}
          loading={list.isLoading}
          dataSource={list.data?.items ?? []}
          pagination={false}
          scroll={{ x: 'max-content' }}
          columns={[
            {
              title: '名称',
              dataIndex: 'name',
              render: (v: string, t) =>
                t.id ? (
                  v
                ) : (
                  <>
                    {v} <Tag>内置</Tag>
                  </>
                ),
            },
            { title: '维度', key: 'dims', render: (_, t) => t.dimensions.map((d) => d.name).join('、') },
            {
              title: '指标数',
              key: 'n',
              render: (_, t) => t.dimensions.reduce((s, d) => s + d.indicators.length, 0),
            },
            {
              title: '等级分数线',
              key: 'bands',
              render: (_, t) => `优秀 ${t.bands.excellent} / 良好 ${t.bands.good} / 合格 ${t.bands.pass}`,
            },
            {
              title: '状态',
              dataIndex: 'active',
              render: (a: boolean) => (a ? <Tag color="green">启用</Tag> : <Tag>停用</Tag>),
            },
            {
              title: '操作',
              key: 'actions',
              render: (_, t) => (
                <Space size={0} wrap>
                  {t.actions.includes('update') ? (
                    <Button type="link" size="small" onClick={() => setEditing({ template: t, copy: false })}>
                      编辑
                    </Button>
                  ) : null}
                  {canCreate ? (
                    <Button type="link" size="small" onClick={() => setEditing({ template: t, copy: true })}>
                      复制为新模板
                    </Button>
                  ) : null}
                  {t.actions.includes('update') ? (
                    <Button
                      type="link"
                      size="small"
                      onClick={async () => {
                        try {
                          await api.patch(`/api/evaluation-templates/${t.id}`, {
                            active: !t.active,
                            version: t.version,
                          });
                          message.success(t.active ? '已停用' : '已启用');
                          await client.invalidateQueries({ queryKey: [KEY] });
                        } catch (error) {
                          message.error(errorMessage(error));
                        }
                      }}
                    >
                      {t.active ? '停用' : '启用'}
                    </Button>
                  ) : null}
                </Space>
              ),
            },
          ]}
        />
      </Card>
      {editing ? <TemplateEditor {...editing} onClose={() => setEditing(null)} /> : null}
    </>
  );
}

function TemplateEditor({
  template,
  copy,
  onClose,
}: {
  template: EvaluationTemplate | null;
  copy: boolean;
  onClose: () => void;
}) {
  const [form] = Form.useForm<Values>();
  const client = useQueryClient();
  const { message } = App.useApp();
  const [saving, setSaving] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const dims = Form.useWatch('dimensions', form) as Partial<TemplateDimension>[] | undefined;
  const sum = weightSum(dims);
  const updating = !!template?.id && !copy;

  async function submit(v: Values) {
    setSaving(true);
    setFailure(null);
    try {
      if (updating)
        await api.patch(`/api/evaluation-templates/${template!.id}`, { ...v, version: template!.version });
      else await api.post('/api/evaluation-templates', v);
      message.success('指标模板已保存');
      await client.invalidateQueries({ queryKey: [KEY] });
      onClose();
    } catch (error) {
      setFailure(applyServerErrors(form, error, ['name', 'dimensions', 'bands']));
    } finally {
      setSaving(false);
    }
  }

  return (
    <Modal
      open
      width={900}
      title={updating ? '编辑指标模板' : '新建指标模板'}
      okText="保存"
      confirmLoading={saving}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      {failure ? <Alert type="error" showIcon title={failure} style={{ marginBottom: 12 }} /> : null}
      <Form<Values>
        form={form}
        layout="vertical"
        onFinish={submit}
        initialValues={{
          name: template ? (copy ? `${template.name}（副本）` : template.name) : '',
          dimensions: template?.dimensions ?? [
            { name: '', indicators: [{ key: '', name: '', weight: 0, guidance: '' }] },
          ],
          bands: template?.bands ?? DEFAULT_GRADE_BANDS,
        }}
      >
        <Form.Item
          name="name"
          label="模板名称"
          rules={[{ required: true, min: 2, message: '模板名称不少于2个字' }]}
        >
          <Input maxLength={50} />
        </Form.Item>
        <Form.List
          name="dimensions"
          rules={[
            {
              validator: async (_r, list: Partial<TemplateDimension>[] | undefined) => {
                const total = weightSum(list);
                if (total !== WEIGHT_TOTAL) throw new Error(`指标权重合计必须为100（当前为${total}）`);
              },
            },
          ]}
        >
          {(fields, { add, remove }, { errors }) => (
            <>
              {fields.map((f, di) => (
                <Card
                  key={f.key}
                  size="small"
                  style={{ marginBottom: 12 }}
                  title={
                    <Form.Item
                      name={[f.name, 'name']}
                      noStyle
                      rules={[{ required: true, whitespace: true, message: '请填写维度名称' }]}
                    >
                      <Input
                        placeholder="维度名称，如：服务成效"
                        aria-label={`维度${di + 1}名称`}
                        maxLength={30}
                      />
                    </Form.Item>
                  }
                  extra={
                    <Button
                      type="text"
                      danger
                      icon={<DeleteOutlined />}
                      aria-label={`删除维度${di + 1}`}
                      disabled={fields.length <= 1}
                      onClick={() => remove(f.name)}
                    />
                  }
                >
                  <Form.List name={[f.name, 'indicators']}>
                    {(inds, ops) => (
                      <>
                        {inds.map((i, ii) => (
                          <div key={i.key} className="template-indicator">
                            <Space wrap align="start">
                              <Form.Item
                                name={[i.name, 'key']}
                                rules={[
                                  { required: true, message: '请填写标识' },
                                  {
                                    pattern: /^[a-z][a-z0-9_]{0,31}$/,
                                    message: '小写字母开头的字母、数字或下划线',
                                  },
                                ]}
                                className="w-120"
                              >
                                <Input
                                  placeholder="标识，如 outputs"
                                  aria-label={`维度${di + 1}指标${ii + 1}标识`}
                                />
                              </Form.Item>
                              <Form.Item
                                name={[i.name, 'name']}
                                rules={[{ required: true, whitespace: true, message: '请填写指标名称' }]}
                                className="w-220"
                              >
                                <Input
                                  placeholder="指标名称"
                                  aria-label={`维度${di + 1}指标${ii + 1}名称`}
                                  maxLength={50}
                                />
                              </Form.Item>
                              <Form.Item
                                name={[i.name, 'weight']}
                                rules={[{ required: true, type: 'number', min: 1, message: '权重至少为1' }]}
                                className="w-120"
                              >
                                <InputNumber
                                  min={1}
                                  max={WEIGHT_TOTAL}
                                  precision={0}
                                  suffix="分"
                                  aria-label={`维度${di + 1}指标${ii + 1}权重`}
                                />
                              </Form.Item>
                              <Button
                                type="text"
                                danger
                                icon={<DeleteOutlined />}
                                aria-label={`删除维度${di + 1}指标${ii + 1}`}
                                disabled={inds.length <= 1}
                                onClick={() => ops.remove(i.name)}
                              />
                            </Space>
                            <Form.Item name={[i.name, 'guidance']}>
                              <Input.TextArea
                                rows={1}
                                placeholder="评分说明（评估人员评分时可见）"
                                aria-label={`维度${di + 1}指标${ii + 1}评分说明`}
                                maxLength={500}
                              />
                            </Form.Item>
                          </div>
                        ))}
                        <Button
                          size="small"
                          icon={<PlusOutlined />}
                          onClick={() => ops.add({ key: '', name: '', weight: 0, guidance: '' })}
                        >
                          添加指标
                        </Button>
                      </>
                    )}
                  </Form.List>
                </Card>
              ))}
              <Space wrap>
                <Button
                  icon={<PlusOutlined />}
                  onClick={() =>
                    add({ name: '', indicators: [{ key: '', name: '', weight: 0, guidance: '' }] })
                  }
                >
                  添加维度
                </Button>
                <Typography.Text type={sum === WEIGHT_TOTAL ? 'success' : 'danger'} data-testid="weight-sum">
                  权重合计 {sum} / {WEIGHT_TOTAL}
                </Typography.Text>
              </Space>
              <Form.ErrorList errors={errors} />
            </>
          )}
        </Form.List>
        <Typography.Title level={5} style={{ marginTop: 16 }}>
          等级分数线
        </Typography.Title>
        <Space wrap>
          <Form.Item name={['bands', 'excellent']} label="优秀 ≥" rules={[{ required: true }]}>
            <InputNumber min={1} max={100} precision={0} />
          </Form.Item>
          <Form.Item name={['bands', 'good']} label="良好 ≥" rules={[{ required: true }]}>
            <InputNumber min={1} max={100} precision={0} />
          </Form.Item>
          <Form.Item name={['bands', 'pass']} label="合格 ≥" rules={[{ required: true }]}>
            <InputNumber min={1} max={100} precision={0} />
          </Form.Item>
          <span className="muted">低于合格分数线为不合格</span>
        </Space>
      </Form>
    </Modal>
  );
}

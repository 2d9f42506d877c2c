/** Creating a call from scratch, or editing one (after publication every change needs a public reason). */
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
  Radio,
  Select,
  Skeleton,
  Space,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import {
  GRADES,
  type Grade,
  SERVICE_CATEGORIES,
  type ServiceCategory,
  serviceCategoryLabels,
} from '../../../domain/enums';
import { DEFAULT_RUBRIC } from '../../../domain/lifecycle';
import { AGGREGATIONS, type Aggregation, aggregationLabels } from '../../../domain/reviews';
import { api } from '../../api';
import { DatePicker } from '../../components/DatePicker';
import { LoadFailed } from '../../components/ErrorPages';
import { applyServerErrors, changedFields } from '../../components/forms';
import { MoneyInput } from '../../components/MoneyInput';
import { PageHeader } from '../../components/PageHeader';
import { RegionTreeSelect, ServiceAreaSelect } from '../../components/RegionTreeSelect';
import { RichTextEditor } from '../../components/RichTextEditor';
import { type Dayjs, formatMoney, pickerDate, pickerInstant, pickerNow, toPicker } from '../../format';
import type { CallManaged } from './types';

interface Criterion {
  key: string;
  label: string;
  weight: number | null;
}

interface Values {
  title: string;
  category: ServiceCategory;
  regionId: string | null;
  serviceAreaIds: string[];
  targetGroups: string[];
  budgetCapFen: number | null;
  totalBudgetFen: number | null;
  servicePeriodStart: Dayjs | null;
  servicePeriodEnd: Dayjs | null;
  applicationOpensAt: Dayjs | null;
  applicationClosesAt: Dayjs | null;
  reviewMethod: 'roadshow' | 'written';
  aggregation: Aggregation;
  rubric: Criterion[];
  minGrade: Grade | null;
  minYearsRegistered: number | null;
  descriptionHtml: string;
  changeReason?: string;
}

/** Top-level names of the API's fields, for putting server errors on the right inputs. */
const FIELDS = [
  'title',
  'category',
  'regionId',
  'serviceAreaIds',
  'targetGroups',
  'budgetCapFen',
  'totalBudgetFen',
  'servicePeriodStart',
  'servicePeriodEnd',
  'applicationOpensAt',
  'applicationClosesAt',
  'reviewMethod',
  'aggregation',
  'rubric',
  'descriptionHtml',
  'changeReason',
];

const CATEGORY_OPTIONS = SERVICE_CATEGORIES.map((c) => ({ value: c, label: serviceCategoryLabels[c] }));
const AGGREGATION_OPTIONS = AGGREGATIONS.map((a) => ({ value: a, label: aggregationLabels[a] }));
const TARGET_SUGGESTIONS = [
  '老年人',
  '困境儿童',
  '青少年',
  '残疾人',
  '低保家庭',
  '流动人口',
  '社区居民',
  '退役军人',
];
const DATETIME_FORMAT = 'YYYY-MM-DD HH:mm';

function toPayload(v: Values) {
  return {
    title: v.title,
    category: v.category,
    regionId: v.regionId ?? null,
    serviceAreaIds: v.serviceAreaIds ?? [],
    targetGroups: (v.targetGroups ?? []).map((t) => t.trim()).filter(Boolean),
    budgetCapFen: v.budgetCapFen,
    totalBudgetFen: v.totalBudgetFen,
    servicePeriodStart: pickerDate(v.servicePeriodStart),
    servicePeriodEnd: pickerDate(v.servicePeriodEnd),
    applicationOpensAt: pickerInstant(v.applicationOpensAt?.second(0).millisecond(0)),
    applicationClosesAt: pickerInstant(v.applicationClosesAt?.second(0).millisecond(0)),
    reviewMethod: v.reviewMethod,
    aggregation: v.aggregation,
    rubric: v.rubric.map((c) => ({ key: c.key, label: c.label.trim(), weight: c.weight ?? 0 })),
    eligibility: { minGrade: v.minGrade ?? null, minYearsRegistered: v.minYearsRegistered ?? null },
    descriptionHtml: v.descriptionHtml ?? '',
  };
}

function fromCall(c: CallManaged): Values {
  return {
    title: c.title,
    category: c.category,
    regionId: c.regionId,
    serviceAreaIds: c.serviceAreas.map((a) => a.id),
    targetGroups: c.targetGroups,
    budgetCapFen: c.budgetCapFen,
    totalBudgetFen: c.totalBudgetFen,
    servicePeriodStart: toPicker(c.servicePeriodStart),
    servicePeriodEnd: toPicker(c.servicePeriodEnd),
    applicationOpensAt: toPicker(c.applicationOpensAt),
    applicationClosesAt: toPicker(c.applicationClosesAt),
    reviewMethod: c.reviewMethod as Values['reviewMethod'],
    aggregation: c.aggregation as Aggregation,
    rubric: c.rubric.map((r) => ({ ...r })),
    minGrade: (c.eligibility.minGrade as Grade | null) ?? null,
    minYearsRegistered: c.eligibility.minYearsRegistered,
    descriptionHtml: c.descriptionHtml,
  };
}

function defaults(): Partial<Values> {
  const now = pickerNow().second(0).millisecond(0);
  const nextMonth = now.add(1, 'month').startOf('month');
  return {
    category: 'elderly',
    regionId: null,
    serviceAreaIds: [],
    targetGroups: [],
    budgetCapFen: null,
    totalBudgetFen: null,
    applicationOpensAt: now,
    applicationClosesAt: now.add(14, 'day').hour(17).minute(0),
    servicePeriodStart: nextMonth,
    servicePeriodEnd: nextMonth.add(1, 'year').subtract(1, 'day'),
    reviewMethod: 'roadshow',
    aggregation: 'trimmed_mean',
    rubric: DEFAULT_RUBRIC.map((c) => ({ ...c })),
    minGrade: null,
    minYearsRegistered: null,
    descriptionHtml: '',
  };
}

function nextKey(rubric: Criterion[]): string {
  for (let n = rubric.length + 1; ; n++) {
    const key = `c${n}`;
    if (!rubric.some((c) => c.key === key)) return key;
  }
}

function RubricEditor() {
  const form = Form.useFormInstance<Values>();
  const rubric = (Form.useWatch('rubric', form) ?? []) as Criterion[];
  const total = rubric.reduce((s, c) => s + (Number(c?.weight) || 0), 0);
  return (
    <Form.List
      name="rubric"
      rules={[
        {
          validator: async (_r, list: Criterion[] | undefined) => {
            if (!list?.length) throw new Error('至少需要一个评分项');
            const sum = list.reduce((s, c) => s + (Number(c?.weight) || 0), 0);
            if (sum !== 100) throw new Error(`评分项权重合计必须为100（当前${sum}）`);
          },
        },
      ]}
    >
      {(fields, { add, remove }, { errors }) => (
        <div className="rubric-editor">
          {fields.map((field, index) => (
            <Space key={field.key} align="start" className="rubric-row" wrap={false}>
              <Form.Item
                name={[field.name, 'label']}
                rules={[{ required: true, whitespace: true, message: '请填写评分项名称' }]}
                className="rubric-label"
              >
                <Input placeholder="评分项名称" aria-label={`评分项${index + 1}名称`} maxLength={50} />
              </Form.Item>
              <Form.Item
                name={[field.name, 'weight']}
                rules={[{ required: true, message: '请填写分值' }]}
                className="rubric-weight"
              >
                <InputNumber
                  min={1}
                  max={100}
                  precision={0}
                  suffix="分"
                  aria-label={`评分项${index + 1}分值`}
                />
              </Form.Item>
              <Button
                type="text"
                danger
                icon={<DeleteOutlined />}
                aria-label={`删除评分项${index + 1}`}
                onClick={() => remove(field.name)}
                disabled={fields.length <= 1}
              />
              {/* The criterion's stable code travels with the row without taking a place in it. */}
              <Form.Item name={[field.name, 'key']} hidden noStyle>
                <Input type="hidden" />
              </Form.Item>
            </Space>
          ))}
          <div className="rubric-footer">
            <Button
              icon={<PlusOutlined />}
              onClick={() =>
                add({ key: nextKey(form.getFieldValue('rubric') ?? []), label: '', weight: null })
              }
            >
              添加评分项
            </Button>
            <span
              className={total === 100 ? 'rubric-total ok' : 'rubric-total bad'}
              data-testid="rubric-total"
            >
              合计 {total} / 100 分
            </span>
          </div>
          <Form.ErrorList errors={errors} />
        </div>
      )}
    </Form.List>
  );
}

function CallForm({ call }: { call: CallManaged | null }) {
  const [form] = Form.useForm<Values>();
  const navigate = useNavigate();
  const client = useQueryClient();
  const { message } = App.useApp();
  const [saving, setSaving] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const published = !!call && call.status !== 'draft';
  const cap = Form.useWatch('budgetCapFen', form);
  const total = Form.useWatch('totalBudgetFen', form);

  async function submit(values: Values) {
    setSaving(true);
    setFailure(null);
    try {
      const payload = toPayload(values);
      if (!call) {
        const created = await api.post<CallManaged>('/api/calls', payload);
        message.success(`已保存征集草稿「${created.title}」`);
        await client.invalidateQueries({ queryKey: ['calls'] });
        navigate(`/app/calls/${created.id}`, { replace: true });
        return;
      }
      const patch = changedFields(payload, toPayload(fromCall(call)) as unknown as Record<string, unknown>);
      if (Object.keys(patch).length === 0) {
        message.info('没有修改');
        navigate(`/app/calls/${call.id}`);
        return;
      }
      await api.patch(`/api/calls/${call.id}`, {
        ...patch,
        ...(published ? { changeReason: values.changeReason?.trim() } : {}),
      });
      message.success('已保存修改');
      await client.invalidateQueries({ queryKey: ['calls'] });
      await client.invalidateQueries({ queryKey: ['public-calls'] });
      navigate(`/app/calls/${call.id}`);
    } catch (error) {
      setFailure(applyServerErrors(form, error, FIELDS));
    } finally {
      setSaving(false);
    }
  }

  return (
    <Form<Values>
      form={form}
      layout="vertical"
      initialValues={call ? fromCall(call) : defaults()}
      onFinish={submit}
      onFinishFailed={({ errorFields }) => {
        if (errorFields[0]) form.scrollToField(errorFields[0].name, { block: 'center' });
      }}
      scrollToFirstError={false}
    >
      {failure ? <Alert type="error" showIcon title={failure} style={{ marginBottom: 16 }} /> : null}
      {published ? (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          title="该征集已发布"
          description="修改内容和修改原因将公开记录在项目的变更记录中。"
        />
      ) : null}
      <div className="stack">
        <Card title="基本信息">
          <div className="form-grid">
            <Form.Item
              label="项目名称"
              name="title"
              className="span-2"
              rules={[
                { required: true, whitespace: true, message: '请填写项目名称' },
                { min: 4, message: '标题至少4个字' },
              ]}
            >
              <Input maxLength={100} showCount />
            </Form.Item>
            <Form.Item
              label="服务领域"
              name="category"
              rules={[{ required: true, message: '请选择服务领域' }]}
            >
              <Select options={CATEGORY_OPTIONS} />
            </Form.Item>
            <Form.Item label="所属区划" name="regionId" extra="可不选">
              <RegionTreeSelect placeholder="项目所属的区或街道" levels={['district', 'street']} />
            </Form.Item>
            <Form.Item
              label="服务区域"
              name="serviceAreaIds"
              className="span-2"
              rules={[{ required: true, type: 'array', min: 1, message: '请选择服务区域' }]}
              extra="选择街道表示该街道下的全部社区；申报时只能选择服务区域内的社区"
            >
              <ServiceAreaSelect />
            </Form.Item>
            <Form.Item
              label="服务对象"
              name="targetGroups"
              className="span-2"
              extra="可输入后回车添加，最多10项"
            >
              <Select
                mode="tags"
                options={TARGET_SUGGESTIONS.map((t) => ({ value: t, label: t }))}
                placeholder="如：老年人、困境儿童"
                maxCount={10}
              />
            </Form.Item>
          </div>
        </Card>
        <Card title="资金与时间">
          <div className="form-grid">
            <Form.Item
              label="单个项目预算上限"
              name="budgetCapFen"
              rules={[
                { required: true, message: '请填写单个项目预算上限' },
                {
                  validator: async (_r, v: number | null) => {
                    if (v !== null && v !== undefined && v <= 0) throw new Error('金额必须大于0');
                  },
                },
              ]}
            >
              <MoneyInput aria-label="单个项目预算上限" />
            </Form.Item>
            <Form.Item
              label="总预算"
              name="totalBudgetFen"
              dependencies={['budgetCapFen']}
              rules={[
                { required: true, message: '请填写总预算' },
                {
                  validator: async (_r, v: number | null) => {
                    const c = form.getFieldValue('budgetCapFen') as number | null;
                    if (v && c && c > v) throw new Error('总预算不能低于单个项目预算上限');
                  },
                },
              ]}
              extra={cap && total ? `约可资助 ${Math.floor(total / cap)} 个项目（按上限计）` : undefined}
            >
              <MoneyInput aria-label="总预算" />
            </Form.Item>
            <Form.Item
              label="申报开始时间"
              name="applicationOpensAt"
              rules={[{ required: true, message: '请选择申报开始时间' }]}
            >
              <DatePicker showTime={{ format: 'HH:mm' }} format={DATETIME_FORMAT} style={{ width: '100%' }} />
            </Form.Item>
            <Form.Item
              label="申报截止时间"
              name="applicationClosesAt"
              dependencies={['applicationOpensAt']}
              rules={[
                { required: true, message: '请选择申报截止时间' },
                {
                  validator: async (_r, v: Dayjs | null) => {
                    const opens = form.getFieldValue('applicationOpensAt') as Dayjs | null;
                    if (v && opens && !v.isAfter(opens)) throw new Error('申报截止时间必须晚于开始时间');
                  },
                },
              ]}
              extra="征集期少于7天将被标记提示"
            >
              <DatePicker showTime={{ format: 'HH:mm' }} format={DATETIME_FORMAT} style={{ width: '100%' }} />
            </Form.Item>
            <Form.Item
              label="服务期开始"
              name="servicePeriodStart"
              rules={[{ required: true, message: '请选择服务期开始日期' }]}
            >
              <DatePicker style={{ width: '100%' }} />
            </Form.Item>
            <Form.Item
              label="服务期结束"
              name="servicePeriodEnd"
              dependencies={['servicePeriodStart']}
              rules={[
                { required: true, message: '请选择服务期结束日期' },
                {
                  validator: async (_r, v: Dayjs | null) => {
                    const start = form.getFieldValue('servicePeriodStart') as Dayjs | null;
                    if (v && start && v.isBefore(start, 'day'))
                      throw new Error('服务期结束日期不能早于开始日期');
                  },
                },
              ]}
            >
              <DatePicker style={{ width: '100%' }} />
            </Form.Item>
          </div>
        </Card>
        <Card title="资格条件">
          <div className="form-grid">
            <Form.Item label="最低评估等级" name="minGrade" extra="不限则留空">
              <Select
                allowClear
                placeholder="不限"
                options={GRADES.map((g) => ({ value: g, label: `${g}及以上` }))}
              />
            </Form.Item>
            <Form.Item label="最少登记年限" name="minYearsRegistered" extra="不限则留空">
              <InputNumber
                min={0}
                max={50}
                precision={0}
                suffix="年"
                style={{ width: '100%' }}
                placeholder="不限"
              />
            </Form.Item>
          </div>
          <Typography.Text type="secondary">
            系统另自动审查：统一社会信用代码有效、未列入黑榜、申请金额不超过预算上限、服务社区在服务区域内。
          </Typography.Text>
        </Card>
        <Card title="评审方式与评分标准">
          <div className="form-grid">
            <Form.Item label="评审方式" name="reviewMethod">
              <Radio.Group
                options={[
                  { value: 'roadshow', label: '路演评审' },
                  { value: 'written', label: '书面评审' },
                ]}
              />
            </Form.Item>
            <Form.Item label="分数汇总方式" name="aggregation">
              <Select options={AGGREGATION_OPTIONS} />
            </Form.Item>
          </div>
          <Typography.Paragraph type="secondary">
            每位专家按评分项打分（0至该项分值），各项分值合计必须为100分。
          </Typography.Paragraph>
          <RubricEditor />
        </Card>
        <Card title="项目说明">
          <Form.Item name="descriptionHtml" noStyle>
            <RichTextEditor aria-label="项目说明" placeholder="项目背景、服务内容、申报要求、联系方式等" />
          </Form.Item>
        </Card>
        {published ? (
          <Card title="修改原因">
            <Form.Item
              name="changeReason"
              rules={[{ required: true, whitespace: true, message: '请填写修改原因（将公开）' }]}
            >
              <Input.TextArea rows={3} maxLength={500} showCount aria-label="修改原因" />
            </Form.Item>
          </Card>
        ) : null}
        <div className="form-actions">
          <Button type="primary" htmlType="submit" loading={saving}>
            {call ? '保存修改' : '保存草稿'}
          </Button>
          <Button onClick={() => navigate(call ? `/app/calls/${call.id}` : '/app/calls')}>取消</Button>
          {cap ? <span className="muted">单个项目上限 {formatMoney(cap)}</span> : null}
        </div>
      </div>
    </Form>
  );
}

export function CallEditorPage() {
  const { id } = useParams();
  const call = useQuery({
    queryKey: ['calls', 'detail', id],
    queryFn: ({ signal }) => api.get<CallManaged>(`/api/calls/${id}`, undefined, signal),
    enabled: !!id,
  });
  if (id && call.isPending) return <Skeleton active />;
  if (id && call.isError) return <LoadFailed message={call.error.message} onRetry={() => call.refetch()} />;
  const existing = id ? (call.data ?? null) : null;
  return (
    <>
      <PageHeader
        title={existing ? `编辑征集：${existing.title}` : '新建项目征集'}
        subTitle={existing ? existing.code : '先保存为草稿，核对无误后再发布'}
      />
      <CallForm key={existing?.version ?? 'new'} call={existing} />
    </>
  );
}

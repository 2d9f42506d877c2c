/**
 * The provider's application form (申报书), saved as it is typed: each change is sent after a
 * short pause as a PATCH carrying the version it was based on, so edits elsewhere are detected.
 * Rows that are not complete yet stay on the page and are saved once complete.
 */
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Form, Input, InputNumber, Select, Space, Tag, Typography } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { BUDGET_CATEGORIES, budgetCategoryLabels } from '../../../domain/applications';
import { ApiError, api, errorMessage } from '../../api';
import { type AttachmentInfo, AttachmentList } from '../../components/Attachments';
import { MoneyInput } from '../../components/MoneyInput';
import { communitiesWithin, useRegionTree } from '../../components/RegionTreeSelect';
import { formatDateTimeSeconds, formatMoney } from '../../format';
import type { CallDetail } from '../calls/types';
import {
  type ApplicationView,
  indicatorKindLabels,
  type Partner,
  type Proposal,
  partnerKindLabels,
} from './types';

export interface DraftValues {
  communityRegionId: string | null;
  socialWorkerName: string;
  socialWorkerCertificate: string;
  partners: Partial<Partner>[];
  proposal: {
    title: string;
    needAssessment: string;
    objectives: string;
    activities: string;
    indicators: Partial<Proposal['indicators'][number]>[];
    budget: Partial<Proposal['budget'][number]>[];
    timeline: Partial<Proposal['timeline'][number]>[];
    team: Partial<Proposal['team'][number]>[];
  };
}

export function draftOf(a: ApplicationView): DraftValues {
  return {
    communityRegionId: a.communityRegionId,
    socialWorkerName: a.socialWorkerName,
    socialWorkerCertificate: a.socialWorkerCertificate ?? '',
    partners: a.partners,
    proposal: {
      title: a.proposal.title,
      needAssessment: a.proposal.needAssessment,
      objectives: a.proposal.objectives,
      activities: a.proposal.activities,
      indicators: a.proposal.indicators,
      budget: a.proposal.budget,
      timeline: a.proposal.timeline,
      team: a.proposal.team,
    },
  };
}

const filled = (s: unknown) => typeof s === 'string' && s.trim().length > 0;
const str = (s: unknown) => (typeof s === 'string' ? s : '');

/** What of the form can be saved now: incomplete rows are left out until they are complete. */
export function savable(v: DraftValues) {
  const p = v.proposal ?? ({} as DraftValues['proposal']);
  const partners = (v.partners ?? []).filter(
    (x): x is Partner =>
      !!x && filled(x.name) && !!x.kind && Number.isInteger(x.headcount) && (x.headcount ?? 0) >= 1,
  );
  const indicators = (p.indicators ?? []).filter(
    (x): x is Proposal['indicators'][number] =>
      !!x && !!x.kind && filled(x.name) && typeof x.target === 'number' && x.target >= 0 && filled(x.unit),
  );
  const budget = (p.budget ?? []).filter(
    (x): x is Proposal['budget'][number] =>
      !!x && !!x.category && filled(x.item) && typeof x.amountFen === 'number' && x.amountFen >= 1,
  );
  const timeline = (p.timeline ?? [])
    .filter((x) => !!x && (filled(x.period) || filled(x.work)))
    .map((x) => ({ period: str(x.period), work: str(x.work) }));
  const team = (p.team ?? [])
    .filter((x) => !!x && (filled(x.name) || filled(x.role) || filled(x.qualification)))
    .map((x) => ({ name: str(x.name), role: str(x.role), qualification: str(x.qualification) }));
  const skipped =
    (v.partners ?? []).length -
    partners.length +
    (p.indicators ?? []).length -
    indicators.length +
    (p.budget ?? []).length -
    budget.length;
  return {
    body: {
      communityRegionId: v.communityRegionId ?? null,
      socialWorkerName: str(v.socialWorkerName),
      socialWorkerCertificate: str(v.socialWorkerCertificate).trim(),
      partners: partners.map((x) => ({ name: x.name.trim(), kind: x.kind, headcount: x.headcount })),
      proposal: {
        title: str(p.title),
        needAssessment: str(p.needAssessment),
        objectives: str(p.objectives),
        activities: str(p.activities),
        indicators: indicators.map((x) => ({ ...x, name: x.name.trim(), unit: x.unit.trim() })),
        budget: budget.map((x) => ({ ...x, item: x.item.trim() })),
        timeline,
        team,
      },
    },
    skipped,
  };
}

type SaveState =
  | { kind: 'idle' }
  | { kind: 'pending' }
  | { kind: 'saving' }
  | { kind: 'saved'; at: Date }
  | { kind: 'error'; message: string; conflict: boolean };

const AUTOSAVE_DELAY_MS = 800;

/**
 * Debounced, serialized auto-save. `flush()` saves at once and resolves when everything typed so
 * far is on the server (or throws the save error).
 */
export function useAutoSave(application: ApplicationView, getValues: () => DraftValues) {
  const client = useQueryClient();
  const version = useRef(application.version);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const running = useRef<Promise<void> | null>(null);
  const dirty = useRef(false);
  const lastSent = useRef(JSON.stringify(savable(draftOf(application)).body));
  const [state, setState] = useState<SaveState>({ kind: 'idle' });
  const [skipped, setSkipped] = useState(0);

  const saveNow = useCallback(async (): Promise<void> => {
    if (running.current) {
      await running.current;
      if (dirty.current) return saveNow();
      return;
    }
    dirty.current = false;
    const { body, skipped: n } = savable(getValues());
    setSkipped(n);
    const text = JSON.stringify(body);
    if (text === lastSent.current) {
      setState((s) => (s.kind === 'pending' ? { kind: 'idle' } : s));
      return;
    }
    setState({ kind: 'saving' });
    const run = (async () => {
      try {
        const updated = await api.patch<ApplicationView>(`/api/applications/${application.id}`, {
          ...body,
          version: version.current,
        });
        version.current = updated.version;
        lastSent.current = text;
        client.setQueryData(['applications', 'detail', application.id], updated);
        setState({ kind: 'saved', at: new Date() });
      } catch (error) {
        const conflict = error instanceof ApiError && error.status === 409;
        setState({ kind: 'error', message: errorMessage(error), conflict });
        throw error;
      } finally {
        running.current = null;
      }
    })();
    running.current = run;
    await run;
    if (dirty.current) await saveNow();
  }, [application.id, client, getValues]);

  const schedule = useCallback(() => {
    dirty.current = true;
    setState((s) => (s.kind === 'error' && s.conflict ? s : { kind: 'pending' }));
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      timer.current = null;
      saveNow().catch(() => {});
    }, AUTOSAVE_DELAY_MS);
  }, [saveNow]);

  const flush = useCallback(async () => {
    if (timer.current) {
      clearTimeout(timer.current);
      timer.current = null;
    }
    dirty.current = false;
    await saveNow();
  }, [saveNow]);

  // The server's version moves on when others act (co-signature): follow it between saves.
  useEffect(() => {
    if (!running.current && !timer.current) version.current = application.version;
  }, [application.version]);

  useEffect(
    () => () => {
      if (timer.current) {
        clearTimeout(timer.current);
        saveNow().catch(() => {});
      }
    },
    [saveNow],
  );

  return { state, skipped, schedule, flush };
}

export function SaveStatus({ state, skipped }: { state: SaveState; skipped: number }) {
  let text: React.ReactNode;
  switch (state.kind) {
    case 'idle':
      text = <span className="muted">内容将自动保存</span>;
      break;
    case 'pending':
    case 'saving':
      text = <span className="muted">保存中…</span>;
      break;
    case 'saved':
      text = <span className="save-ok">已自动保存 {formatDateTimeSeconds(state.at).slice(11)}</span>;
      break;
    case 'error':
      text = <span className="text-danger">保存失败：{state.message}</span>;
      break;
  }
  return (
    <span className="save-status" data-testid="save-status" aria-live="polite">
      {text}
      {skipped > 0 ? <span className="muted">（{skipped}行未填完整，暂未保存）</span> : null}
    </span>
  );
}

function RowRemove({ onClick, label }: { onClick: () => void; label: string }) {
  return <Button type="text" danger icon={<DeleteOutlined />} aria-label={label} onClick={onClick} />;
}

const PARTNER_KIND_OPTIONS = Object.entries(partnerKindLabels).map(([value, label]) => ({ value, label }));
const INDICATOR_KIND_OPTIONS = Object.entries(indicatorKindLabels).map(([value, label]) => ({
  value,
  label,
}));
const BUDGET_OPTIONS = BUDGET_CATEGORIES.map((c) => ({ value: c, label: budgetCategoryLabels[c] }));

export function ApplicationForm(props: {
  application: ApplicationView;
  call: CallDetail | undefined;
  onValuesChange: () => void;
  form: ReturnType<typeof Form.useForm<DraftValues>>[0];
}) {
  const { application: a, call, form } = props;
  const tree = useRegionTree();
  const communities = communitiesWithin(tree.data, call?.serviceAreas.map((s) => s.id) ?? []);
  const budget = (Form.useWatch(['proposal', 'budget'], form) ?? []) as DraftValues['proposal']['budget'];
  const total = budget.reduce((s, b) => s + (typeof b?.amountFen === 'number' ? b.amountFen : 0), 0);
  const cap = call?.budgetCapFen ?? null;
  const attachments = useQuery({
    queryKey: ['applications', 'attachments', a.id],
    queryFn: ({ signal }) =>
      api.get<AttachmentInfo[]>(`/api/applications/${a.id}/attachments`, undefined, signal),
  });

  return (
    <Form<DraftValues>
      form={form}
      layout="vertical"
      initialValues={draftOf(a)}
      onValuesChange={props.onValuesChange}
      className="application-form"
    >
      <div className="stack">
        <Card title="一、联合申报主体（1+1+1+N）">
          <Typography.Paragraph type="secondary">
            社区（服务所在社区）+ 社会组织（申报单位）+ 项目社工 +
            N个社区参与力量联合申报。服务社区须在本次征集的服务区域内，并由该社区居（村）委会签章。
          </Typography.Paragraph>
          <div className="form-grid">
            <Form.Item label="申报单位">
              <Input value={a.providerName} disabled />
            </Form.Item>
            <Form.Item
              label="服务社区"
              name="communityRegionId"
              extra={
                a.communityOrgName ? `签章单位：${a.communityOrgName}` : '选择后由该社区居（村）委会签章'
              }
            >
              <Select
                allowClear
                showSearch={{ optionFilterProp: 'label' }}
                placeholder="选择服务区域内的社区/村"
                loading={tree.isLoading}
                options={communities.map((c) => ({ value: c.id, label: `${c.name}（${c.streetName}）` }))}
              />
            </Form.Item>
            <Form.Item label="项目社工姓名" name="socialWorkerName">
              <Input maxLength={50} />
            </Form.Item>
            <Form.Item
              label="社工证书编号"
              name="socialWorkerCertificate"
              rules={[{ pattern: /^[A-Za-z0-9-]*$/, message: '证书编号只能包含字母、数字和短横线' }]}
            >
              <Input maxLength={30} className="mono" />
            </Form.Item>
          </div>
          <Typography.Title level={5}>社区参与力量（N）</Typography.Title>
          <Form.List name="partners">
            {(fields, { add, remove }) => (
              <>
                {fields.map((f, i) => (
                  <Space key={f.key} align="start" wrap className="row-fields">
                    <Form.Item name={[f.name, 'name']} className="w-220">
                      <Input
                        placeholder="名称，如：XX社区志愿服务队"
                        aria-label={`参与力量${i + 1}名称`}
                        maxLength={100}
                      />
                    </Form.Item>
                    <Form.Item name={[f.name, 'kind']} className="w-150">
                      <Select
                        options={PARTNER_KIND_OPTIONS}
                        placeholder="类型"
                        aria-label={`参与力量${i + 1}类型`}
                      />
                    </Form.Item>
                    <Form.Item name={[f.name, 'headcount']} className="w-120">
                      <InputNumber
                        min={1}
                        precision={0}
                        suffix="人"
                        placeholder="人数"
                        aria-label={`参与力量${i + 1}人数`}
                        style={{ width: '100%' }}
                      />
                    </Form.Item>
                    <RowRemove onClick={() => remove(f.name)} label={`删除参与力量${i + 1}`} />
                  </Space>
                ))}
                <Button icon={<PlusOutlined />} onClick={() => add({ kind: 'volunteer_team' })}>
                  添加参与力量
                </Button>
              </>
            )}
          </Form.List>
        </Card>

        <Card title="二、项目方案">
          <Form.Item label="项目名称" name={['proposal', 'title']}>
            <Input maxLength={100} showCount />
          </Form.Item>
          <Form.Item
            label="需求评估"
            name={['proposal', 'needAssessment']}
            extra="服务对象的现状、需求和依据"
          >
            <Input.TextArea autoSize={{ minRows: 3, maxRows: 12 }} maxLength={5000} showCount />
          </Form.Item>
          <Form.Item label="项目目标" name={['proposal', 'objectives']}>
            <Input.TextArea autoSize={{ minRows: 3, maxRows: 12 }} maxLength={3000} showCount />
          </Form.Item>
          <Form.Item label="服务活动" name={['proposal', 'activities']} extra="主要活动、频次、服务方法">
            <Input.TextArea autoSize={{ minRows: 3, maxRows: 12 }} maxLength={5000} showCount />
          </Form.Item>
        </Card>

        <Card title="三、绩效指标">
          <Typography.Paragraph type="secondary">
            至少填写一项产出指标和一项成效指标，写明目标值和单位。
          </Typography.Paragraph>
          <Form.List name={['proposal', 'indicators']}>
            {(fields, { add, remove }) => (
              <>
                {fields.map((f, i) => (
                  <Space key={f.key} align="start" wrap className="row-fields">
                    <Form.Item name={[f.name, 'kind']} className="w-120">
                      <Select options={INDICATOR_KIND_OPTIONS} aria-label={`指标${i + 1}类型`} />
                    </Form.Item>
                    <Form.Item name={[f.name, 'name']} className="w-220">
                      <Input
                        placeholder="指标名称，如：开展小组活动"
                        aria-label={`指标${i + 1}名称`}
                        maxLength={100}
                      />
                    </Form.Item>
                    <Form.Item name={[f.name, 'target']} className="w-120">
                      <InputNumber
                        min={0}
                        placeholder="目标值"
                        aria-label={`指标${i + 1}目标值`}
                        style={{ width: '100%' }}
                      />
                    </Form.Item>
                    <Form.Item name={[f.name, 'unit']} className="w-90">
                      <Input placeholder="单位" aria-label={`指标${i + 1}单位`} maxLength={20} />
                    </Form.Item>
                    <RowRemove onClick={() => remove(f.name)} label={`删除指标${i + 1}`} />
                  </Space>
                ))}
                <Space wrap>
                  <Button icon={<PlusOutlined />} onClick={() => add({ kind: 'output' })}>
                    添加产出指标
                  </Button>
                  <Button icon={<PlusOutlined />} onClick={() => add({ kind: 'outcome' })}>
                    添加成效指标
                  </Button>
                </Space>
              </>
            )}
          </Form.List>
        </Card>

        <Card title="四、预算明细">
          <Form.List name={['proposal', 'budget']}>
            {(fields, { add, remove }) => (
              <>
                {fields.map((f, i) => (
                  <Space key={f.key} align="start" wrap className="row-fields">
                    <Form.Item name={[f.name, 'category']} className="w-150">
                      <Select options={BUDGET_OPTIONS} placeholder="类别" aria-label={`预算${i + 1}类别`} />
                    </Form.Item>
                    <Form.Item name={[f.name, 'item']} className="w-220">
                      <Input
                        placeholder="预算项目，如：活动物资"
                        aria-label={`预算${i + 1}项目`}
                        maxLength={100}
                      />
                    </Form.Item>
                    <Form.Item name={[f.name, 'amountFen']} className="w-180">
                      <MoneyInput aria-label={`预算${i + 1}金额`} />
                    </Form.Item>
                    <RowRemove onClick={() => remove(f.name)} label={`删除预算${i + 1}`} />
                  </Space>
                ))}
                <Button icon={<PlusOutlined />} onClick={() => add({ category: 'activities' })}>
                  添加预算项
                </Button>
              </>
            )}
          </Form.List>
          <div
            className={cap !== null && total > cap ? 'budget-total over' : 'budget-total'}
            data-testid="budget-total"
          >
            预算合计 <strong>{formatMoney(total)}</strong>
            {cap !== null ? (
              <>
                {' '}
                / 单个项目上限 {formatMoney(cap)}{' '}
                {total > cap ? (
                  <Tag color="red">超出上限 {formatMoney(total - cap)}，资格审查将不通过</Tag>
                ) : (
                  <Tag color="green">未超上限</Tag>
                )}
              </>
            ) : null}
          </div>
        </Card>

        <Card title="五、实施计划">
          <Form.List name={['proposal', 'timeline']}>
            {(fields, { add, remove }) => (
              <>
                {fields.map((f, i) => (
                  <Space key={f.key} align="start" wrap className="row-fields">
                    <Form.Item name={[f.name, 'period']} className="w-150">
                      <Input placeholder="时间，如：第1-3月" aria-label={`计划${i + 1}时间`} maxLength={50} />
                    </Form.Item>
                    <Form.Item name={[f.name, 'work']} className="w-320">
                      <Input placeholder="工作内容" aria-label={`计划${i + 1}内容`} maxLength={500} />
                    </Form.Item>
                    <RowRemove onClick={() => remove(f.name)} label={`删除计划${i + 1}`} />
                  </Space>
                ))}
                <Button icon={<PlusOutlined />} onClick={() => add({})}>
                  添加计划
                </Button>
              </>
            )}
          </Form.List>
        </Card>

        <Card title="六、项目团队">
          <Form.List name={['proposal', 'team']}>
            {(fields, { add, remove }) => (
              <>
                {fields.map((f, i) => (
                  <Space key={f.key} align="start" wrap className="row-fields">
                    <Form.Item name={[f.name, 'name']} className="w-120">
                      <Input placeholder="姓名" aria-label={`成员${i + 1}姓名`} maxLength={50} />
                    </Form.Item>
                    <Form.Item name={[f.name, 'role']} className="w-150">
                      <Input placeholder="职责" aria-label={`成员${i + 1}职责`} maxLength={50} />
                    </Form.Item>
                    <Form.Item name={[f.name, 'qualification']} className="w-220">
                      <Input
                        placeholder="资质，如：中级社工师"
                        aria-label={`成员${i + 1}资质`}
                        maxLength={100}
                      />
                    </Form.Item>
                    <RowRemove onClick={() => remove(f.name)} label={`删除成员${i + 1}`} />
                  </Space>
                ))}
                <Button icon={<PlusOutlined />} onClick={() => add({})}>
                  添加成员
                </Button>
              </>
            )}
          </Form.List>
        </Card>

        <Card title="七、附件">
          <AttachmentList
            items={attachments.data ?? []}
            uploadPath={`/api/applications/${a.id}/attachments`}
            onUploaded={() => attachments.refetch()}
            emptyText="可上传机构资质、社工证书、往期项目材料等"
          />
        </Card>
      </div>
    </Form>
  );
}

export function MissingList({ missing }: { missing: readonly string[] }) {
  if (missing.length === 0)
    return <Alert type="success" showIcon title="材料已齐全，可以提交" data-testid="missing-list" />;
  return (
    <Alert
      type="warning"
      showIcon
      data-testid="missing-list"
      title={`提交前还需完成 ${missing.length} 项`}
      description={
        <ul className="plain-list">
          {missing.map((m) => (
            <li key={m}>{m}</li>
          ))}
        </ul>
      }
    />
  );
}

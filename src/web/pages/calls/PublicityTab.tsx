/** 立项公示 for the buyer: open the publicity, answer every objection, close it when the period is over. */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Form,
  Input,
  InputNumber,
  Popconfirm,
  Radio,
  Select,
  Skeleton,
} from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { PUBLICITY_DEFAULT_WORKING_DAYS } from '../../../domain/publicity';
import { api, errorMessage } from '../../api';
import { DatePicker } from '../../components/DatePicker';
import { LoadFailed } from '../../components/ErrorPages';
import { applyServerErrors } from '../../components/forms';
import { type Dayjs, pickerDate, pickerToday } from '../../format';
import { AwardsTable, ObjectionList, PublicityFacts } from '../publicity/parts';
import type { InternalPublicity, PublicityListItem } from '../publicity/types';
import type { CallManaged } from './types';

function OpenPublicityForm({ call, onOpened }: { call: CallManaged; onOpened: () => void }) {
  const [form] = Form.useForm<{ workingDays: number; opensOn: Dayjs | null }>();
  const { message } = App.useApp();
  const [saving, setSaving] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  return (
    <Card title="开始立项公示">
      {failure ? <Alert type="error" showIcon title={failure} style={{ marginBottom: 12 }} /> : null}
      <Form
        form={form}
        layout="vertical"
        className="form-grid"
        initialValues={{ workingDays: PUBLICITY_DEFAULT_WORKING_DAYS, opensOn: null }}
        onFinish={async (v) => {
          setSaving(true);
          setFailure(null);
          try {
            await api.post(`/api/calls/${call.id}/publicity`, {
              workingDays: v.workingDays,
              // Left empty, the server's today: the day the publicity is opened.
              ...(v.opensOn ? { opensOn: pickerDate(v.opensOn) } : {}),
            });
            message.success('立项公示已开始');
            onOpened();
          } catch (error) {
            setFailure(applyServerErrors(form, error, ['workingDays', 'opensOn']));
          } finally {
            setSaving(false);
          }
        }}
      >
        <Form.Item label="公示开始日期" name="opensOn" extra="不选则从今天开始">
          <DatePicker
            style={{ width: '100%' }}
            placeholder="今天"
            disabledDate={(d) => d.isBefore(pickerToday(), 'day')}
          />
        </Form.Item>
        <Form.Item
          label="公示期（工作日）"
          name="workingDays"
          rules={[{ required: true, message: '请填写公示天数' }]}
          extra="不少于5个工作日，节假日顺延"
        >
          <InputNumber min={1} max={30} precision={0} suffix="个工作日" style={{ width: '100%' }} />
        </Form.Item>
        <div className="span-2">
          <Button type="primary" htmlType="submit" loading={saving}>
            开始公示
          </Button>
        </div>
      </Form>
    </Card>
  );
}

type Objection = InternalPublicity['objections'][number];

function AnswerForm({
  objection,
  publicity,
  onAnswered,
}: {
  objection: Objection;
  publicity: InternalPublicity;
  onAnswered: () => void;
}) {
  const [form] = Form.useForm<{ decision: 'upheld' | 'rejected'; answer: string; awardId?: string }>();
  const { message } = App.useApp();
  const [saving, setSaving] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const decision = Form.useWatch('decision', form);
  return (
    <div className="answer-form">
      {failure ? <Alert type="error" showIcon title={failure} style={{ marginBottom: 8 }} /> : null}
      <Form
        form={form}
        layout="vertical"
        onFinish={async (v) => {
          setSaving(true);
          setFailure(null);
          try {
            await api.post(`/api/objections/${objection.id}/answer`, v);
            message.success('已答复异议');
            onAnswered();
          } catch (error) {
            setFailure(applyServerErrors(form, error, ['decision', 'answer', 'awardId']));
          } finally {
            setSaving(false);
          }
        }}
      >
        <Form.Item
          label="异议是否成立"
          name="decision"
          rules={[{ required: true, message: '请选择异议是否成立' }]}
        >
          <Radio.Group
            options={[
              { value: 'rejected', label: '不成立（维持拟立项）' },
              { value: 'upheld', label: '成立（撤销拟立项）' },
            ]}
          />
        </Form.Item>
        {decision === 'upheld' && !objection.awardId ? (
          <Form.Item
            label="撤销的项目"
            name="awardId"
            rules={[{ required: true, message: '请选择被撤销的项目' }]}
          >
            <Select
              options={publicity.awards
                .filter((a) => a.status === 'in_publicity')
                .map((a) => ({ value: a.id, label: `${a.projectTitle}（${a.providerName}）` }))}
            />
          </Form.Item>
        ) : null}
        <Form.Item
          label="答复意见（将公开）"
          name="answer"
          rules={[
            { required: true, whitespace: true, message: '请填写答复意见' },
            { min: 5, message: '答复意见不少于5个字' },
          ]}
        >
          <Input.TextArea rows={3} maxLength={2000} showCount />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={saving}>
          提交答复
        </Button>
      </Form>
    </div>
  );
}

function PublicityManager({ id, onChanged }: { id: string; onChanged: () => void }) {
  const { message } = App.useApp();
  const [closing, setClosing] = useState(false);
  const pub = useQuery({
    queryKey: ['publicities', 'internal', id],
    queryFn: ({ signal }) => api.get<InternalPublicity>(`/api/publicities/${id}`, undefined, signal),
  });
  if (pub.isPending) return <Skeleton active />;
  if (pub.isError) return <LoadFailed message={pub.error.message} onRetry={() => pub.refetch()} />;
  const p = pub.data;
  const open = p.objections.filter((o) => o.status === 'open').length;
  const refresh = () => {
    pub.refetch();
    onChanged();
  };
  return (
    <div className="stack">
      <Card title="公示信息" extra={<Link to={`/publicity/${p.id}`}>查看公开页面</Link>}>
        <PublicityFacts p={p} />
        <div style={{ marginTop: 12 }}>
          {p.actions.includes('close') ? (
            <Popconfirm
              title="结束公示"
              description="公示期已满且异议均已答复，结束后拟立项项目正式立项。确定结束？"
              okText="结束公示"
              cancelText="取消"
              onConfirm={async () => {
                setClosing(true);
                try {
                  await api.post(`/api/publicities/${p.id}/close`);
                  message.success('公示已结束，项目已立项');
                  refresh();
                } catch (error) {
                  message.error(errorMessage(error));
                } finally {
                  setClosing(false);
                }
              }}
            >
              <Button type="primary" loading={closing}>
                结束公示
              </Button>
            </Popconfirm>
          ) : p.status === 'open' ? (
            <Alert
              type="info"
              showIcon
              title={
                open
                  ? `尚有${open}条异议待答复，答复后方可结束公示`
                  : `公示期至${p.closesOn}，期满后方可结束公示`
              }
            />
          ) : null}
        </div>
      </Card>
      <Card title="拟立项项目">
        <AwardsTable awards={p.awards} />
      </Card>
      <Card title={`异议（${p.objections.length}，待答复${open}）`}>
        <ObjectionList
          objections={p.objections}
          renderExtra={(o) =>
            o.actions.includes('answer') ? (
              <AnswerForm objection={o} publicity={p} onAnswered={refresh} />
            ) : null
          }
        />
      </Card>
    </div>
  );
}

export function PublicityTab({
  call,
  isBuyer,
  onChanged,
}: {
  call: CallManaged;
  isBuyer: boolean;
  onChanged: () => void;
}) {
  const client = useQueryClient();
  const list = useQuery({
    queryKey: ['publicities', 'public', { callId: call.id }],
    queryFn: ({ signal }) =>
      api.get<{ items: PublicityListItem[] }>(
        '/api/public/publicities',
        { callId: call.id, pageSize: 20 },
        signal,
      ),
  });
  if (list.isPending) return <Skeleton active />;
  if (list.isError) return <LoadFailed message={list.error.message} onRetry={() => list.refetch()} />;
  const refresh = () => {
    client.invalidateQueries({ queryKey: ['publicities'] });
    client.invalidateQueries({ queryKey: ['reviews'] });
    onChanged();
  };
  const current = list.data.items.find((p) => p.status === 'open') ?? list.data.items[0];
  if (call.status === 'awarded' && isBuyer && !list.data.items.some((p) => p.status === 'open'))
    return <OpenPublicityForm call={call} onOpened={refresh} />;
  if (!current) return <Alert type="info" showIcon title="确定拟立项后开始立项公示" />;
  return <PublicityManager id={current.id} onChanged={refresh} />;
}

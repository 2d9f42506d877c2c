/**
 * One list entry: the decision, its evidence and appeals. The admin confirms (with the 文号) or
 * declines a proposal, removes an entry early and decides appeals; the listed organization
 * appeals with reasons and evidence.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Descriptions, Form, Input, Radio, Skeleton, Space } from 'antd';
import { useParams } from 'react-router';
import type { AppealView, EntryView } from '../../../domain/credit';
import { api } from '../../api';
import { AttachmentList } from '../../components/Attachments';
import { DatePicker } from '../../components/DatePicker';
import { LoadFailed } from '../../components/ErrorPages';
import { PageHeader } from '../../components/PageHeader';
import { ReasonModal } from '../../components/ReasonModal';
import { SimpleList } from '../../components/SimpleList';
import { type Dayjs, formatDateTime, pickerDate } from '../../format';
import { useDialog } from '../projects/parts';
import { PostModal } from './PostModal';
import { AppealStateTag, CREDIT_KEY, CreditListTag, period, StandingTag } from './parts';

type ConfirmValues = {
  documentNo: string;
  decidedBy?: string;
  startsOn?: Dayjs;
  endsOn?: Dayjs;
  reason: string;
};

function ConfirmModal({ entry, onClose }: { entry: EntryView; onClose: () => void }) {
  return (
    <PostModal<ConfirmValues>
      title="确认列入名单"
      okText="确认列入"
      done="已确认列入"
      path={`/api/credit/entries/${entry.id}/confirm`}
      fields={['documentNo', 'decidedBy', 'startsOn', 'endsOn', 'reason']}
      toBody={(v) => ({
        ...v,
        startsOn: pickerDate(v.startsOn),
        endsOn: pickerDate(v.endsOn),
        version: entry.version,
      })}
      onClose={onClose}
    >
      <Form.Item name="documentNo" label="决定文号" rules={[{ required: true, message: '请填写决定文号' }]}>
        <Input maxLength={100} placeholder="如：官民社决〔2026〕12号" />
      </Form.Item>
      <Form.Item name="decidedBy" label="决定机关" initialValue={entry.decidedBy}>
        <Input maxLength={100} />
      </Form.Item>
      <Form.Item name="startsOn" label="列入日期" extra="不填则为今天">
        <DatePicker style={{ width: '100%' }} />
      </Form.Item>
      <Form.Item name="endsOn" label="截止日期" extra="不填则按该类名单的默认期限计算">
        <DatePicker style={{ width: '100%' }} />
      </Form.Item>
      <Form.Item
        name="reason"
        label="确认意见"
        rules={[{ required: true, min: 5, message: '确认意见不少于5个字' }]}
      >
        <Input.TextArea rows={3} maxLength={1000} showCount />
      </Form.Item>
    </PostModal>
  );
}

function AppealModal({ entry, onClose }: { entry: EntryView; onClose: () => void }) {
  return (
    <PostModal<{ reasons: string }>
      title="提出申诉"
      okText="提交申诉"
      done="已提交申诉"
      path={`/api/credit/entries/${entry.id}/appeals`}
      fields={['reasons']}
      toBody={(v) => v}
      onClose={onClose}
    >
      <Alert
        type="info"
        showIcon
        style={{ marginBottom: 12 }}
        title="提交后可在申诉记录中上传证明材料；平台管理员处理后会通知您。"
      />
      <Form.Item
        name="reasons"
        label="申诉理由"
        rules={[{ required: true, min: 10, message: '申诉理由不少于10个字' }]}
      >
        <Input.TextArea rows={5} maxLength={4000} showCount />
      </Form.Item>
    </PostModal>
  );
}

function DecideModal({ appeal, onClose }: { appeal: AppealView; onClose: () => void }) {
  return (
    <PostModal<{ decision: 'upheld' | 'rejected'; reason: string }>
      title="处理申诉"
      okText="提交决定"
      done="已处理申诉"
      path={`/api/credit/appeals/${appeal.id}/decide`}
      fields={['decision', 'reason']}
      toBody={(v) => ({ ...v, version: appeal.version })}
      onClose={onClose}
    >
      <Form.Item name="decision" label="处理决定" rules={[{ required: true, message: '请选择申诉是否成立' }]}>
        <Radio.Group
          options={[
            { value: 'upheld', label: '申诉成立（移出名单）' },
            { value: 'rejected', label: '申诉不成立（维持列入）' },
          ]}
        />
      </Form.Item>
      <Form.Item
        name="reason"
        label="处理理由"
        rules={[{ required: true, min: 5, message: '处理理由不少于5个字' }]}
      >
        <Input.TextArea rows={4} maxLength={2000} showCount />
      </Form.Item>
    </PostModal>
  );
}

function Appeals({ entry, onChanged }: { entry: EntryView; onChanged: () => void }) {
  const dialog = useDialog<'decide', AppealView>();
  const deciding = dialog.is('decide');
  if (entry.appeals.length === 0) return null;
  return (
    <Card title="申诉记录" data-testid="credit-appeals-of-entry" style={{ marginTop: 16 }}>
      <SimpleList
        items={entry.appeals}
        rowKey={(a) => a.id}
        renderItem={(a) => (
          <div className="credit-appeal" data-testid="credit-appeal">
            <Space wrap>
              <AppealStateTag status={a.status} />
              <span className="muted">提出于 {formatDateTime(a.createdAt)}</span>
              {a.actions.includes('decide') ? (
                <Button size="small" type="primary" onClick={() => dialog.show('decide', a)}>
                  处理申诉
                </Button>
              ) : null}
            </Space>
            <p>{a.reasons}</p>
            {a.decisionReason ? (
              <p>
                处理理由（{a.decidedAt ? formatDateTime(a.decidedAt) : ''}）：{a.decisionReason}
              </p>
            ) : null}
            <AttachmentList
              items={a.attachments}
              emptyText="未上传证明材料"
              uploadPath={
                a.actions.includes('attach') ? `/api/credit/appeals/${a.id}/attachments` : undefined
              }
              onUploaded={onChanged}
            />
          </div>
        )}
      />
      {deciding ? <DecideModal appeal={deciding.subject} onClose={dialog.close} /> : null}
    </Card>
  );
}

export function CreditEntryPage() {
  const { id } = useParams();
  const client = useQueryClient();
  const dialog = useDialog<'confirm' | 'decline' | 'remove' | 'appeal', null>();
  const query = useQuery({
    queryKey: [CREDIT_KEY, 'entry', id],
    queryFn: ({ signal }) => api.get<EntryView>(`/api/credit/entries/${id}`, undefined, signal),
  });
  if (query.isError) return <LoadFailed message={query.error.message} onRetry={() => query.refetch()} />;
  const e = query.data;
  if (!e) return <Skeleton active />;
  const refresh = () => client.invalidateQueries({ queryKey: [CREDIT_KEY] });
  const can = (action: string) => e.actions.includes(action);
  const post = (path: string, reason: string) =>
    api.post(`/api/credit/entries/${e.id}/${path}`, { reason, version: e.version }).then(refresh);
  return (
    <>
      <PageHeader
        title={e.orgName}
        subTitle={<CreditListTag list={e.list} />}
        extra={
          <Space wrap>
            {can('confirm') ? (
              <Button type="primary" onClick={() => dialog.show('confirm', null)}>
                确认列入
              </Button>
            ) : null}
            {can('decline') ? <Button onClick={() => dialog.show('decline', null)}>不予列入</Button> : null}
            {can('remove') ? (
              <Button danger onClick={() => dialog.show('remove', null)}>
                提前移出
              </Button>
            ) : null}
            {can('appeal') ? (
              <Button type="primary" onClick={() => dialog.show('appeal', null)}>
                提出申诉
              </Button>
            ) : null}
          </Space>
        }
      />
      <Card data-testid="credit-entry">
        <Descriptions column={{ xs: 1, md: 2 }} bordered size="small">
          <Descriptions.Item label="状态">
            <StandingTag standing={e.standing} />
          </Descriptions.Item>
          <Descriptions.Item label="统一社会信用代码">{e.orgCreditCode ?? '—'}</Descriptions.Item>
          <Descriptions.Item label="列入原因">{e.reasonLabel}</Descriptions.Item>
          <Descriptions.Item label="来源">
            {e.origin === 'system'
              ? '系统依据项目情况提出'
              : e.origin === 'import'
                ? 'Excel 导入'
                : '管理员录入'}
          </Descriptions.Item>
          <Descriptions.Item label="事由" span={2}>
            {e.reason}
          </Descriptions.Item>
          <Descriptions.Item label="决定机关">{e.decidedBy}</Descriptions.Item>
          <Descriptions.Item label="决定文号">{e.documentNo ?? '—'}</Descriptions.Item>
          <Descriptions.Item label="决定日期">{e.decidedOn ?? '—'}</Descriptions.Item>
          <Descriptions.Item label="名单期限">{period(e)}</Descriptions.Item>
          {e.projectTitle ? <Descriptions.Item label="相关项目">{e.projectTitle}</Descriptions.Item> : null}
          {e.decisionNote ? (
            <Descriptions.Item label={e.status === 'declined' ? '不予列入理由' : '确认意见'}>
              {e.decisionNote}
            </Descriptions.Item>
          ) : null}
          {e.removedOn ? (
            <Descriptions.Item label="移出" span={2}>
              {e.removedOn}：{e.removedReason}
            </Descriptions.Item>
          ) : null}
        </Descriptions>
        <h4 style={{ marginTop: 16 }}>证明材料</h4>
        <AttachmentList
          items={e.attachments}
          emptyText="暂无证明材料"
          uploadPath={can('attach') ? `/api/credit/entries/${e.id}/attachments` : undefined}
          onUploaded={refresh}
        />
      </Card>
      <Appeals entry={e} onChanged={refresh} />
      {dialog.is('confirm') ? <ConfirmModal entry={e} onClose={dialog.close} /> : null}
      {dialog.is('appeal') ? <AppealModal entry={e} onClose={dialog.close} /> : null}
      {dialog.is('decline') ? (
        <ReasonModal
          title="不予列入"
          label="不予列入的理由"
          minLength={5}
          onClose={dialog.close}
          onSubmit={(reason) => post('decline', reason)}
        />
      ) : null}
      {dialog.is('remove') ? (
        <ReasonModal
          title="提前移出名单"
          label="移出理由"
          intro="如：已履行相关义务、决定被撤销。移出理由将公开。"
          minLength={5}
          danger
          onClose={dialog.close}
          onSubmit={(reason) => post('remove', reason)}
        />
      ) : null}
    </>
  );
}

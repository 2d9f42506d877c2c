/** The admin enters a decision of the registration authority or of the platform (a new list entry). */
import { Form, Input, Select } from 'antd';
import { useNavigate } from 'react-router';
import { CREDIT_REASONS, type CreditList, type EntryView } from '../../../domain/credit';
import { DatePicker } from '../../components/DatePicker';
import { OrgSelect } from '../../components/OrgSelect';
import { type Dayjs, pickerDate } from '../../format';
import { PostModal } from './PostModal';
import { listOptions } from './parts';

interface Values {
  orgId: string | null;
  list: CreditList;
  reasonCode: string;
  reason: string;
  decidedBy: string;
  documentNo: string;
  decidedOn: Dayjs | null;
  startsOn: Dayjs | null;
  endsOn: Dayjs | null;
}
const FIELDS = [
  'orgId',
  'list',
  'reasonCode',
  'reason',
  'decidedBy',
  'documentNo',
  'decidedOn',
  'startsOn',
  'endsOn',
];

/** The kind, and the reasons of that kind (a new kind clears the reason). */
function KindAndReason() {
  const form = Form.useFormInstance<Values>();
  const list = Form.useWatch('list', form);
  const reasons = list ? Object.entries(CREDIT_REASONS[list] as Record<string, string>) : [];
  return (
    <>
      <Form.Item name="list" label="名单类型" rules={[{ required: true, message: '请选择名单类型' }]}>
        <Select options={listOptions} onChange={() => form.setFieldValue('reasonCode', undefined)} />
      </Form.Item>
      <Form.Item name="reasonCode" label="列入原因" rules={[{ required: true, message: '请选择列入原因' }]}>
        <Select options={reasons.map(([value, label]) => ({ value, label }))} />
      </Form.Item>
    </>
  );
}

export function EntryForm({ onClose }: { onClose: () => void }) {
  const navigate = useNavigate();
  return (
    <PostModal<Values, EntryView>
      title="新增名单记录"
      okText="列入名单"
      done="已列入名单"
      path="/api/credit/entries"
      fields={FIELDS}
      width={640}
      initialValues={{ list: 'black_abnormal' }}
      toBody={(v) => ({
        ...v,
        decidedOn: pickerDate(v.decidedOn),
        startsOn: pickerDate(v.startsOn),
        endsOn: pickerDate(v.endsOn),
      })}
      onClose={onClose}
      onDone={(created) => navigate(`/app/credit/entries/${created.id}`)}
    >
      <Form.Item name="orgId" label="社会组织" rules={[{ required: true, message: '请选择社会组织' }]}>
        <OrgSelect kind="provider" />
      </Form.Item>
      <KindAndReason />
      <Form.Item name="reason" label="事由" rules={[{ required: true, min: 5, message: '事由不少于5个字' }]}>
        <Input.TextArea rows={3} maxLength={2000} showCount />
      </Form.Item>
      <Form.Item name="decidedBy" label="决定机关" rules={[{ required: true, message: '请填写决定机关' }]}>
        <Input maxLength={100} placeholder="如：昆明市官渡区民政局" />
      </Form.Item>
      <Form.Item name="documentNo" label="决定文号" rules={[{ required: true, message: '请填写决定文号' }]}>
        <Input maxLength={100} placeholder="如：官民社决〔2026〕12号" />
      </Form.Item>
      <Form.Item name="decidedOn" label="决定日期" rules={[{ required: true, message: '请选择决定日期' }]}>
        <DatePicker style={{ width: '100%' }} />
      </Form.Item>
      <Form.Item name="startsOn" label="列入日期" rules={[{ required: true, message: '请选择列入日期' }]}>
        <DatePicker style={{ width: '100%' }} />
      </Form.Item>
      <Form.Item name="endsOn" label="截止日期" extra="不填则按该类名单的默认期限计算">
        <DatePicker style={{ width: '100%' }} />
      </Form.Item>
    </PostModal>
  );
}

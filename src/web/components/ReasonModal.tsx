/** Asks for a written reason (cancelling, declaring a conflict, overriding a check…) and sends it. */
import { Alert, Form, Input, Modal } from 'antd';
import { type ReactNode, useState } from 'react';
import { errorMessage } from '../api';

export function ReasonModal(props: {
  title: string;
  label?: string;
  /** Shown above the field: what the reason is for and who will read it. */
  intro?: ReactNode;
  okText?: string;
  danger?: boolean;
  minLength?: number;
  maxLength?: number;
  onSubmit: (reason: string) => Promise<unknown>;
  onClose: () => void;
}) {
  const [form] = Form.useForm<{ reason: string }>();
  const [saving, setSaving] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const min = props.minLength ?? 2;
  return (
    <Modal
      open
      title={props.title}
      okText={props.okText ?? '确定'}
      okButtonProps={{ danger: props.danger }}
      confirmLoading={saving}
      onOk={() => form.submit()}
      onCancel={props.onClose}
      destroyOnHidden
    >
      {props.intro ? <div style={{ marginBottom: 12 }}>{props.intro}</div> : null}
      {failure ? <Alert type="error" showIcon title={failure} style={{ marginBottom: 12 }} /> : null}
      <Form
        form={form}
        layout="vertical"
        onFinish={async ({ reason }) => {
          setSaving(true);
          setFailure(null);
          try {
            await props.onSubmit(reason.trim());
            props.onClose();
          } catch (error) {
            setFailure(errorMessage(error));
          } finally {
            setSaving(false);
          }
        }}
      >
        <Form.Item
          name="reason"
          label={props.label ?? '原因'}
          rules={[
            { required: true, whitespace: true, message: `请填写${props.label ?? '原因'}` },
            { min, message: `至少填写${min}个字` },
          ]}
        >
          <Input.TextArea rows={4} maxLength={props.maxLength ?? 1000} showCount />
        </Form.Item>
      </Form>
    </Modal>
  );
}

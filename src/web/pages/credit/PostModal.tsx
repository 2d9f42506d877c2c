/** A modal form that posts its values and refreshes the credit queries; field errors go on the fields. */
import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Form, Modal } from 'antd';
import { type ReactNode, useState } from 'react';
import { api } from '../../api';
import { applyServerErrors } from '../../components/forms';
import { CREDIT_KEY } from './parts';

export function PostModal<V extends object, T = unknown>(props: {
  title: string;
  okText: string;
  fields: string[];
  toBody: (values: V) => unknown;
  path: string;
  done: string;
  onClose: () => void;
  /** After the success message, with the answer. */
  onDone?: (result: T) => void;
  initialValues?: Partial<V>;
  width?: number;
  children: ReactNode;
}) {
  const [form] = Form.useForm<V>();
  const [saving, setSaving] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const client = useQueryClient();
  const { message } = App.useApp();
  return (
    <Modal
      open
      title={props.title}
      okText={props.okText}
      confirmLoading={saving}
      onOk={() => form.submit()}
      onCancel={props.onClose}
      destroyOnHidden
      width={props.width}
    >
      {failure ? <Alert type="error" showIcon title={failure} style={{ marginBottom: 12 }} /> : null}
      <Form<V>
        form={form}
        layout="vertical"
        initialValues={props.initialValues}
        onFinish={async (values) => {
          setSaving(true);
          setFailure(null);
          try {
            const result = await api.post<T>(props.path, props.toBody(values));
            message.success(props.done);
            await client.invalidateQueries({ queryKey: [CREDIT_KEY] });
            props.onClose();
            props.onDone?.(result);
          } catch (error) {
            setFailure(applyServerErrors(form, error, props.fields));
          } finally {
            setSaving(false);
          }
        }}
      >
        {props.children}
      </Form>
    </Modal>
  );
}

/**
 * The create/edit dialog of the directory pages (and any other dialog form that writes once):
 * a modal around an antd form that shows the server's field errors on their fields, says what was
 * saved, and refreshes the resource's queries.
 */
import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Form, Modal } from 'antd';
import { type ComponentType, type ReactNode, useState } from 'react';
import { api } from '../api';
import { applyServerErrors, changedFields } from './forms';
import { type RowAction, useList, useListParams, usePostAction } from './list';

/**
 * A modal form. `onSubmit` does the write and returns the success message; then the `invalidate`
 * queries are refreshed and the dialog closes. A failure puts the server's field errors (on
 * `fields`) on the form and the rest in an alert above it.
 */
export function FormModal<V>(props: {
  title: ReactNode;
  okText?: string;
  danger?: boolean;
  width?: number;
  initialValues?: Partial<V>;
  className?: string;
  fields: readonly string[];
  invalidate: string;
  onSubmit: (values: V) => Promise<string>;
  onClose: () => void;
  /** Above the form (below the failure alert) and below it. */
  before?: ReactNode;
  after?: ReactNode;
  children: ReactNode;
}) {
  const [form] = Form.useForm<V>();
  const { message } = App.useApp();
  const client = useQueryClient();
  const [saving, setSaving] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);

  async function submit(values: V) {
    setSaving(true);
    setFailure(null);
    try {
      message.success(await props.onSubmit(values));
      await client.invalidateQueries({ queryKey: [props.invalidate] });
      props.onClose();
    } catch (error) {
      setFailure(applyServerErrors(form, error, props.fields));
    } finally {
      setSaving(false);
    }
  }

  return (
    <Modal
      open
      title={props.title}
      okText={props.okText ?? '保存'}
      okButtonProps={props.danger ? { danger: true } : undefined}
      onOk={() => form.submit()}
      confirmLoading={saving}
      onCancel={props.onClose}
      destroyOnHidden
      width={props.width}
    >
      {failure ? <Alert type="error" showIcon title={failure} style={{ marginBottom: 16 }} /> : null}
      {props.before}
      <Form<V>
        form={form}
        layout="vertical"
        onFinish={submit}
        initialValues={props.initialValues}
        className={props.className}
      >
        {props.children}
      </Form>
      {props.after}
    </Modal>
  );
}

/** How a directory page creates and edits its records of type T through a form of values V. */
export interface RecordEditorConfig<T extends { id: string }, V> {
  /** The collection: POST here to create, PATCH `<path>/<id>` to change. */
  path: string;
  /** The query key refreshed after a save. */
  queryKey: string;
  /** The form fields the server's errors may name. */
  fields: readonly string[];
  title: (record: T | null) => string;
  width?: number;
  className?: string;
  /** The form's values for a new record. */
  newValues: Partial<V>;
  /** The form's values for an existing record (what a PATCH is compared with). */
  toValues: (record: T) => V;
  /** The body of a POST (default: the form's values). */
  toCreate?: (values: V) => object;
  /** What of the record may change; only the fields that differ are sent (default: `toCreate`). */
  toUpdate?: (values: V, record: T) => object;
  created: (values: V) => string;
  saved: (values: V, record: T) => string;
  /** The form's items; `record` is null when creating. */
  Fields: ComponentType<{ record: T | null }>;
}

function RecordEditorModal<T extends { id: string }, V>(props: {
  config: RecordEditorConfig<T, V>;
  record: T | null;
  onClose: () => void;
}) {
  const { config, record } = props;
  const toCreate = config.toCreate ?? ((values: V) => values as object);
  const toUpdate = config.toUpdate ?? ((values: V) => toCreate(values));
  const { Fields } = config;

  async function save(values: V): Promise<string> {
    if (!record) {
      await api.post(config.path, toCreate(values));
      return config.created(values);
    }
    const patch = changedFields(
      toUpdate(values, record) as Record<string, unknown>,
      config.toValues(record) as Record<string, unknown>,
    );
    if (Object.keys(patch).length > 0) await api.patch(`${config.path}/${record.id}`, patch);
    return config.saved(values, record);
  }

  return (
    <FormModal<V>
      title={config.title(record)}
      width={config.width}
      className={config.className}
      initialValues={record ? config.toValues(record) : config.newValues}
      fields={config.fields}
      invalidate={config.queryKey}
      onSubmit={save}
      onClose={props.onClose}
    >
      <Fields record={record} />
    </FormModal>
  );
}

/**
 * Opens and closes a record's create/edit dialog: `openNew()`, `openEdit(record)` (or the row's
 * 编辑 button, `editAction(record)`), and `modal` to render (null while closed).
 */
export function useRecordEditor<T extends { id: string }, V>(config: RecordEditorConfig<T, V>) {
  const [editing, setEditing] = useState<T | 'new' | null>(null);
  const close = () => setEditing(null);
  return {
    editing,
    openNew: () => setEditing('new'),
    openEdit: (record: T) => setEditing(record),
    editAction: (record: T): RowAction => ({
      action: 'update',
      label: '编辑',
      onClick: () => setEditing(record),
    }),
    close,
    modal: editing ? (
      <RecordEditorModal config={config} record={editing === 'new' ? null : editing} onClose={close} />
    ) : null,
  };
}

/**
 * Everything a directory page (组织, 专家, 用户, 区划) works with: the URL-backed list `params`, the
 * `list` query, `act` for activate/deactivate, and the record `editor`.
 */
export function useDirectory<T extends { id: string }, V, F extends string>(
  config: RecordEditorConfig<T, V>,
  filterKeys: readonly F[],
) {
  const params = useListParams(filterKeys);
  const list = useList<T>(config.queryKey, config.path, params.query);
  const act = usePostAction(config.queryKey, config.path);
  const editor = useRecordEditor(config);
  return { params, list, act, editor };
}

/** 检查记录 for a buyer: the supervisory bodies' inspections of its projects, and its answers. */
import { useMutation } from '@tanstack/react-query';
import { App, Button, Card, Form, Input, List, Modal, Upload } from 'antd';
import { useState } from 'react';
import type { Inspection } from '../../../server/modules/supervision/api';
import { api } from '../../api';
import { applyServerErrors } from '../../components/forms';
import { useList, useListParams } from '../../components/list';
import { PageHeader } from '../../components/PageHeader';
import { InspectionItem } from './SupervisionProjectPage';

function AnswerForm(props: { item: Inspection; onDone: () => void }) {
  const [form] = Form.useForm();
  const { message } = App.useApp();
  const [file, setFile] = useState<File | null>(null);
  const save = useMutation({
    mutationFn: async (v: { answer: string }) => {
      const answered = await api.post<Inspection>(`/api/inspections/${props.item.id}/answer`, {
        answer: v.answer,
        version: props.item.version,
      });
      if (file) await api.upload(`/api/inspections/${answered.id}/answer-file`, file);
    },
    onSuccess: () => {
      message.success('答复已提交');
      props.onDone();
    },
    onError: (e) => {
      const rest = applyServerErrors(form, e, ['answer']);
      if (rest) message.error(rest);
    },
  });
  return (
    <Form
      form={form}
      layout="vertical"
      initialValues={{ answer: props.item.answer ?? '' }}
      onFinish={(v) => save.mutate(v)}
    >
      <Form.Item name="answer" label="答复" rules={[{ required: true, message: '请填写答复' }]}>
        <Input.TextArea rows={4} maxLength={4000} />
      </Form.Item>
      <Form.Item label="附件（选填）">
        <Upload
          maxCount={1}
          beforeUpload={(f) => {
            setFile(f);
            return false;
          }}
          onRemove={() => setFile(null)}
        >
          <Button>选择文件</Button>
        </Upload>
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={save.isPending}>
        提交答复
      </Button>
    </Form>
  );
}

export function InspectionsPage() {
  const params = useListParams(['status'] as const);
  const list = useList<Inspection>('inspections', '/api/inspections', params.query);
  const [answering, setAnswering] = useState<Inspection | null>(null);
  return (
    <>
      <PageHeader title="检查记录" subTitle="纪委监委、财政、审计对本单位项目的检查及答复" />
      <Card>
        <List
          loading={list.isLoading}
          dataSource={list.data?.items ?? []}
          locale={{ emptyText: '暂无检查记录' }}
          pagination={
            list.data && list.data.total > list.data.pageSize
              ? {
                  current: params.page,
                  pageSize: params.pageSize,
                  total: list.data.total,
                  onChange: (page) => params.update({ page }),
                }
              : false
          }
          renderItem={(i) => (
            <InspectionItem
              item={i}
              actions={
                i.actions.includes('answer') ? (
                  <Button onClick={() => setAnswering(i)}>答复</Button>
                ) : undefined
              }
            />
          )}
        />
      </Card>
      <Modal
        title="答复检查"
        open={!!answering}
        footer={null}
        onCancel={() => setAnswering(null)}
        destroyOnHidden
      >
        {answering ? (
          <AnswerForm
            item={answering}
            onDone={() => {
              setAnswering(null);
              void list.refetch();
            }}
          />
        ) : null}
      </Modal>
    </>
  );
}

/** One publicity (public): the proposed awards, the objections with answers, and the objection form. */
import { ArrowLeftOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Form, Input, Result, Select, Skeleton, Typography } from 'antd';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError, api } from '../../api';
import { AttachmentList } from '../../components/Attachments';
import { LoadFailed, NotFound } from '../../components/ErrorPages';
import { applyServerErrors } from '../../components/forms';
import { formatDateTime } from '../../format';
import { AwardsTable, ObjectionList, PublicityFacts } from '../publicity/parts';
import type { PublicPublicity } from '../publicity/types';

interface ObjectionValues {
  awardId?: string;
  name: string;
  contact: string;
  reason: string;
}

function ObjectionForm({ publicity, onFiled }: { publicity: PublicPublicity; onFiled: () => void }) {
  const [form] = Form.useForm<ObjectionValues>();
  const { message } = App.useApp();
  const [saving, setSaving] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [receipt, setReceipt] = useState<{ id: string; createdAt: string; attachmentToken: string } | null>(
    null,
  );
  const [evidenceCount, setEvidenceCount] = useState(0);

  if (receipt)
    return (
      <Result
        status="success"
        title="异议已提交"
        subTitle={`提交时间 ${formatDateTime(receipt.createdAt)}。购买主体将在公示结束前答复，答复将在本页公开（不显示您的姓名和联系方式）。`}
        extra={
          <Button
            onClick={() => {
              setReceipt(null);
              setEvidenceCount(0);
              form.resetFields();
            }}
          >
            再提一条异议
          </Button>
        }
      >
        <Card size="small" title="补充证据附件（可选：提交后1小时内，最多3个，仅购买主体和监督单位可见）">
          <AttachmentList
            items={[]}
            emptyText={evidenceCount ? `已上传 ${evidenceCount} 个附件` : '尚未上传附件'}
            uploadPath={`/api/public/objections/${receipt.id}/attachments?token=${encodeURIComponent(receipt.attachmentToken)}`}
            onUploaded={() => setEvidenceCount((n) => n + 1)}
          />
        </Card>
      </Result>
    );

  return (
    <Form<ObjectionValues>
      form={form}
      layout="vertical"
      className="form-grid"
      onFinish={async (values) => {
        setSaving(true);
        setFailure(null);
        try {
          const r = await api.post<{ id: string; createdAt: string; attachmentToken: string }>(
            `/api/public/publicities/${publicity.id}/objections`,
            { ...values, awardId: values.awardId ?? null },
          );
          message.success('异议已提交');
          setReceipt(r);
          onFiled();
        } catch (error) {
          setFailure(applyServerErrors(form, error, ['awardId', 'name', 'contact', 'reason']));
        } finally {
          setSaving(false);
        }
      }}
    >
      <Alert
        className="span-2"
        type="info"
        showIcon
        style={{ marginBottom: 16 }}
        title="您的姓名和联系方式不会公开"
        description="仅购买主体和监督单位可见，用于核实情况和联系您。异议理由和答复将在本页公开，其中的电话号码等个人信息会自动隐去。"
      />
      {failure ? (
        <Alert className="span-2" type="error" showIcon title={failure} style={{ marginBottom: 16 }} />
      ) : null}
      <Form.Item label="针对的项目" name="awardId" className="span-2" extra="可不选，表示针对本次公示整体">
        <Select
          allowClear
          placeholder="选择拟立项项目"
          options={publicity.awards
            .filter((a) => a.status === 'in_publicity')
            .map((a) => ({ value: a.id, label: `${a.projectTitle}（${a.providerName}）` }))}
        />
      </Form.Item>
      <Form.Item
        label="姓名"
        name="name"
        rules={[{ required: true, whitespace: true, message: '请填写姓名' }]}
      >
        <Input maxLength={50} autoComplete="name" />
      </Form.Item>
      <Form.Item
        label="联系方式"
        name="contact"
        rules={[{ required: true, whitespace: true, message: '请填写联系方式' }]}
        extra="手机号、座机号或电子邮箱"
      >
        <Input maxLength={100} autoComplete="tel" />
      </Form.Item>
      <Form.Item
        label="异议理由"
        name="reason"
        className="span-2"
        rules={[
          { required: true, whitespace: true, message: '请填写异议理由' },
          { min: 10, message: '异议理由不少于10个字' },
        ]}
      >
        <Input.TextArea
          rows={5}
          maxLength={2000}
          showCount
          placeholder="请写明事实和理由，可附上可核实的线索"
        />
      </Form.Item>
      <div className="span-2">
        <Button type="primary" htmlType="submit" loading={saving}>
          提交异议
        </Button>
      </div>
    </Form>
  );
}

export function PublicityDetailPage() {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const client = useQueryClient();
  const pub = useQuery({
    queryKey: ['publicities', 'public', 'detail', id],
    queryFn: ({ signal }) => api.get<PublicPublicity>(`/api/public/publicities/${id}`, undefined, signal),
  });
  if (pub.isPending)
    return (
      <div className="public-page">
        <Skeleton active />
      </div>
    );
  if (pub.isError) {
    if (pub.error instanceof ApiError && (pub.error.status === 404 || pub.error.status === 400))
      return <NotFound />;
    return <LoadFailed message={pub.error.message} onRetry={() => pub.refetch()} />;
  }
  const p = pub.data;
  const manages = p.actions.includes('answer') || p.actions.includes('close');
  return (
    <div className="public-page">
      <Link to="/publicity" className="back-link">
        <ArrowLeftOutlined /> 返回立项公示
      </Link>
      <Typography.Title level={2} className="detail-title">
        {p.callTitle} 拟立项公示
      </Typography.Title>
      <div className="stack">
        <Card
          title="公示信息"
          extra={
            <Link to={`/calls/${p.callId}`} data-testid="project-page-link">
              项目主页与进展
            </Link>
          }
        >
          <PublicityFacts p={p} />
          {manages ? (
            <Button style={{ marginTop: 12 }} onClick={() => navigate(`/app/calls/${p.callId}/publicity`)}>
              进入管理（答复异议、结束公示）
            </Button>
          ) : null}
        </Card>
        <Card title="拟立项项目">
          <AwardsTable awards={p.awards} />
        </Card>
        <Card title={`异议及答复（${p.objections.length}）`}>
          <ObjectionList objections={p.objections} />
        </Card>
        {p.actions.includes('object') ? (
          <Card title="提出异议" id="object">
            <ObjectionForm
              publicity={p}
              onFiled={() => client.invalidateQueries({ queryKey: ['publicities'] })}
            />
          </Card>
        ) : (
          <Alert
            type="info"
            showIcon
            title={
              p.phase === 'upcoming' ? `公示自${p.opensOn}开始，届时可提出异议` : '公示期已结束，不再受理异议'
            }
          />
        )}
      </div>
    </div>
  );
}

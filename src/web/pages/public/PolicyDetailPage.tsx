/** One policy document (public): its particulars, status, full text and attachments. */
import { PaperClipOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Card, Descriptions, Skeleton, Typography } from 'antd';
import { Link, useParams } from 'react-router';
import { type PolicyDetail, policyLevelLabels } from '../../../domain/policies';
import { api, errorMessage } from '../../api';
import { PolicyStatusTag } from './PoliciesPage';

export function usePolicy(id: string | undefined) {
  return useQuery({
    queryKey: ['policies', 'detail', id],
    queryFn: ({ signal }) => api.get<PolicyDetail>(`/api/public/policies/${id}`, undefined, signal),
    enabled: !!id,
  });
}

export function PolicyDetailPage() {
  const { id } = useParams();
  const policy = usePolicy(id);
  const p = policy.data;
  return (
    <div className="public-page">
      <Link to="/policies" className="back-link">
        返回政策法规
      </Link>
      {policy.isError ? <Alert type="error" title={errorMessage(policy.error)} /> : null}
      {!p ? (
        policy.isError ? null : (
          <Skeleton active />
        )
      ) : (
        <Card>
          <Typography.Title level={2} data-testid="policy-title">
            {p.title}
          </Typography.Title>
          <Descriptions
            size="small"
            column={{ xs: 1, sm: 2 }}
            items={[
              { key: 'number', label: '文号', children: p.docNumber ?? '—' },
              { key: 'issuer', label: '发布机关', children: p.issuer },
              { key: 'level', label: '层级', children: policyLevelLabels[p.level] },
              { key: 'category', label: '分类', children: p.category },
              { key: 'issued', label: '发布日期', children: p.issuedOn },
              { key: 'effective', label: '施行日期', children: p.effectiveOn ?? '—' },
              { key: 'status', label: '效力', children: <PolicyStatusTag status={p.status} /> },
            ]}
          />
          {p.statusReason ? (
            <Alert type="warning" style={{ margin: '12px 0' }} title={p.statusReason} />
          ) : null}
          {p.summary ? (
            <>
              <Typography.Title level={4}>摘要</Typography.Title>
              <Typography.Paragraph>{p.summary}</Typography.Paragraph>
            </>
          ) : null}
          {p.body && p.body !== p.summary ? (
            <>
              <Typography.Title level={4}>正文</Typography.Title>
              <div style={{ whiteSpace: 'pre-wrap', lineHeight: 1.9 }}>{p.body}</div>
            </>
          ) : null}
          {p.attachments.length ? (
            <>
              <Typography.Title level={4}>附件</Typography.Title>
              <ul>
                {p.attachments.map((a) => (
                  <li key={a.id}>
                    <a href={`/api/files/${a.id}`}>
                      <PaperClipOutlined /> {a.name}
                    </a>
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </Card>
      )}
    </div>
  );
}

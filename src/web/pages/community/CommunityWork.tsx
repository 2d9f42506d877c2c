import { Card, Typography } from 'antd';
import { Link } from 'react-router';
import { formatDate } from '../../format';
import { usePendingActivities } from './pending';

/** The dashboard card: how many activities wait for the committee, and the oldest few. */
export function CommunityWork() {
  const pending = usePendingActivities();
  const items = pending.data?.items ?? [];
  return (
    <Card
      title="待确认活动"
      style={{ marginTop: 16 }}
      loading={pending.isLoading}
      data-testid="community-work"
      extra={<Link to="/app/activities/pending">全部</Link>}
    >
      {items.length === 0 ? (
        <Typography.Text type="secondary">暂无待确认的活动</Typography.Text>
      ) : (
        <>
          <Typography.Paragraph>
            <Link to="/app/activities/pending">有 {items.length} 次活动等待本社区确认</Link>
          </Typography.Paragraph>
          <ul className="plain-list">
            {items.slice(0, 5).map((a) => (
              <li key={a.id}>
                {formatDate(a.heldOn)} {a.place}（{a.projectTitle}）
              </li>
            ))}
          </ul>
        </>
      )}
    </Card>
  );
}

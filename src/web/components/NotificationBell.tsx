/**
 * The bell in the header: the latest notifications (invitations, co-signature requests,
 * objections…) with the unread count. Where the server has no /api/notifications (404) the bell
 * stays hidden.
 */
import { BellOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Badge, Button, Empty, Popover, Typography } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import type { NotificationItem, NotificationList } from '../../domain/notifications';
import { ApiError, api } from '../api';
import { formatDateTime } from '../format';
import { SimpleList } from './SimpleList';

type Notification = NotificationItem;

const APP_AREAS = ['/calls/', '/applications/', '/contracts/', '/reviews/', '/publicities/'];

/** Links in notifications name in-app pages; older ones may lack the /app prefix. */
export function notificationPath(link: string | null | undefined): string | null {
  if (!link) return null;
  if (/^https?:\/\//.test(link)) return null;
  if (link.startsWith('/app/') || link === '/app') return link;
  if (APP_AREAS.some((p) => link.startsWith(p))) return `/app${link}`;
  return link;
}

export function NotificationBell() {
  const navigate = useNavigate();
  const client = useQueryClient();
  const [open, setOpen] = useState(false);
  const query = useQuery({
    queryKey: ['notifications'],
    queryFn: async ({ signal }) => {
      try {
        return await api.get<NotificationList>('/api/notifications', { pageSize: 20 }, signal);
      } catch (error) {
        if (error instanceof ApiError && (error.status === 404 || error.status === 405)) return null;
        throw error;
      }
    },
    refetchInterval: 60_000,
    retry: false,
  });
  if (!query.data) return null;
  const items = query.data.items ?? [];
  const unread = query.data.unreadCount ?? items.filter((n) => !n.readAt).length;
  const canReadAll = query.data.actions?.includes('readAll');

  const openItem = async (n: Notification) => {
    setOpen(false);
    if (!n.readAt) {
      await api.post(`/api/notifications/${n.id}/read`).catch(() => {});
      client.invalidateQueries({ queryKey: ['notifications'] });
    }
    const path = notificationPath(n.link);
    if (path) navigate(path);
  };

  const content = (
    <div className="notification-panel">
      {items.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="暂无通知" />
      ) : (
        <SimpleList
          size="small"
          items={items}
          rowKey={(n) => n.id}
          itemClassName={(n) => (n.readAt ? 'notification read' : 'notification unread')}
          onItemClick={openItem}
          renderItem={(n) => (
            <div>
              <Typography.Text strong={!n.readAt}>{n.title}</Typography.Text>
              {n.body ? <div className="muted notification-body">{n.body}</div> : null}
              <div className="muted notification-time">{formatDateTime(n.createdAt)}</div>
            </div>
          )}
        />
      )}
    </div>
  );

  return (
    <Popover
      content={content}
      title={
        <div className="notification-head">
          <span>通知</span>
          {canReadAll ? (
            <Button
              type="link"
              size="small"
              onClick={async () => {
                await api.post('/api/notifications/read-all').catch(() => {});
                client.invalidateQueries({ queryKey: ['notifications'] });
              }}
            >
              全部已读
            </Button>
          ) : null}
        </div>
      }
      trigger="click"
      open={open}
      onOpenChange={setOpen}
      placement="bottomRight"
    >
      <Button
        type="text"
        aria-label={unread ? `通知（${unread}条未读）` : '通知'}
        className="header-icon-button"
      >
        <Badge count={unread} size="small" overflowCount={99}>
          <BellOutlined style={{ fontSize: 18 }} />
        </Badge>
      </Button>
    </Popover>
  );
}

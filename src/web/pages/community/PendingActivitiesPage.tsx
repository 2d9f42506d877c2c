/**
 * 待确认活动: the community committee's queue of activities providers recorded in its area, with
 * their photos and sign-in sheet; each is confirmed, or disputed with a reason the provider reads.
 */
import { useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Empty, Popconfirm, Skeleton, Space } from 'antd';
import type { PendingActivity } from '../../../domain/implementation';
import { api, errorMessage } from '../../api';
import { LoadFailed } from '../../components/ErrorPages';
import { PageHeader } from '../../components/PageHeader';
import { ReasonModal } from '../../components/ReasonModal';
import { formatDate } from '../../format';
import { ActivityPhotos, ParticipantsText, SigninSheetLink } from '../projects/ActivitiesParts';
import { useDialog } from '../projects/parts';
import { PENDING_KEY, usePendingActivities } from './pending';

export function PendingActivitiesPage() {
  const pending = usePendingActivities();
  const client = useQueryClient();
  const { message } = App.useApp();
  const dialog = useDialog<'dispute', PendingActivity>();
  const check = async (a: PendingActivity, decision: 'confirmed' | 'disputed', reason = '') => {
    await api.post(`/api/activities/${a.id}/check`, { decision, reason, version: a.version });
    message.success(decision === 'confirmed' ? '已确认活动' : '已提出异议，承接单位会收到通知');
    await client.invalidateQueries({ queryKey: PENDING_KEY });
  };
  const disputing = dialog.is('dispute')?.subject;
  return (
    <>
      <PageHeader title="待确认活动" subTitle="承接单位在本社区开展的服务活动，请核实后确认或提出异议" />
      {pending.isError ? (
        <LoadFailed message={pending.error.message} onRetry={() => pending.refetch()} />
      ) : !pending.data ? (
        <Skeleton active />
      ) : pending.data.items.length === 0 ? (
        <Card>
          <Empty description="暂无待确认的活动" />
        </Card>
      ) : (
        <Space orientation="vertical" size={16} style={{ width: '100%' }}>
          {pending.data.items.map((a) => (
            <Card
              key={a.id}
              data-testid="pending-activity"
              title={`${formatDate(a.heldOn)} · ${a.typeLabel}`}
              extra={<span className="muted">{a.providerName}</span>}
            >
              <div>
                <strong>{a.projectTitle}</strong>
              </div>
              <div className="muted">
                {a.communityName} · {a.place}
              </div>
              <ParticipantsText activity={a} />
              <div className="small">
                志愿者 {a.volunteers} 人，服务 {a.volunteerHours} 小时
              </div>
              <div className="pre-wrap" style={{ margin: '8px 0' }}>
                {a.description}
              </div>
              <ActivityPhotos photos={a.photos} />
              <div style={{ margin: '8px 0' }}>
                签到表：
                <SigninSheetLink sheet={a.signinSheet} />
              </div>
              <Space wrap>
                {a.actions.includes('confirm') ? (
                  <Popconfirm
                    title="确认这次活动在本社区开展？"
                    okText="确认"
                    onConfirm={() => check(a, 'confirmed').catch((e) => message.error(errorMessage(e)))}
                  >
                    <Button type="primary">确认活动</Button>
                  </Popconfirm>
                ) : null}
                {a.actions.includes('dispute') ? (
                  <Button danger onClick={() => dialog.show('dispute', a)}>
                    提出异议
                  </Button>
                ) : null}
              </Space>
            </Card>
          ))}
        </Space>
      )}
      {disputing ? (
        <ReasonModal
          title={`对 ${formatDate(disputing.heldOn)} 的活动提出异议`}
          label="异议理由"
          intro="异议理由会告知承接单位，并记录在项目的活动记录中。"
          danger
          minLength={5}
          okText="提出异议"
          onClose={dialog.close}
          onSubmit={(reason) => check(disputing, 'disputed', reason)}
        />
      ) : null}
    </>
  );
}

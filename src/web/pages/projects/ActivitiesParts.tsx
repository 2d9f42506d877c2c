/** Pieces of the 实施动态 pages: the confirmation tag, photo thumbnails, the activity columns. */
import { FileTextOutlined } from '@ant-design/icons';
import { Image, Tag } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import type { Activity, ActivityState, PublicActivity } from '../../../domain/implementation';
import { activityStateLabels } from '../../../domain/implementation';
import { formatDate, formatNumber } from '../../format';

const stateColors: Record<ActivityState, string> = {
  reported: 'orange',
  confirmed: 'success',
  disputed: 'red',
};

export function ActivityStateTag({ status }: { status: ActivityState }) {
  return <Tag color={stateColors[status]}>{activityStateLabels[status]}</Tag>;
}

/** Thumbnails that open the photo (or, in public, the thumbnail itself) in a preview. */
export function ActivityPhotos({
  photos,
}: {
  photos: readonly { id: string; thumbnailUrl: string | null; url?: string; name?: string }[];
}) {
  if (photos.length === 0) return <span className="muted">无照片</span>;
  return (
    <div style={{ display: 'flex', flexWrap: 'wrap', gap: 4 }} data-testid="activity-photos">
      <Image.PreviewGroup>
        {photos.map((p, i) => (
          <Image
            key={p.id}
            width={56}
            height={56}
            style={{ objectFit: 'cover' }}
            src={p.thumbnailUrl ?? p.url}
            alt={p.name ?? `活动照片${i + 1}`}
            preview={p.url ? { src: p.url } : true}
          />
        ))}
      </Image.PreviewGroup>
    </div>
  );
}

/** 15 人, with the count of each target group below. */
export function ParticipantsText({
  activity,
}: {
  activity: Pick<Activity, 'participants' | 'participantCount'>;
}) {
  return (
    <>
      <div className="nowrap">{formatNumber(activity.participantCount)} 人</div>
      <div className="small muted">
        {activity.participants.map((p) => `${p.group} ${p.count}`).join('、')}
      </div>
    </>
  );
}

type Row = Activity | PublicActivity;

/** The columns every activity table shows: when, where, what, who came. */
export function activityColumns<T extends Row>(): ColumnsType<T> {
  return [
    { title: '日期', dataIndex: 'heldOn', render: formatDate, width: 110 },
    {
      title: '地点',
      key: 'place',
      render: (_, a) => (
        <>
          <div>{a.place}</div>
          <div className="small muted">{a.communityName}</div>
        </>
      ),
    },
    { title: '类型', dataIndex: 'typeLabel' },
    { title: '参与', key: 'participants', render: (_, a) => <ParticipantsText activity={a} /> },
    {
      title: '志愿者',
      key: 'volunteers',
      render: (_, a) => (
        <span className="nowrap">
          {a.volunteers} 人 / {a.volunteerHours} 小时
        </span>
      ),
    },
    {
      title: '活动内容',
      dataIndex: 'description',
      render: (text: string) => (
        <div className="pre-wrap" style={{ minWidth: 200, maxWidth: 360 }}>
          {text}
        </div>
      ),
    },
  ];
}

export function SigninSheetLink({ sheet }: { sheet: Activity['signinSheet'] }) {
  if (!sheet) return <span className="muted">未上传</span>;
  return (
    <a href={sheet.url} target="_blank" rel="noreferrer" className="nowrap">
      <FileTextOutlined /> 签到表
    </a>
  );
}

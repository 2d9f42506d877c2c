/**
 * 实施动态 tab of a project: indicator progress, the activities with their photos, sign-in sheet
 * and the community's confirmation; the provider records activities, adds photos and the sheet,
 * and reports indicator values; everyone who sees the project exports the service ledger.
 */
import { DownloadOutlined, UploadOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Skeleton, Space, Table, Upload } from 'antd';
import { useState } from 'react';
import type { Activity, ActivityList } from '../../../domain/implementation';
import { api, download, errorMessage } from '../../api';
import { LoadFailed } from '../../components/ErrorPages';
import { ActivityPhotos, ActivityStateTag, activityColumns, SigninSheetLink } from './ActivitiesParts';
import { ActivitiesProgress } from './ActivitiesProgress';
import { ActivitiesRecordModal, PHOTO_ACCEPT, SIGNIN_ACCEPT, uploadAll } from './ActivitiesRecordModal';
import { PROJECTS_KEY, Section, useDialog } from './parts';

export function useActivities(projectId: string) {
  return useQuery({
    queryKey: [PROJECTS_KEY, 'activities', projectId],
    queryFn: ({ signal }) =>
      api.get<ActivityList>(`/api/projects/${projectId}/activities`, undefined, signal),
  });
}

/** The provider's upload button for an activity's photos or its sign-in sheet. */
function AddFiles(props: { path: string; accept: string; multiple?: boolean; label: string }) {
  const client = useQueryClient();
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  return (
    <Upload
      accept={props.accept}
      multiple={props.multiple}
      showUploadList={false}
      beforeUpload={async (file, list) => {
        // Sent once, for the whole selection, when its first file comes by; kept in no list here.
        if (file !== list[0]) return Upload.LIST_IGNORE;
        setBusy(true);
        const failed = await uploadAll(props.path, list);
        setBusy(false);
        if (failed.length > 0) message.error(failed.join('；'));
        else message.success(`${props.label}已上传`);
        await client.invalidateQueries({ queryKey: [PROJECTS_KEY] });
        return Upload.LIST_IGNORE;
      }}
    >
      <Button size="small" icon={<UploadOutlined />} loading={busy}>
        {props.label}
      </Button>
    </Upload>
  );
}

export function ActivitiesPanel({ projectId, code }: { projectId: string; code: string }) {
  const activities = useActivities(projectId);
  const dialog = useDialog<'record'>();
  const { message } = App.useApp();
  if (activities.isError)
    return <LoadFailed message={activities.error.message} onRetry={() => activities.refetch()} />;
  if (!activities.data) return <Skeleton active />;
  const { items, actions } = activities.data;
  const exportLedger = () =>
    download(`/api/projects/${projectId}/ledger.xlsx`, undefined, `服务台账-${code}.xlsx`).catch((error) =>
      message.error(errorMessage(error)),
    );
  return (
    <div data-testid="activities-panel">
      <Section title="指标进度" testId="progress">
        <ActivitiesProgress projectId={projectId} canReport={actions.includes('reportProgress')} />
      </Section>
      <Section
        title="实施动态"
        testId="activities"
        extra={
          <Space wrap>
            <a href={`/projects/${projectId}`} target="_blank" rel="noreferrer">
              公开页面
            </a>
            <Button icon={<DownloadOutlined />} onClick={exportLedger}>
              导出服务台账
            </Button>
            {actions.includes('record') ? (
              <Button type="primary" onClick={() => dialog.show('record', undefined)}>
                登记活动
              </Button>
            ) : null}
          </Space>
        }
      >
        <Table<Activity>
          rowKey="id"
          size="small"
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          scroll={{ x: 'max-content' }}
          dataSource={items}
          locale={{ emptyText: '尚无活动记录' }}
          columns={[
            ...activityColumns<Activity>(),
            {
              title: '照片',
              key: 'photos',
              render: (_, a) => (
                <Space orientation="vertical" size={4}>
                  <ActivityPhotos photos={a.photos} />
                  {a.actions.includes('addPhoto') ? (
                    <AddFiles
                      path={`/api/activities/${a.id}/photos`}
                      accept={PHOTO_ACCEPT}
                      multiple
                      label="上传照片"
                    />
                  ) : null}
                </Space>
              ),
            },
            {
              title: '签到表',
              key: 'signin',
              render: (_, a) =>
                a.actions.includes('attachSignin') ? (
                  <AddFiles
                    path={`/api/activities/${a.id}/signin-sheet`}
                    accept={SIGNIN_ACCEPT}
                    label="上传签到表"
                  />
                ) : (
                  <SigninSheetLink sheet={a.signinSheet} />
                ),
            },
            {
              title: '社区确认',
              key: 'status',
              render: (_, a) => (
                <>
                  <ActivityStateTag status={a.status} />
                  {a.disputeReason ? <div className="small text-danger">异议：{a.disputeReason}</div> : null}
                </>
              ),
            },
          ]}
        />
      </Section>
      {dialog.is('record') ? <ActivitiesRecordModal projectId={projectId} onClose={dialog.close} /> : null}
    </div>
  );
}

/**
 * 登记活动: the provider records an activity (community limited to the contract's service area,
 * participants by target group), then its chosen photos and sign-in sheet are uploaded to it.
 */
import { DeleteOutlined, PlusOutlined, UploadOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import {
  App,
  AutoComplete,
  Button,
  Form,
  Input,
  InputNumber,
  Select,
  Space,
  Upload,
  type UploadFile,
} from 'antd';
import { useState } from 'react';
import {
  ACTIVITY_TYPES,
  type ActivityOptions,
  activityTypeLabels,
  MAX_ACTIVITY_PHOTOS,
} from '../../../domain/implementation';
import { api, errorMessage } from '../../api';
import { ATTACHMENT_MAX_BYTES } from '../../components/Attachments';
import { DatePicker } from '../../components/DatePicker';
import { FormModal } from '../../components/RecordEditor';
import { type Dayjs, pickerDate, pickerToday } from '../../format';
import { PROJECTS_KEY } from './parts';

export const PHOTO_ACCEPT = '.jpg,.jpeg,.png,.webp';
export const SIGNIN_ACCEPT = '.pdf,.jpg,.jpeg,.png,.webp';

interface Values {
  heldOn: Dayjs;
  place: string;
  communityRegionId: string;
  type: string;
  participants: { group: string; count: number }[];
  volunteers?: number;
  volunteerHours?: number;
  description: string;
}

const typeOptions = ACTIVITY_TYPES.map((t) => ({ value: t, label: activityTypeLabels[t] }));

/** Uploads files to a new activity one by one; the names of those that failed, with why. */
export async function uploadAll(path: string, files: readonly File[]) {
  const failed: string[] = [];
  for (const file of files) {
    try {
      await api.upload(path, file);
    } catch (error) {
      failed.push(`“${file.name}”${errorMessage(error)}`);
    }
  }
  return failed;
}

export function ActivitiesRecordModal({ projectId, onClose }: { projectId: string; onClose: () => void }) {
  const options = useQuery({
    queryKey: [PROJECTS_KEY, 'activity-options', projectId],
    queryFn: ({ signal }) =>
      api.get<ActivityOptions>(`/api/projects/${projectId}/activity-options`, undefined, signal),
  });
  const { message } = App.useApp();
  const [photos, setPhotos] = useState<UploadFile[]>([]);
  const fits = (file: File) => {
    if (file.size <= ATTACHMENT_MAX_BYTES) return false;
    message.error(`“${file.name}”超过 10 MB`);
    return Upload.LIST_IGNORE;
  };
  const [sheet, setSheet] = useState<UploadFile[]>([]);
  const groups = options.data?.targetGroups ?? [];
  return (
    <FormModal<Values>
      title="登记活动"
      okText="保存"
      width={720}
      fields={[
        'heldOn',
        'place',
        'communityRegionId',
        'type',
        'participants',
        'volunteers',
        'volunteerHours',
        'description',
      ]}
      invalidate={PROJECTS_KEY}
      initialValues={{
        heldOn: pickerToday(),
        participants: [{ group: groups[0] ?? '' }] as Values['participants'],
        volunteers: 0,
        volunteerHours: 0,
      }}
      onClose={onClose}
      onSubmit={async (v) => {
        const created = await api.post<{ id: string }>(`/api/projects/${projectId}/activities`, {
          ...v,
          heldOn: pickerDate(v.heldOn),
          volunteers: v.volunteers ?? 0,
          volunteerHours: v.volunteerHours ?? 0,
        });
        const failed = [
          ...(await uploadAll(
            `/api/activities/${created.id}/photos`,
            photos.map((f) => f.originFileObj as File),
          )),
          ...(await uploadAll(
            `/api/activities/${created.id}/signin-sheet`,
            sheet.map((f) => f.originFileObj as File),
          )),
        ];
        if (failed.length > 0)
          return `活动已登记，但以下文件未能上传（可在列表中补传）：${failed.join('；')}`;
        return photos.length > 0 ? `已登记活动并上传${photos.length}张照片` : '已登记活动';
      }}
    >
      <div className="form-grid">
        <Form.Item name="heldOn" label="活动日期" rules={[{ required: true, message: '请选择活动日期' }]}>
          <DatePicker style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="type" label="活动类型" rules={[{ required: true, message: '请选择活动类型' }]}>
          <Select options={typeOptions} />
        </Form.Item>
        <Form.Item
          name="communityRegionId"
          label="服务社区"
          rules={[{ required: true, message: '请选择服务社区' }]}
          extra="只能选择合同服务范围内的社区，由该社区确认活动。"
        >
          <Select
            loading={options.isLoading}
            showSearch={{ optionFilterProp: 'label' }}
            virtual={false}
            options={(options.data?.communities ?? []).map((c) => ({ value: c.id, label: c.name }))}
          />
        </Form.Item>
        <Form.Item
          name="place"
          label="活动地点"
          rules={[{ required: true, whitespace: true, min: 2, message: '请填写活动地点' }]}
        >
          <Input maxLength={100} />
        </Form.Item>
      </div>
      <Form.List name="participants">
        {(fields, { add, remove }) => (
          <Form.Item label="参与人数（按服务对象）" required>
            {fields.map((field, index) => (
              <Space key={field.key} align="start" wrap={false} style={{ display: 'flex' }}>
                <Form.Item
                  name={[field.name, 'group']}
                  rules={[{ required: true, whitespace: true, message: '请填写服务对象类别' }]}
                >
                  <AutoComplete
                    options={groups.map((g) => ({ value: g }))}
                    placeholder="服务对象类别"
                    aria-label={`服务对象${index + 1}`}
                    style={{ width: 200 }}
                  />
                </Form.Item>
                <Form.Item name={[field.name, 'count']} rules={[{ required: true, message: '请填写人数' }]}>
                  <InputNumber min={0} precision={0} suffix="人" aria-label={`服务对象${index + 1}人数`} />
                </Form.Item>
                <Button
                  type="text"
                  danger
                  icon={<DeleteOutlined />}
                  aria-label={`删除服务对象${index + 1}`}
                  disabled={fields.length <= 1}
                  onClick={() => remove(field.name)}
                />
              </Space>
            ))}
            <Button
              icon={<PlusOutlined />}
              disabled={fields.length >= 20}
              onClick={() => add({ group: groups[fields.length] ?? '', count: undefined })}
            >
              添加服务对象
            </Button>
          </Form.Item>
        )}
      </Form.List>
      <div className="form-grid">
        <Form.Item name="volunteers" label="志愿者人数">
          <InputNumber min={0} precision={0} suffix="人" style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="volunteerHours" label="志愿服务时长">
          <InputNumber min={0} step={0.5} precision={1} suffix="小时" style={{ width: '100%' }} />
        </Form.Item>
      </div>
      <Form.Item
        name="description"
        label="活动内容"
        rules={[{ required: true, whitespace: true, min: 10, message: '活动内容不少于10个字' }]}
      >
        <Input.TextArea rows={3} maxLength={2000} showCount />
      </Form.Item>
      <Form.Item
        label={`活动照片（JPEG、PNG、WebP，最多${MAX_ACTIVITY_PHOTOS}张）`}
        extra="照片会缩小保存，并去除拍摄位置等信息；社区确认后，公开页面展示缩略图。"
      >
        <Upload
          listType="picture-card"
          accept={PHOTO_ACCEPT}
          multiple
          maxCount={MAX_ACTIVITY_PHOTOS}
          fileList={photos}
          beforeUpload={fits}
          onChange={({ fileList }) => setPhotos(fileList)}
        >
          {photos.length < MAX_ACTIVITY_PHOTOS ? (
            <button type="button" style={{ border: 0, background: 'none' }} aria-label="添加照片">
              <PlusOutlined />
              <div>添加照片</div>
            </button>
          ) : null}
        </Upload>
      </Form.Item>
      <Form.Item label="签到表（PDF 或图片，不公开）">
        <Upload
          accept={SIGNIN_ACCEPT}
          maxCount={1}
          fileList={sheet}
          beforeUpload={fits}
          onChange={({ fileList }) => setSheet(fileList)}
        >
          <Button icon={<UploadOutlined />}>选择签到表</Button>
        </Upload>
      </Form.Item>
    </FormModal>
  );
}

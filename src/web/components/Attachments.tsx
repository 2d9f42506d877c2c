/** Attachments of a call or an application: download links, and an upload button when allowed. */
import { PaperClipOutlined, UploadOutlined } from '@ant-design/icons';
import { App, Button, Empty, Upload } from 'antd';
import { useState } from 'react';
import { api, errorMessage } from '../api';
import { formatNumber } from '../format';
import { SimpleList } from './SimpleList';

export interface AttachmentInfo {
  id: string;
  name: string;
  size?: number;
  mime?: string;
  url: string;
}

export const ATTACHMENT_ACCEPT = '.pdf,.doc,.docx,.jpg,.jpeg,.png,.gif,.webp';
export const ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024;

export function fileSize(bytes: number | undefined): string {
  if (bytes === undefined) return '';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${formatNumber(Math.round(bytes / 1024))} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function AttachmentList(props: {
  items: readonly AttachmentInfo[];
  /** POST endpoint for a new file (multipart `file`); no upload button without it. */
  uploadPath?: string;
  onUploaded?: () => void;
  emptyText?: string;
}) {
  const { message } = App.useApp();
  const [uploading, setUploading] = useState(false);
  return (
    <div className="attachments">
      {props.items.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={props.emptyText ?? '暂无附件'} />
      ) : (
        <SimpleList
          size="small"
          items={props.items}
          rowKey={(a) => a.id}
          renderItem={(a) => (
            <div className="attachment-row">
              <a href={a.url} download={a.name} className="attachment-link">
                <PaperClipOutlined /> {a.name}
              </a>
              <span className="muted">{fileSize(a.size)}</span>
            </div>
          )}
        />
      )}
      {props.uploadPath ? (
        <Upload
          accept={ATTACHMENT_ACCEPT}
          showUploadList={false}
          beforeUpload={(file) => {
            if (file.size > ATTACHMENT_MAX_BYTES) {
              message.error('附件不能超过 10 MB');
              return Upload.LIST_IGNORE;
            }
            return true;
          }}
          customRequest={async ({ file, onSuccess, onError }) => {
            setUploading(true);
            try {
              const result = await api.upload(props.uploadPath!, file as File);
              message.success(`已上传「${(file as File).name}」`);
              onSuccess?.(result);
              props.onUploaded?.();
            } catch (error) {
              message.error(errorMessage(error));
              onError?.(error as Error);
            } finally {
              setUploading(false);
            }
          }}
        >
          <Button icon={<UploadOutlined />} loading={uploading} style={{ marginTop: 8 }}>
            上传附件
          </Button>
        </Upload>
      ) : null}
      {props.uploadPath ? (
        <div className="muted form-hint">支持 PDF、Word 和图片，单个文件不超过 10 MB。</div>
      ) : null}
    </div>
  );
}

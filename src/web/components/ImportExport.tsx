/** Excel import (with a table of every bad row), export of the current filter, template download. */
import { DownloadOutlined, FileExcelOutlined, UploadOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Modal, Table } from 'antd';
import { useRef, useState } from 'react';
import { ApiError, api, download, errorMessage, type Query } from '../api';
import { formatNumber } from '../format';

export interface ImportProblem {
  row: number | null;
  field: string;
  message: string;
}

/** Reads the bad rows from a 422 answer, whichever list the server put them in. */
export function importProblems(error: ApiError): ImportProblem[] {
  const details = error.details as Record<string, unknown> | unknown[] | null | undefined;
  let list: unknown[] = [];
  if (Array.isArray(details)) list = details;
  else if (details && typeof details === 'object') {
    for (const key of ['problems', 'rows', 'errors', 'fields']) {
      const value = (details as Record<string, unknown>)[key];
      if (Array.isArray(value)) {
        list = value;
        break;
      }
    }
  }
  return list
    .filter((p): p is Record<string, unknown> => !!p && typeof p === 'object')
    .map((p) => {
      const row = typeof p.row === 'number' ? p.row : Number.isFinite(Number(p.row)) ? Number(p.row) : null;
      return {
        row,
        field: String(p.field ?? p.column ?? p.path ?? ''),
        message: String(p.message ?? ''),
      };
    });
}

export function ImportButton(props: {
  /** e.g. /api/orgs/import */
  path: string;
  /** Query key to refresh after a successful import. */
  queryKey: string;
  label?: string;
}) {
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const [problems, setProblems] = useState<{ message: string; rows: ImportProblem[] } | null>(null);
  const { message } = App.useApp();
  const client = useQueryClient();

  async function upload(file: File) {
    setBusy(true);
    try {
      const result = await api.upload<{ imported?: number }>(props.path, file);
      message.success(`导入成功，共 ${formatNumber(result?.imported ?? 0)} 条`);
      await client.invalidateQueries({ queryKey: [props.queryKey] });
    } catch (error) {
      if (error instanceof ApiError && (error.status === 422 || error.status === 400)) {
        setProblems({ message: error.message, rows: importProblems(error) });
      } else {
        message.error(errorMessage(error));
      }
    } finally {
      setBusy(false);
      if (input.current) input.current.value = '';
    }
  }

  return (
    <>
      <input
        ref={input}
        type="file"
        accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        hidden
        data-testid="import-file"
        onChange={(e) => {
          const file = e.target.files?.[0];
          if (file) void upload(file);
        }}
      />
      <Button icon={<UploadOutlined />} loading={busy} onClick={() => input.current?.click()}>
        {props.label ?? 'Excel 导入'}
      </Button>
      <Modal
        open={!!problems}
        title="导入失败：请修改以下内容后重新导入"
        onCancel={() => setProblems(null)}
        footer={
          <Button type="primary" onClick={() => setProblems(null)}>
            知道了
          </Button>
        }
        width={720}
      >
        {problems ? (
          <>
            <Alert
              type="error"
              showIcon
              title={problems.message}
              description={
                problems.rows.length ? `共 ${problems.rows.length} 处问题，请逐行修改。` : undefined
              }
              style={{ marginBottom: 12 }}
            />
            {problems.rows.length > 0 ? (
              <Table<ImportProblem & { key: number }>
                size="small"
                scroll={{ y: 360 }}
                pagination={false}
                dataSource={problems.rows.map((r, i) => ({ ...r, key: i }))}
                columns={[
                  { title: '行号', dataIndex: 'row', width: 70, render: (v) => v ?? '—' },
                  { title: '字段', dataIndex: 'field', width: 150 },
                  { title: '问题', dataIndex: 'message' },
                ]}
              />
            ) : null}
          </>
        ) : null}
      </Modal>
    </>
  );
}

export function ExportButton(props: { path: string; query?: Query; fileName: string; label?: string }) {
  const [busy, setBusy] = useState(false);
  const { message } = App.useApp();
  return (
    <Button
      icon={<DownloadOutlined />}
      loading={busy}
      onClick={async () => {
        setBusy(true);
        try {
          const { page: _p, pageSize: _s, ...filters } = props.query ?? {};
          await download(props.path, filters, props.fileName);
        } catch (error) {
          message.error(errorMessage(error));
        } finally {
          setBusy(false);
        }
      }}
    >
      {props.label ?? '导出'}
    </Button>
  );
}

export function TemplateLink(props: { href: string; label?: string }) {
  return (
    <Button type="link" icon={<FileExcelOutlined />} href={props.href} download>
      {props.label ?? '下载模板'}
    </Button>
  );
}

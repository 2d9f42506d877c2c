/**
 * 节假日安排: the holiday years every working-day period is counted with. Administrators load a
 * year from the State Council's notice — typed into a form, or into the Excel template — with its
 * 文号; a loaded year is replaced only with a reason. Deadlines counted while a year was missing
 * (预计) are counted again by the load, and the answer lists those that changed.
 */
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Form,
  Input,
  InputNumber,
  Modal,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import {
  deadlineKindLabels,
  type HolidayYear,
  type HolidayYearLoadResult,
  holidaySourceLabels,
} from '../../../domain/working-days';
import { ApiError, api, errorMessage } from '../../api';
import { DatePicker } from '../../components/DatePicker';
import { LoadFailed } from '../../components/ErrorPages';
import { applyServerErrors } from '../../components/forms';
import { ImportButton, TemplateLink } from '../../components/ImportExport';
import { PageHeader } from '../../components/PageHeader';
import { type Dayjs, formatDate, formatDateTime, pickerDate, todayInChina, toPicker } from '../../format';
import { CALENDAR_KEY, useCalendarStatus } from './CalendarBanner';

interface HolidayValues {
  name: string;
  from: Dayjs;
  to: Dayjs;
  workdays?: Dayjs[];
}
interface YearValues {
  year: number;
  noticeNo: string;
  issuedOn: Dayjs;
  holidays: HolidayValues[];
  reason?: string;
}

function Holidays({ year }: { year: HolidayYear }) {
  return (
    <Table
      size="small"
      rowKey="name"
      pagination={false}
      scroll={{ x: 'max-content' }}
      dataSource={year.holidays}
      columns={[
        { title: '节日', dataIndex: 'name' },
        { title: '放假', render: (_, h) => `${formatDate(h.from)} 至 ${formatDate(h.to)}` },
        {
          title: '调休上班',
          dataIndex: 'workdays',
          render: (days: string[]) => (days.length ? days.map(formatDate).join('、') : '—'),
        },
      ]}
    />
  );
}

function RecomputedList({ result }: { result: HolidayYearLoadResult }) {
  if (result.recomputed.length === 0) return <Typography.Text>没有截止日期需要调整。</Typography.Text>;
  return (
    <ul className="plain-list" data-testid="recomputed">
      {result.recomputed.map((d) => (
        <li key={d.id}>
          {deadlineKindLabels[d.kind]}：{d.title}，{formatDate(d.before)}
          {d.wasEstimated ? '（预计）' : ''} → {formatDate(d.after)}
          {d.estimated ? '（预计）' : ''}
        </li>
      ))}
    </ul>
  );
}

/** The form of a year: the notice's facts and one line per holiday. */
function YearModal(props: {
  replacing: HolidayYear | null;
  open: boolean;
  onClose: () => void;
  onLoaded: (r: HolidayYearLoadResult) => void;
}) {
  const [form] = Form.useForm<YearValues>();
  const [saving, setSaving] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const { replacing } = props;
  const initial: Partial<YearValues> = replacing
    ? {
        year: replacing.year,
        noticeNo: replacing.noticeNo ?? '',
        issuedOn: toPicker(replacing.issuedOn) ?? undefined,
        holidays: replacing.holidays.map((h) => ({
          name: h.name,
          from: toPicker(h.from)!,
          to: toPicker(h.to)!,
          workdays: h.workdays.map((d) => toPicker(d)!),
        })),
      }
    : { holidays: [{} as HolidayValues] };

  async function submit(v: YearValues) {
    setSaving(true);
    setFailure(null);
    const body = {
      noticeNo: v.noticeNo,
      issuedOn: pickerDate(v.issuedOn),
      holidays: v.holidays.map((h) => ({
        name: h.name,
        from: pickerDate(h.from),
        to: pickerDate(h.to),
        workdays: (h.workdays ?? []).map((d) => pickerDate(d)),
      })),
    };
    try {
      const result = replacing
        ? await api.put<HolidayYearLoadResult>(`/api/calendar/years/${replacing.year}`, {
            ...body,
            reason: v.reason,
          })
        : await api.post<HolidayYearLoadResult>('/api/calendar/years', { ...body, year: v.year });
      props.onLoaded(result);
    } catch (error) {
      // A holiday's problem goes to its own line ("holidays.0.to"), and is named above the form.
      const lines =
        error instanceof ApiError ? error.fieldErrors.filter((f) => f.path.startsWith('holidays.')) : [];
      form.setFields(
        lines.map((f) => ({
          name: f.path.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p)) as [
            'holidays',
            number,
            'from',
          ],
          errors: [f.message],
        })),
      );
      const rest = applyServerErrors(form, error, ['year', 'noticeNo', 'issuedOn', 'reason', 'holidays']);
      setFailure(lines.length ? errorMessage(error) : rest);
    } finally {
      setSaving(false);
    }
  }

  return (
    <Modal
      open={props.open}
      title={replacing ? `替换${replacing.year}年节假日安排` : '按通知录入节假日安排'}
      onCancel={props.onClose}
      onOk={() => form.submit()}
      okText={replacing ? '替换' : '载入'}
      confirmLoading={saving}
      width={760}
      destroyOnHidden
    >
      {failure ? <Alert type="error" showIcon title={failure} style={{ marginBottom: 12 }} /> : null}
      <Form form={form} layout="vertical" initialValues={initial} onFinish={submit} preserve={false}>
        <Space wrap>
          <Form.Item name="year" label="年份" rules={[{ required: true, message: '请填写年份' }]}>
            <InputNumber min={2000} max={2100} disabled={!!replacing} />
          </Form.Item>
          <Form.Item name="noticeNo" label="通知文号" rules={[{ required: true, message: '请填写通知文号' }]}>
            <Input placeholder="如 国办发明电〔2026〕X号" style={{ width: 260 }} />
          </Form.Item>
          <Form.Item name="issuedOn" label="发布日期" rules={[{ required: true, message: '请选择发布日期' }]}>
            <DatePicker />
          </Form.Item>
        </Space>
        <Form.List name="holidays">
          {(fields, { add, remove }) => (
            <>
              {fields.map((field) => (
                <Space key={field.key} wrap align="start" data-testid="holiday-line">
                  <Form.Item name={[field.name, 'name']} rules={[{ required: true, message: '请填写节日' }]}>
                    <Input placeholder="节日名称" style={{ width: 120 }} />
                  </Form.Item>
                  <Form.Item name={[field.name, 'from']} rules={[{ required: true, message: '放假开始' }]}>
                    <DatePicker placeholder="放假开始" />
                  </Form.Item>
                  <Form.Item name={[field.name, 'to']} rules={[{ required: true, message: '放假结束' }]}>
                    <DatePicker placeholder="放假结束" />
                  </Form.Item>
                  <Form.Item name={[field.name, 'workdays']}>
                    <DatePicker multiple placeholder="调休上班日" style={{ minWidth: 180 }} />
                  </Form.Item>
                  <Button
                    icon={<DeleteOutlined />}
                    aria-label="删除此节日"
                    onClick={() => remove(field.name)}
                  />
                </Space>
              ))}
              <Button icon={<PlusOutlined />} onClick={() => add({})}>
                添加节日
              </Button>
            </>
          )}
        </Form.List>
        {replacing ? (
          <Form.Item
            name="reason"
            label="替换原因"
            style={{ marginTop: 16 }}
            rules={[{ required: true, message: '替换已载入的年份需填写原因' }]}
          >
            <Input.TextArea rows={2} maxLength={500} showCount />
          </Form.Item>
        ) : null}
      </Form>
    </Modal>
  );
}

/** The Excel import: the notice's facts here, its holidays in the workbook. */
function ExcelImport({ loaded }: { loaded: readonly number[] }) {
  const [values, setValues] = useState<{
    year?: number;
    noticeNo?: string;
    issuedOn?: Dayjs | null;
    reason?: string;
  }>({
    year: Number(todayInChina().slice(0, 4)) + 1,
  });
  const replacing = values.year !== undefined && loaded.includes(values.year);
  const query = new URLSearchParams();
  if (values.year) query.set('year', String(values.year));
  if (values.noticeNo) query.set('noticeNo', values.noticeNo);
  if (values.issuedOn) query.set('issuedOn', pickerDate(values.issuedOn));
  if (replacing && values.reason) query.set('reason', values.reason);
  return (
    <Card title="从 Excel 导入" size="small" style={{ marginBottom: 16 }}>
      <Typography.Paragraph type="secondary">
        按国务院办公厅通知，每个节日一行：节日名称、放假开始日期、放假结束日期、调休上班日期（多个用顿号分隔）。整份文件全部正确才会载入。
      </Typography.Paragraph>
      <Form layout="inline" onValuesChange={(_, all) => setValues(all)} initialValues={values}>
        <Form.Item name="year" label="年份">
          <InputNumber min={2000} max={2100} />
        </Form.Item>
        <Form.Item name="noticeNo" label="通知文号">
          <Input style={{ width: 220 }} />
        </Form.Item>
        <Form.Item name="issuedOn" label="发布日期">
          <DatePicker />
        </Form.Item>
        {replacing ? (
          <Form.Item name="reason" label="替换原因">
            <Input style={{ width: 220 }} placeholder={`${values.year}年已载入，替换需填写原因`} />
          </Form.Item>
        ) : null}
      </Form>
      <Space style={{ marginTop: 12 }} wrap>
        <TemplateLink href="/api/calendar/template.xlsx" />
        <ImportButton
          path={`/api/calendar/years/import?${query}`}
          queryKey={CALENDAR_KEY}
          label="选择 Excel 文件并导入"
        />
      </Space>
    </Card>
  );
}

export function CalendarPage() {
  const years = useQuery({
    queryKey: [CALENDAR_KEY, 'years'],
    queryFn: ({ signal }) =>
      api.get<{ items: HolidayYear[]; actions: string[] }>('/api/calendar/years', undefined, signal),
  });
  const status = useCalendarStatus();
  const client = useQueryClient();
  const { message, modal } = App.useApp();
  const [editing, setEditing] = useState<{ replacing: HolidayYear | null } | null>(null);

  if (years.isError)
    return <LoadFailed message={errorMessage(years.error)} onRetry={() => years.refetch()} />;
  const items = years.data?.items ?? [];

  const loaded = (result: HolidayYearLoadResult) => {
    setEditing(null);
    message.success(`${result.year.year}年节假日安排已载入`);
    modal.info({
      title: `已重新计算的截止日期（${result.recomputed.length}）`,
      content: <RecomputedList result={result} />,
    });
    void client.invalidateQueries({ queryKey: [CALENDAR_KEY] });
  };

  return (
    <>
      <PageHeader
        title="节假日安排"
        subTitle={`公示期、整改期限等按工作日计算，以此处载入的放假调休安排为准；已载入 ${
          status.data?.loadedYears.join('、') ?? '…'
        } 年`}
        extra={
          years.data?.actions.includes('load') ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing({ replacing: null })}>
              按通知录入
            </Button>
          ) : null
        }
      />
      <ExcelImport loaded={items.map((y) => y.year)} />
      <Card title="已载入的年份" size="small">
        <Table<HolidayYear>
          rowKey="year"
          loading={years.isLoading}
          pagination={false}
          scroll={{ x: 'max-content' }}
          dataSource={items}
          expandable={{ expandedRowRender: (y) => <Holidays year={y} /> }}
          columns={[
            { title: '年份', dataIndex: 'year' },
            { title: '通知文号', dataIndex: 'noticeNo', render: (v: string | null) => v ?? '—' },
            {
              title: '发布日期',
              dataIndex: 'issuedOn',
              render: (v: string | null) => (v ? formatDate(v) : '—'),
            },
            {
              title: '来源',
              dataIndex: 'source',
              render: (v: HolidayYear['source']) => <Tag>{holidaySourceLabels[v]}</Tag>,
            },
            { title: '放假天数', dataIndex: 'offDays' },
            { title: '调休上班', dataIndex: 'makeupDays' },
            {
              title: '载入',
              render: (_, y) => `${y.loadedBy ?? '系统'}，${formatDateTime(y.loadedAt)}`,
            },
            { title: '替换原因', dataIndex: 'replaceReason', render: (v: string | null) => v ?? '—' },
            {
              title: '操作',
              render: (_, y) =>
                y.actions.includes('replace') ? (
                  <Button size="small" onClick={() => setEditing({ replacing: y })}>
                    替换
                  </Button>
                ) : null,
            },
          ]}
        />
      </Card>
      <YearModal
        open={!!editing}
        replacing={editing?.replacing ?? null}
        onClose={() => setEditing(null)}
        onLoaded={loaded}
      />
    </>
  );
}

/**
 * antd's DatePicker (and RangePicker) on the Shanghai clock: "today", "now" and the calendar's
 * highlighted day are Asia/Shanghai's whatever the browser's zone. Values are Shanghai wall clocks
 * (see src/web/format.ts): build them with `toPicker`, send them with `pickerInstant`/`pickerDate`.
 */
import dayjsGenerateConfig from '@rc-component/picker/generate/dayjs';
import { DatePicker as AntDatePicker } from 'antd';
import { pickerNow } from '../format';

export const DatePicker = AntDatePicker.generatePicker({ ...dayjsGenerateConfig, getNow: pickerNow });

import ExcelJS from 'exceljs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ImportProblems } from '../../domain/api.js';
import { badRequest, unprocessable } from './errors.js';
import { textProblem } from './input-guard.js';
import { readUploadedFile } from './uploads.js';

export interface Column<T> {
  header: string;
  width?: number;
  value: (row: T) => string | number | null;
}

export async function workbookBuffer<T>(
  sheetName: string,
  columns: Column<T>[],
  rows: Iterable<T> | AsyncIterable<T>,
) {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = '社会工作服务项目管理平台';
  const sheet = workbook.addWorksheet(sheetName);
  sheet.columns = columns.map((c) => ({ header: c.header, width: c.width ?? 16 }));
  sheet.getRow(1).font = { bold: true };
  for await (const row of rows) sheet.addRow(columns.map((c) => c.value(row)));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

export function sendWorkbook(reply: FastifyReply, filename: string, buffer: Buffer) {
  return reply
    .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
    .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(filename)}`)
    .send(buffer);
}

export type RawRow = { row: number; values: Record<string, string> };

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    if ('text' in value && typeof value.text === 'string') return value.text;
    if ('result' in value) return cellText(value.result as ExcelJS.CellValue);
    if ('richText' in value) return value.richText.map((r) => r.text).join('');
  }
  return String(value).trim();
}

/** Reads the first sheet; columns are found by their header text, so their order is free. */
export async function readRows(buffer: Buffer, headers: string[]): Promise<RawRow[]> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(buffer as unknown as ArrayBuffer);
  } catch {
    throw badRequest('无法读取文件，请上传 Excel（.xlsx）文件');
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw badRequest('Excel 文件中没有工作表');
  const columnOf = new Map<string, number>();
  sheet.getRow(1).eachCell((cell, col) => columnOf.set(cellText(cell.value), col));
  const missing = headers.filter((h) => !columnOf.has(h));
  if (missing.length) {
    throw unprocessable('import_invalid', `表头缺少列：${missing.join('、')}，请使用下载的模板`, {
      rows: missing.map((h) => ({ row: 1, field: h, message: '缺少此列' })),
    });
  }
  const rows: RawRow[] = [];
  const problems: ImportProblems['rows'] = [];
  sheet.eachRow((row, number) => {
    if (number === 1) return;
    const values: Record<string, string> = {};
    for (const h of headers) {
      values[h] = cellText(row.getCell(columnOf.get(h)!).value);
      // The input guard cannot see into a workbook: its cells are checked here.
      const message = textProblem(values[h]);
      if (message) problems.push({ row: number, field: h, message });
    }
    if (Object.values(values).some((v) => v !== '')) rows.push({ row: number, values });
  });
  if (problems.length) {
    throw unprocessable('import_invalid', `导入失败：${problems.length}处错误，未写入任何数据`, {
      rows: problems,
    });
  }
  return rows;
}

export async function uploadedFile(request: FastifyRequest): Promise<Buffer> {
  return (await readUploadedFile(request, { missing: '请选择要导入的文件' })).content;
}

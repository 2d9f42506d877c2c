import ExcelJS from 'exceljs';
import type { TestClient } from './test-app.js';

export async function xlsx(rows: (string | number | null)[][]) {
  const wb = new ExcelJS.Workbook();
  const sheet = wb.addWorksheet('Sheet1');
  for (const r of rows) sheet.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** POSTs one file as multipart/form-data field `file`. */
export function upload(
  c: TestClient,
  url: string,
  file: Buffer,
  filename = 'upload.xlsx',
  type = 'application/octet-stream',
) {
  const boundary = '----sw-test-boundary';
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`,
  );
  const body = Buffer.concat([head, file, Buffer.from(`\r\n--${boundary}--\r\n`)]);
  return c.request('POST', url, body, { 'content-type': `multipart/form-data; boundary=${boundary}` });
}

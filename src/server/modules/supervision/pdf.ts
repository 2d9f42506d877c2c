import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as fontkit from 'fontkit';
import PDFDocument from 'pdfkit';

/**
 * Noto Sans Hans (GB2312, SIL OFL) from @embedpdf/fonts-sc: the PDF standard fonts have no Chinese
 * glyphs and the machines carry no CJK font. Parsed once per process and shared by every document
 * (pdfkit takes a fontkit font as it is); each document embeds only the glyphs it uses.
 */
let font: fontkit.Font | null = null;
function cjkFont() {
  if (!font) {
    const entry = createRequire(import.meta.url).resolve('@embedpdf/fonts-sc');
    const file = readFileSync(path.join(path.dirname(entry), '..', 'fonts', 'NotoSansHans-Regular.otf'));
    font = fontkit.create(file) as fontkit.Font;
  }
  return font;
}

export interface PdfSection {
  heading: string;
  lines: string[];
}

/** A plain A4 summary: a title, a subtitle, then sections of lines. */
export function renderPdf(title: string, subtitle: string, sections: PdfSection[]): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: 56,
    info: { Title: title, Creator: '社会工作服务项目管理平台' },
  });
  // pdfkit's types know only file names and buffers; it accepts a fontkit font too.
  doc.registerFont('cjk', cjkFont() as unknown as Buffer);
  doc.font('cjk');
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.fontSize(18).text(title, { align: 'center' });
  doc.moveDown(0.3).fontSize(10).fillColor('#555').text(subtitle, { align: 'center' }).fillColor('#000');
  for (const s of sections) {
    doc.moveDown(1).fontSize(13).text(s.heading);
    doc.moveDown(0.3).fontSize(10);
    for (const line of s.lines.length ? s.lines : ['（无）']) doc.text(line, { paragraphGap: 2 });
  }
  doc.end();
  return done;
}

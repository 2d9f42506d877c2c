import { describe, expect, it } from 'vitest';
import { displayName, downloadName, MAX_NAME_LENGTH } from './names.js';

describe('displayName', () => {
  it.each([
    ['申报书.pdf', '申报书.pdf'],
    ['../../etc/passwd', 'passwd'],
    ['C:\\fakepath\\证明.jpg', '证明.jpg'],
    ['dir/', 'dir'],
    ['a\r\nb.pdf', 'ab.pdf'],
    ['a\u0000b.pdf', 'ab.pdf'],
    ['invoice\u202efdp.exe', 'invoicefdp.exe'],
    ['\u2067x\u2069.pdf', 'x.pdf'],
    ['合\u200b同\u200d.pdf', '合同.pdf'],
    ['a\u2028b.pdf', 'ab.pdf'],
    ['a..pdf', 'a.pdf'],
    ['..', '附件'],
    ['', '附件'],
    ['.htaccess', 'htaccess'],
    ['trailing. . ', 'trailing'],
    ['  many   spaces .pdf', 'many spaces .pdf'],
    ['what?.pdf', 'what_.pdf'],
    ['"quoted".pdf', '_quoted_.pdf'],
  ])('%j → %j', (raw, shown) => {
    expect(displayName(raw)).toBe(shown);
  });

  it('caps the length and keeps the extension', () => {
    const name = displayName(`${'名'.repeat(300)}.docx`);
    expect([...name]).toHaveLength(MAX_NAME_LENGTH);
    expect(name.endsWith('名.docx')).toBe(true);
  });
});

describe('downloadName', () => {
  it.each([
    ['申报书.pdf', 'pdf', '申报书.pdf'],
    ['x.pdf.html', 'pdf', 'x.pdf'],
    ['logo.svg', 'pdf', 'logo.pdf'],
    ['invoice\u202efdp.exe', 'pdf', 'invoicefdp.pdf'],
    ['scan.PDF', 'pdf', 'scan.pdf'],
    ['photo.jpeg', 'jpg', 'photo.jpg'],
    ['v1.2 final', 'docx', 'v1.2 final.docx'],
    ['附件', 'png', '附件.png'],
    ['..', 'pdf', '附件.pdf'],
  ])('%j saved as %s → %j', (display, ext, saved) => {
    expect(downloadName(display, ext)).toBe(saved);
  });
});

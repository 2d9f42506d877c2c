/**
 * An uploaded file's name is only display text: content is stored under its hash and the
 * detected type's extension (storage.ts), and downloads under the display name with that
 * extension. Hand-written: sanitize-filename and similar libraries keep bidi controls and
 * zero-width characters, which is what RTL-spoofed names (`invoice\u202Efdp.exe`) are made of.
 */

export const MAX_NAME_LENGTH = 100;
const FALLBACK = '附件';

/** Control (CR, LF, NUL …), format (bidi overrides and isolates, zero-width, BOM) and line/paragraph separators. */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;
/** Reserved in Windows file names (and `"` breaks quoted header parameters). */
const RESERVED = /[<>:"|?*]/g;

/**
 * The name as shown in lists: the last path segment, without invisible and control characters,
 * without `..`, leading dots, and trailing dots and spaces, at most MAX_NAME_LENGTH characters
 * (the extension kept).
 */
export function displayName(raw: string): string {
  const segment =
    raw
      .normalize('NFC')
      .replace(INVISIBLE, '')
      .split(/[/\\]/)
      .filter((s) => s.trim() !== '')
      .pop() ?? '';
  const name = segment
    .replace(RESERVED, '_')
    .replace(/\.{2,}/g, '.')
    .replace(/\s+/g, ' ')
    .replace(/^[\s.]+|[\s.]+$/g, '');
  return truncate(name) || FALLBACK;
}

const EXTENSION = /(?<=.)\.[A-Za-z0-9]{1,10}$/;

function truncate(name: string) {
  const chars = [...name];
  if (chars.length <= MAX_NAME_LENGTH) return name;
  const ext = EXTENSION.exec(name)?.[0] ?? '';
  return [...name.slice(0, name.length - ext.length)].slice(0, MAX_NAME_LENGTH - ext.length).join('') + ext;
}

/**
 * The name a download is saved under: the display name's stem with the detected type's
 * extension, whatever extension the uploader gave (`x.pdf.html` accepted as PDF is `x.pdf`).
 */
export function downloadName(display: string, ext: string): string {
  let stem = displayName(display).replace(EXTENSION, '');
  if (stem.toLowerCase().endsWith(`.${ext}`)) stem = stem.slice(0, -ext.length - 1);
  return `${stem || FALLBACK}.${ext}`;
}

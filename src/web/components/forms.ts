/** Helpers that connect antd forms to the API's validation errors. */
import type { FormInstance } from 'antd';
import { ApiError, errorMessage } from '../api';

/**
 * Puts the server's field errors (422 `validation_error`) on the form fields they belong to.
 * Returns a message for whatever could not be placed on a field (or null when all were placed).
 */
export function applyServerErrors(
  form: FormInstance,
  error: unknown,
  fieldNames: readonly string[],
): string | null {
  if (!(error instanceof ApiError)) return errorMessage(error);
  const fields = error.fieldErrors;
  if (fields.length === 0) return error.message;
  const byField = new Map<string, string[]>();
  const leftovers: string[] = [];
  for (const f of fields) {
    const top = f.path.split(/[.[]/)[0];
    if (fieldNames.includes(top)) byField.set(top, [...(byField.get(top) ?? []), f.message]);
    else leftovers.push(f.path ? `${f.path}：${f.message}` : f.message);
  }
  form.setFields([...byField].map(([name, errors]) => ({ name, errors })));
  if (byField.size > 0) {
    const first = [...byField.keys()][0];
    form.scrollToField(first, { block: 'center' });
  }
  if (leftovers.length > 0) return leftovers.join('；');
  return null;
}

/** A mobile or landline number in China (the server checks it again). */
export const PHONE_RULE = {
  pattern: /^(1\d{10}|0\d{2,3}-?\d{7,8})$/,
  message: '请填写有效的手机号或座机号（如 13800000000 或 0871-12345678）',
};

/** Blank strings become null so optional fields clear on the server. */
export function blanksToNull<T extends Record<string, unknown>>(values: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) out[k] = typeof v === 'string' && v.trim() === '' ? null : v;
  return out as T;
}

/** Only the fields that differ from the original record (for PATCH). */
export function changedFields<T extends Record<string, unknown>>(
  values: T,
  original: Record<string, unknown>,
): Partial<T> {
  const out: Partial<T> = {};
  for (const key of Object.keys(values) as (keyof T)[]) {
    if (JSON.stringify(values[key] ?? null) !== JSON.stringify(original[key as string] ?? null)) {
      out[key] = values[key];
    }
  }
  return out;
}

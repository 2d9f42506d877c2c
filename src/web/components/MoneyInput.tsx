/** An amount typed in yuan (元, two decimals) and kept as integer fen (分), without floating point. */
import { InputNumber } from 'antd';
import { parseYuanToFen } from '../../domain/money';

export function fenToYuanString(fen: number | null | undefined): string | null {
  if (fen === null || fen === undefined || !Number.isFinite(fen)) return null;
  const negative = fen < 0;
  const abs = Math.abs(Math.trunc(fen));
  return `${negative ? '-' : ''}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

export function MoneyInput(props: {
  value?: number | null;
  onChange?: (fen: number | null) => void;
  id?: string;
  placeholder?: string;
  disabled?: boolean;
  max?: number;
  style?: React.CSSProperties;
  'aria-label'?: string;
}) {
  return (
    <InputNumber<string>
      id={props.id}
      aria-label={props['aria-label']}
      stringMode
      min="0"
      precision={2}
      step="100"
      prefix="¥"
      suffix="元"
      inputMode="decimal"
      disabled={props.disabled}
      placeholder={props.placeholder ?? '0.00'}
      value={fenToYuanString(props.value)}
      onChange={(v) => props.onChange?.(v === null || v === '' ? null : parseYuanToFen(String(v)))}
      style={props.style ?? { width: '100%' }}
    />
  );
}

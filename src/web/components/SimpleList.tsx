/** A plain list with dividers (antd's List is deprecated from 6.6 and warns in the console). */
import type { ReactNode } from 'react';

export function SimpleList<T>(props: {
  items: readonly T[];
  renderItem: (item: T, index: number) => ReactNode;
  rowKey: (item: T, index: number) => string;
  /** Shown instead of the list when it is empty. */
  empty?: ReactNode;
  size?: 'small' | 'middle';
  className?: string;
  itemClassName?: (item: T) => string | undefined;
  onItemClick?: (item: T) => void;
  itemTestId?: string;
}) {
  if (props.items.length === 0) return <>{props.empty ?? null}</>;
  return (
    <ul className={`simple-list ${props.size === 'small' ? 'simple-list-sm' : ''} ${props.className ?? ''}`}>
      {props.items.map((item, i) => (
        <li
          key={props.rowKey(item, i)}
          className={`simple-list-item ${props.itemClassName?.(item) ?? ''}`}
          data-testid={props.itemTestId}
          onClick={props.onItemClick ? () => props.onItemClick?.(item) : undefined}
          onKeyDown={
            props.onItemClick
              ? (e) => {
                  if (e.key === 'Enter') props.onItemClick?.(item);
                }
              : undefined
          }
          tabIndex={props.onItemClick ? 0 : undefined}
        >
          {props.renderItem(item, i)}
        </li>
      ))}
    </ul>
  );
}

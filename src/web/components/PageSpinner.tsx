import { Spin } from 'antd';

/** What a page shows while its code or its data loads. */
export function PageSpinner() {
  return (
    <div className="page-spinner">
      <Spin size="large" />
    </div>
  );
}

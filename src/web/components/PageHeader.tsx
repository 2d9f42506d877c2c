import { Typography } from 'antd';
import type { ReactNode } from 'react';

/** Title row of an /app page; actions wrap below the title on phones. */
export function PageHeader(props: { title: string; subTitle?: ReactNode; extra?: ReactNode }) {
  return (
    <div className="page-header">
      <div>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {props.title}
        </Typography.Title>
        {props.subTitle ? <Typography.Text type="secondary">{props.subTitle}</Typography.Text> : null}
      </div>
      {props.extra ? <div className="page-header-extra">{props.extra}</div> : null}
    </div>
  );
}

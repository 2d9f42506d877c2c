import { App } from 'antd';
import { Outlet } from 'react-router';

/**
 * antd's App (what `App.useApp()` hands out: message, modal, notification) around every page but
 * the home page, loaded with them: the home page, every visitor's first, needs none of its code.
 */
export default function AntAppOutlet() {
  return (
    <App>
      <Outlet />
    </App>
  );
}

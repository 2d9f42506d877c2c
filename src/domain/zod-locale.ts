import { z } from 'zod';

/** Zod's own messages (wrong type, missing field) in Chinese, on the server and in the browser. */
z.config(z.locales.zhCN());

import { z } from 'zod';

/** A path parameter holding a record's id. */
export const uuidParam = (name: string) => z.object({ [name]: z.string().uuid('编号格式不正确') });
export const idParams = z.object({ id: z.string().uuid('编号格式不正确') });

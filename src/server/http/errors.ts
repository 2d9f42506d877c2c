/** Errors with stable ids; the error handler turns them into `{ error, message, details }`. */
export class AppError extends Error {
  constructor(
    readonly statusCode: number,
    readonly errorId: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export type FieldProblem = { path: string; message: string };

export const unauthenticated = (message = '请先登录') => new AppError(401, 'unauthenticated', message);
export const forbidden = (message = '您没有权限执行此操作') => new AppError(403, 'forbidden', message);
export const notFound = (what = '记录') => new AppError(404, 'not_found', `${what}不存在`);
export const conflict = (message: string, details?: unknown) =>
  new AppError(409, 'conflict', message, details);
export const staleVersion = () => conflict('该记录已被他人修改，请刷新后重试');
export const badRequest = (message: string, details?: unknown) =>
  new AppError(400, 'bad_request', message, details);
export const unprocessable = (errorId: string, message: string, details?: unknown) =>
  new AppError(422, errorId, message, details);
export const validationError = (fields: FieldProblem[]) =>
  new AppError(422, 'validation_error', fields.map((f) => f.message).join('；'), { fields });
export const fieldError = (path: string, message: string) => validationError([{ path, message }]);

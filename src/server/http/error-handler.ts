import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError } from './errors.js';

const statusIds: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

const statusMessages: Record<number, string> = {
  400: '请求格式不正确',
  413: '上传的内容过大',
  415: '不支持的内容类型',
  429: '请求过于频繁，请稍后再试',
};

/** One error body everywhere: `{ error, message, details?, requestId? }`; no stack traces leave. */
export function registerErrorHandler(app: FastifyInstance, webRoot: string | null) {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (err instanceof AppError) {
      return reply
        .status(err.statusCode)
        .send({ error: err.errorId, message: err.message, details: err.details });
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const fields = err.validation.map((v) => ({
        path: v.instancePath.replace(/^\//, '').replaceAll('/', '.'),
        message: v.message ?? '格式不正确',
      }));
      const where = err.validationContext === 'body' ? '' : `（${err.validationContext}）`;
      return reply.status(422).send({
        error: 'validation_error',
        message: `提交的内容有误${where}：${fields.map((f) => (f.path ? `${f.path}：${f.message}` : f.message)).join('；')}`,
        details: { fields },
      });
    }
    const status = err.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      return reply.status(status).send({
        error: statusIds[status] ?? 'bad_request',
        message: statusMessages[status] ?? err.message,
      });
    }
    request.log.error({ err }, 'unexpected error');
    return reply.status(500).send({
      error: 'internal_error',
      message: `服务器内部错误，请稍后重试。如问题持续，请联系管理员并提供请求编号 ${request.id}`,
      requestId: String(request.id),
    });
  });

  app.setNotFoundHandler((request, reply) => {
    // The browser app routes its own paths: any other GET outside /api gets its page.
    if (webRoot && request.method === 'GET' && !request.url.startsWith('/api')) {
      return reply.type('text/html').sendFile('index.html', webRoot);
    }
    return reply
      .status(404)
      .send({ error: 'not_found', message: `接口不存在：${request.method} ${request.url.split('?')[0]}` });
  });
}

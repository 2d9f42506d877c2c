import { createHash } from 'node:crypto';
import type { FastifyError, FastifyInstance, FastifyRequest, FastifyServerOptions } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, type FieldProblem } from './errors.js';

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
  401: '请先登录',
  403: '您没有权限执行此操作',
  404: '请求的资源不存在',
  405: '不支持该请求方法',
  406: '请求的内容类型不正确',
  409: '请求与当前状态冲突，请刷新后重试',
  413: '上传的内容过大',
  415: '不支持的内容类型',
  429: '请求过于频繁，请稍后再试',
};

/** Where a bad value came from, as fastify names the parts of a request. */
export type InputContext = 'body' | 'querystring' | 'params' | 'headers' | 'multipart';

/** 422 naming each bad field, the same shape for zod's findings and the input guard's. */
export function invalidInput(context: InputContext, fields: FieldProblem[]) {
  const where = context === 'body' ? '' : `（${context}）`;
  return new AppError(
    422,
    'validation_error',
    `提交的内容有误${where}：${fields.map((f) => (f.path ? `${f.path}：${f.message}` : f.message)).join('；')}`,
    { fields },
  );
}

const MAX_UPLOAD_MESSAGE = '上传的文件过大';

/**
 * @fastify/multipart's and busboy's errors as 4xx with a message a person can act on, or null
 * when the error is not about the multipart body. Busboy throws plain `Error`s, known by message.
 */
export function multipartProblem(err: unknown): AppError | null {
  if (!(err instanceof Error)) return null;
  const code = (err as { code?: string }).code;
  const byCode: Record<string, AppError> = {
    FST_PARTS_LIMIT: new AppError(413, 'payload_too_large', '表单包含的部分过多'),
    FST_FILES_LIMIT: new AppError(413, 'payload_too_large', '一次只能上传一个文件'),
    FST_FIELDS_LIMIT: new AppError(413, 'payload_too_large', '表单字段过多'),
    FST_REQ_FILE_TOO_LARGE: new AppError(413, 'payload_too_large', MAX_UPLOAD_MESSAGE),
    FST_PROTO_VIOLATION: new AppError(400, 'bad_request', '表单字段名不允许'),
    FST_INVALID_MULTIPART_CONTENT_TYPE: badMultipart('请以 multipart/form-data 上传文件（字段名 file）'),
    FST_INVALID_JSON_FIELD_ERROR: badMultipart('表单中的 JSON 字段格式不正确'),
    FST_MP_PREMATURE_CLOSE: badMultipart('上传未完成：连接提前关闭'),
  };
  if (code && byCode[code]) return byCode[code];
  const message = err.message;
  if (message === 'Multipart: Boundary not found')
    return badMultipart('multipart/form-data 请求缺少 boundary 参数');
  if (/unexpected end of multipart data|terminated early/i.test(message))
    return badMultipart('上传的表单不完整（内容被截断），请重新上传');
  if (/^(Unsupported Content-Type|Missing Content-Type-header|Malformed part header)/i.test(message))
    return badMultipart('上传的表单格式不正确');
  return null;
}

const badMultipart = (message: string) => new AppError(400, 'bad_multipart', message);

/** The PostgreSQL error behind a failure (drizzle wraps it, with the SQL and its parameters). */
function databaseErrorOf(err: unknown) {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as Error).cause, depth++) {
    const candidate = e as { code?: unknown; severity?: unknown };
    if (typeof candidate.code === 'string' && /^[0-9A-Z]{5}$/.test(candidate.code) && candidate.severity)
      return e as { code: string; constraint?: string; table?: string; column?: string; routine?: string };
  }
  return null;
}

const isDrizzleError = (err: unknown) =>
  err instanceof Error && (err.name === 'DrizzleQueryError' || err.message.startsWith('Failed query:'));

/**
 * What a log line may say about an error: for database errors only the SQLSTATE and the names
 * of the constraint, table and column — their messages, details, SQL and parameters carry the
 * values written (phone numbers, objectors' contacts, addresses) — and for others the type,
 * code, message and stack.
 */
export function describeError(err: unknown): Record<string, unknown> {
  const db = databaseErrorOf(err);
  if (db || isDrizzleError(err)) {
    return {
      type: 'DatabaseError',
      sqlState: db?.code,
      constraint: db?.constraint,
      table: db?.table,
      column: db?.column,
      routine: db?.routine,
    };
  }
  if (!(err instanceof Error)) return { type: typeof err };
  return {
    type: err.name,
    code: (err as { code?: unknown }).code,
    message: err.message.slice(0, 300),
    stack: err.stack?.split('\n').slice(1, 12).join('\n'),
  };
}

/**
 * The same id for every occurrence of one failure (route, kind of error, the first frame of the
 * platform's own code): operators count and group failures by it without reading any data.
 */
function errorIdOf(request: FastifyRequest, err: unknown, described: Record<string, unknown>) {
  const frame =
    (err instanceof Error ? err.stack : undefined)
      ?.split('\n')
      .find((line) => line.includes('/src/') && !line.includes('node_modules'))
      ?.trim() ?? '';
  const kind = [described.type, described.code, described.sqlState, described.constraint].join(' ');
  return createHash('sha256')
    .update(`${request.method} ${request.routeOptions.url ?? ''} ${kind} ${frame.replace(/:\d+\)?$/, '')}`)
    .digest('hex')
    .slice(0, 12);
}

/** The request line of a log entry: the path without its query string (searches carry names and phones). */
const requestForLog = (req: FastifyRequest) => ({
  method: req.method,
  url: req.url.split('?')[0],
  host: req.host,
  remoteAddress: req.ip,
});

/**
 * The server's logger: no request bodies, cookies, CSRF tokens or query strings, and errors only
 * as `describeError` puts them, whoever logs them (the error handler, the workers).
 */
export function loggerOptions(
  level: string,
  stream?: { write(line: string): void },
): FastifyServerOptions['logger'] {
  if (level === 'silent') return false;
  return {
    level,
    ...(stream ? { stream } : {}),
    redact: {
      paths: [
        'req.headers.cookie',
        'req.headers.authorization',
        'req.headers["x-csrf-token"]',
        'res.headers["set-cookie"]',
        'req.body',
        'body',
        '*.body',
        'params',
        'err.params',
        'err.query',
      ],
      censor: '[redacted]',
    },
    serializers: { req: requestForLog, err: describeError },
  } as FastifyServerOptions['logger'];
}

/** One error body everywhere: `{ error, message, details?, requestId? }`; no stack traces leave. */
export function registerErrorHandler(app: FastifyInstance, webRoot: string | null) {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const known = err instanceof AppError ? err : multipartProblem(err);
    if (known) {
      return reply
        .status(known.statusCode)
        .send({ error: known.errorId, message: known.message, details: known.details });
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const fields = err.validation.map((v) => ({
        path: v.instancePath.replace(/^\//, '').replaceAll('/', '.'),
        message: v.message ?? '格式不正确',
      }));
      const invalid = invalidInput(err.validationContext as InputContext, fields);
      return reply
        .status(422)
        .send({ error: invalid.errorId, message: invalid.message, details: invalid.details });
    }
    const status = err.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      return reply.status(status).send({
        error: statusIds[status] ?? 'bad_request',
        message: statusMessages[status] ?? '请求无法处理',
      });
    }
    const error = describeError(err);
    const errorId = errorIdOf(request, err, error);
    request.log.error(
      { errorId, requestId: String(request.id), route: request.routeOptions.url, error },
      'unexpected error',
    );
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

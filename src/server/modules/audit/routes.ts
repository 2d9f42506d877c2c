import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { auditEntry, auditQuery, listOf } from '../../../domain/api.js';
import { chinaDateTime } from '../../../domain/time.js';
import { type AppContext, typed } from '../../context.js';
import { authorize, permittedActions } from '../../http/authorize.js';
import { sendWorkbook, workbookBuffer } from '../../http/excel.js';
import { auditPolicy } from './policy.js';
import { allAuditEntries, listAudit } from './service.js';

type Entry = z.infer<typeof auditEntry>;

export function auditRoutes(fastify: FastifyInstance, { db }: AppContext) {
  const app = typed(fastify);
  const tags = ['audit'];

  app.get(
    '/api/audit',
    { schema: { tags, querystring: auditQuery, response: { 200: listOf(auditEntry) } } },
    async (request) => {
      authorize(request.user, auditPolicy, 'list', null);
      return {
        ...(await listAudit(db, request.query)),
        actions: permittedActions(request.user, auditPolicy, null, ['export']),
      };
    },
  );

  app.get(
    '/api/audit/export.xlsx',
    { schema: { tags, querystring: auditQuery.omit({ page: true, pageSize: true }) } },
    async (request, reply) => {
      authorize(request.user, auditPolicy, 'export', null);
      const buffer = await workbookBuffer<Entry>(
        '审计日志',
        [
          { header: '编号', width: 8, value: (e) => e.id },
          {
            header: '时间',
            width: 22,
            value: (e) => chinaDateTime(new Date(e.at), true),
          },
          { header: '操作人', value: (e) => e.actorName },
          { header: '角色', value: (e) => e.role },
          { header: '单位', width: 24, value: (e) => e.orgName },
          { header: '操作', width: 22, value: (e) => e.action },
          { header: '对象类型', value: (e) => e.targetType },
          { header: '对象编号', width: 38, value: (e) => e.targetId },
          { header: '摘要', width: 60, value: (e) => JSON.stringify(e.summary) },
          { header: 'IP', value: (e) => e.ip },
          { header: '公开性', value: (e) => (e.visibility === 'public' ? '公开' : '内部') },
        ],
        allAuditEntries(db, request.query),
      );
      return sendWorkbook(reply, '审计日志.xlsx', buffer);
    },
  );
}

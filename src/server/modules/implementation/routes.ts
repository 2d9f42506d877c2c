import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  activity,
  activityBody,
  activityConfirmBody,
  activityList,
  activityOptions,
  pendingActivity,
  progress,
  progressBody,
  publicImplementation,
} from '../../../domain/implementation.js';
import { type AppContext, typed } from '../../context.js';
import { signedInActor } from '../../http/auth.js';
import { notFound } from '../../http/errors.js';
import { sendWorkbook, workbookBuffer } from '../../http/excel.js';
import { idParams } from '../../http/params.js';
import { uploadRoute } from '../../http/uploads.js';
import { readUpload } from '../files/service.js';
import { extOfMime } from '../files/storage.js';
import type { AfterWrite } from '../projects/service.js';
import { publicThumbnail } from './media.js';
import * as service from './service.js';

/** 实施动态: activities with the community's confirmation, indicator progress, the service ledger. */
export function implementationRoutes(
  fastify: FastifyInstance,
  { db, storage }: AppContext,
  { afterWrite }: { afterWrite?: AfterWrite } = {},
) {
  const app = typed(fastify);
  const tags = ['implementation'];

  app.get(
    '/api/projects/:id/activities',
    {
      schema: {
        tags,
        summary: 'A project’s activities with their confirmation state',
        params: idParams,
        response: { 200: activityList },
      },
    },
    async (request) => service.listActivities(db, signedInActor(request).user, request.params.id),
  );

  app.post(
    '/api/projects/:id/activities',
    {
      schema: {
        tags,
        summary:
          'The provider records an activity: date, place, community inside the service area, type, participants by target group, volunteers and hours, description',
        params: idParams,
        body: activityBody,
        response: { 201: activityList.extend({ id: z.string().uuid() }) },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await service.recordActivity(db, signedInActor(request), request.params.id, request.body)),
  );

  app.get(
    '/api/projects/:id/activity-options',
    {
      schema: {
        tags,
        summary: 'What the activity form offers: the service area’s communities and the call’s target groups',
        params: idParams,
        response: { 200: activityOptions },
      },
    },
    async (request) => service.activityOptions(db, signedInActor(request).user, request.params.id),
  );

  app.get(
    '/api/activities/pending',
    {
      schema: {
        tags,
        summary: 'The community’s queue: activities in its area waiting for confirmation',
        response: { 200: z.object({ items: z.array(pendingActivity) }) },
      },
    },
    async (request) => service.pendingForCommunity(db, signedInActor(request).user),
  );

  app.post(
    '/api/activities/:id/check',
    {
      schema: {
        tags,
        summary: 'The community committee of the area confirms an activity, or disputes it with a reason',
        params: idParams,
        body: activityConfirmBody,
        response: { 200: activity },
      },
    },
    async (request) => service.checkActivity(db, signedInActor(request), request.params.id, request.body),
  );

  const uploads = [
    [
      '/api/activities/:id/photos',
      'The provider adds a photo to an activity not yet checked (JPEG, PNG or WebP, multipart field "file"; resized, thumbnailed, metadata stripped)',
      service.addPhoto,
    ],
    [
      '/api/activities/:id/signin-sheet',
      'The provider attaches the activity’s sign-in sheet (签到表: PDF or image, multipart field "file"); one per activity, never public',
      service.attachSigninSheet,
    ],
  ] as const;
  for (const [url, summary, handle] of uploads)
    app.post(
      url,
      {
        schema: {
          tags,
          summary,
          params: idParams,
          ...uploadRoute('attachment'),
          response: { 201: activity },
        },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(
            await handle(db, storage, signedInActor(request), request.params.id, await readUpload(request)),
          ),
    );

  app.get(
    '/api/public/activity-photos/:id/thumbnail',
    {
      schema: {
        tags,
        summary: 'Public: the thumbnail of a photo of an activity the community confirmed (404 otherwise)',
        params: idParams,
      },
    },
    async (request, reply) => {
      const thumbnail = await publicThumbnail(db, request.params.id);
      const content = thumbnail && storage.open(thumbnail.sha256, extOfMime(thumbnail.mime));
      if (!thumbnail || !content) throw notFound('照片');
      return reply
        .header('content-type', thumbnail.mime)
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'public, max-age=3600')
        .send(content);
    },
  );

  app.get(
    '/api/projects/:id/progress',
    {
      schema: {
        tags,
        summary: 'Progress per contract indicator and the project’s roll-up',
        params: idParams,
        response: { 200: progress },
      },
    },
    async (request) => service.getProgress(db, signedInActor(request).user, request.params.id),
  );

  app.post(
    '/api/projects/:id/progress',
    {
      schema: {
        tags,
        summary:
          'The provider reports an indicator’s achieved value with evidence (the newest report counts)',
        params: idParams,
        body: progressBody,
        response: { 201: progress },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await service.reportProgress(
            db,
            signedInActor(request),
            request.params.id,
            request.body,
            afterWrite,
          ),
        ),
  );

  app.get(
    '/api/public/projects/:id/implementation',
    {
      schema: {
        tags,
        summary:
          'Public: indicator progress, the activities the community confirmed, money paid against the contract',
        params: idParams,
        response: { 200: publicImplementation },
      },
    },
    async (request) => service.publicImplementation(db, request.params.id),
  );

  app.get(
    '/api/projects/:id/ledger.xlsx',
    { schema: { tags, summary: '服务台账: every activity as a spreadsheet row', params: idParams } },
    async (request, reply) => {
      const { record, rows } = await service.ledgerRows(db, signedInActor(request).user, request.params.id);
      const buffer = await workbookBuffer('服务台账', LEDGER_COLUMNS, rows);
      return sendWorkbook(reply, `服务台账-${record.contract.code}.xlsx`, buffer);
    },
  );
}

const LEDGER_COLUMNS: {
  header: string;
  width?: number;
  value: (a: z.infer<typeof activity>) => string | number;
}[] = [
  { header: '日期', width: 12, value: (a) => a.heldOn },
  { header: '社区', value: (a) => a.communityName },
  { header: '地点', width: 24, value: (a) => a.place },
  { header: '活动类型', value: (a) => a.typeLabel },
  { header: '参与人数', value: (a) => a.participantCount },
  {
    header: '服务对象',
    width: 30,
    value: (a) => a.participants.map((p) => `${p.group}${p.count}人`).join('、'),
  },
  { header: '志愿者人数', value: (a) => a.volunteers },
  { header: '志愿服务时长（小时）', value: (a) => a.volunteerHours },
  { header: '活动内容', width: 40, value: (a) => a.description },
  { header: '照片（张）', value: (a) => a.photos.length },
  { header: '签到表', value: (a) => (a.signinSheet ? '已上传' : '未上传') },
  {
    header: '社区确认',
    value: (a) => ({ reported: '待确认', confirmed: '已确认', disputed: '有异议' })[a.status],
  },
];

import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  calendarStatus,
  holidayImportQuery,
  holidayYearBody,
  holidayYearList,
  holidayYearLoadResult,
  holidayYearReplaceBody,
} from '../../../domain/working-days.js';
import { LiveCalendar } from '../../calendar.js';
import { type AppContext, typed } from '../../context.js';
import { signedInActor } from '../../http/auth.js';
import { authorize, roleCheck } from '../../http/authorize.js';
import { readRows, sendWorkbook, uploadedFile, workbookBuffer } from '../../http/excel.js';
import { uploadRoute } from '../../http/uploads.js';
import { HOLIDAY_HEADERS, holidaysFromRows, templateColumns } from './excel.js';
import { calendarPolicy } from './policy.js';
import * as service from './service.js';

const yearParams = z.object({ year: z.coerce.number().int('年份应为整数').min(2000).max(2100) });

/** 节假日安排: the holiday years behind every working-day computation, kept by administrators. */
export function calendarRoutes(fastify: FastifyInstance, { db, calendar }: AppContext) {
  const app = typed(fastify);
  const tags = ['calendar'];

  // The calendar of this app is the table's: filled from the seed, then kept current.
  if (calendar instanceof LiveCalendar) {
    fastify.addHook('onReady', async () => {
      await service.syncSeedYears(db, calendar.seed, fastify.log);
      await calendar.reload(db);
      await calendar.listen(db, fastify.log);
    });
    fastify.addHook('onClose', () => calendar.stop());
  }

  app.get(
    '/api/calendar/status',
    {
      schema: {
        tags,
        summary: 'Years needed and not loaded (the admin pages’ standing warning)',
        response: { 200: calendarStatus },
      },
    },
    async (request) => service.calendarStatus(db, request.user, calendar),
  );

  app.get(
    '/api/calendar/years',
    {
      schema: {
        tags,
        summary: 'The loaded holiday years with their notices',
        response: { 200: holidayYearList },
      },
    },
    async (request) => service.listYears(db, request.user),
  );

  app.post(
    '/api/calendar/years',
    {
      preValidation: roleCheck(calendarPolicy, 'load'),
      schema: {
        tags,
        summary: 'Loads a year not loaded yet from the notice, typed into the form',
        body: holidayYearBody,
        response: { 201: holidayYearLoadResult },
      },
    },
    async (request, reply) => {
      const result = await service.loadYear(db, signedInActor(request), calendar, request.body, {
        source: 'form',
        mode: 'create',
      });
      return reply.code(201).send(result);
    },
  );

  app.put(
    '/api/calendar/years/:year',
    {
      preValidation: roleCheck(calendarPolicy, 'replace'),
      schema: {
        tags,
        summary: 'Replaces a loaded year, with a reason',
        params: yearParams,
        body: holidayYearReplaceBody,
        response: { 200: holidayYearLoadResult },
      },
    },
    async (request) => {
      const { reason, ...notice } = request.body;
      return service.loadYear(
        db,
        signedInActor(request),
        calendar,
        { ...notice, year: request.params.year },
        { source: 'form', mode: 'replace', reason },
      );
    },
  );

  app.get('/api/calendar/template.xlsx', { schema: { tags } }, async (request, reply) => {
    authorize(request.user, calendarPolicy, 'load', null);
    return sendWorkbook(
      reply,
      '节假日安排导入模板.xlsx',
      await workbookBuffer('节假日安排', templateColumns, []),
    );
  });

  app.post(
    '/api/calendar/years/import',
    {
      preValidation: roleCheck(calendarPolicy, 'load'),
      schema: {
        tags,
        summary:
          'Loads (or, with a reason, replaces) a year from the notice typed into the Excel template: all rows or none',
        querystring: holidayImportQuery,
        response: { 200: holidayYearLoadResult },
        ...uploadRoute('xlsx'),
      },
    },
    async (request) => {
      const { year, noticeNo, issuedOn, reason } = request.query;
      const rows = await readRows(await uploadedFile(request), Object.values(HOLIDAY_HEADERS));
      const holidays = holidaysFromRows(rows, year);
      return service.loadYear(
        db,
        signedInActor(request),
        calendar,
        { year, noticeNo, issuedOn, holidays },
        { source: 'excel', mode: 'import', reason },
      );
    },
  );
}

import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  adjustmentBody,
  adjustmentDecisionBody,
  expenseBody,
  funds,
  paymentApproveBody,
  paymentPaidBody,
  paymentRejectBody,
  paymentRequestBody,
} from '../../../domain/funds.js';
import { type AppContext, typed } from '../../context.js';
import { signedInActor } from '../../http/auth.js';
import { idParams } from '../../http/params.js';
import { uploadRoute } from '../../http/uploads.js';
import { readUpload } from '../files/service.js';
import type { AfterWrite } from '../projects/service.js';
import * as service from './service.js';

/**
 * 资金动态监管: payment requests from the contract's milestones (provider), approval only when the
 * milestone's condition holds or with a recorded override (buyer), payment records, expenses with
 * receipts, budget against actual per category, budget adjustments approved by the buyer.
 * Every answer is the project's whole funds view.
 */
export function fundsRoutes(
  fastify: FastifyInstance,
  { db, storage }: AppContext,
  { afterWrite }: { afterWrite?: AfterWrite } = {},
) {
  const app = typed(fastify);
  const tags = ['funds'];
  const response = { 200: funds };
  const created = { 201: funds };

  app.get(
    '/api/projects/:id/funds',
    {
      schema: {
        tags,
        summary:
          'A project’s money: budget vs actual per category, payments (with what blocks them), expenses, adjustments',
        params: idParams,
        response,
      },
    },
    async (request) => service.getFunds(db, signedInActor(request).user, request.params.id),
  );

  app.post(
    '/api/projects/:id/payments',
    {
      schema: {
        tags,
        summary: 'The provider requests the payment of one contract milestone',
        params: idParams,
        body: paymentRequestBody,
        response: created,
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await service.requestPayment(
            db,
            signedInActor(request),
            request.params.id,
            request.body,
            afterWrite,
          ),
        ),
  );

  app.post(
    '/api/payments/:id/approve',
    {
      schema: {
        tags,
        summary:
          'The buyer approves when the milestone’s condition holds (else 409 with the reason), or overrides with a recorded reason (flagged)',
        params: idParams,
        body: paymentApproveBody,
        response,
      },
    },
    async (request) =>
      service.approvePayment(db, signedInActor(request), request.params.id, request.body, afterWrite),
  );

  app.post(
    '/api/payments/:id/reject',
    {
      schema: {
        tags,
        summary: 'The buyer rejects a payment request with a reason',
        params: idParams,
        body: paymentRejectBody,
        response,
      },
    },
    async (request) =>
      service.rejectPayment(db, signedInActor(request), request.params.id, request.body, afterWrite),
  );

  app.post(
    '/api/payments/:id/paid',
    {
      schema: {
        tags,
        summary:
          'The buyer records an approved payment as paid: date, exact amount in fen, voucher number (public)',
        params: idParams,
        body: paymentPaidBody,
        response,
      },
    },
    async (request) =>
      service.recordPaid(db, signedInActor(request), request.params.id, request.body, afterWrite),
  );

  app.post(
    '/api/projects/:id/expenses',
    {
      schema: {
        tags,
        summary:
          'The provider records an expense against a budget category (invoice number, date, payee, amount)',
        params: idParams,
        body: expenseBody,
        response: { 201: z.object({ id: z.string().uuid(), funds }) },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await service.addExpense(db, signedInActor(request), request.params.id, request.body, afterWrite),
        ),
  );

  app.post(
    '/api/expenses/:id/receipt',
    {
      schema: {
        tags,
        summary: 'The provider attaches the expense’s receipt (PDF or image, multipart field "file")',
        params: idParams,
        ...uploadRoute('attachment'),
        response: created,
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await service.attachReceipt(
            db,
            storage,
            signedInActor(request),
            request.params.id,
            await readUpload(request),
          ),
        ),
  );

  app.post(
    '/api/projects/:id/budget-adjustments',
    {
      schema: {
        tags,
        summary: 'The provider asks to move budget between categories',
        params: idParams,
        body: adjustmentBody,
        response: created,
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await service.requestAdjustment(db, signedInActor(request), request.params.id, request.body)),
  );

  app.post(
    '/api/budget-adjustments/:id/decide',
    {
      schema: {
        tags,
        summary: 'The buyer approves (before/after kept) or rejects a budget adjustment',
        params: idParams,
        body: adjustmentDecisionBody,
        response,
      },
    },
    async (request) =>
      service.decideAdjustment(db, signedInActor(request), request.params.id, request.body, afterWrite),
  );
}

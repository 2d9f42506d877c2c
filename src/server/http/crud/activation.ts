import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { type AppContext, typed } from '../../context.js';
import type { Tx } from '../../db/client.js';
import { findById, updateVersioned } from '../../db/helpers.js';
import { appendAudit } from '../../modules/audit/service.js';
import { signedInActor } from '../auth.js';
import { authorize, type Policy } from '../authorize.js';
import type { Actor, CurrentUser } from '../current-user.js';
import { conflict } from '../errors.js';
import { idParams } from '../params.js';

type ActivatableTable = PgTable & { id: PgColumn; version: PgColumn; updatedAt: PgColumn; active: PgColumn };
type Row = { active: boolean; version: number; name?: string; username?: string };

export interface ActivationSpec<T extends ActivatableTable, R> {
  /** URL prefix, e.g. `/api/orgs`. */
  path: string;
  table: T;
  /** Audit target type and action prefix, e.g. `org`. */
  targetType: string;
  label: string;
  tag: string;
  policy: Policy<R, 'update'>;
  present: (viewer: CurrentUser, id: string) => Promise<unknown>;
  response: z.ZodTypeAny;
  /** Extra checks or effects inside the transaction (e.g. ending a deactivated user's sessions). */
  beforeChange?: (
    tx: Tx,
    actor: Actor & { user: CurrentUser },
    row: T['$inferSelect'],
    active: boolean,
  ) => Promise<void>;
}

/** Deactivating keeps a record (history refers to it) while removing it from use. */
export function registerActivationRoutes<T extends ActivatableTable, R>(
  fastify: FastifyInstance,
  { db }: AppContext,
  spec: ActivationSpec<T, R>,
) {
  const app = typed(fastify);
  for (const active of [true, false]) {
    const verb = active ? 'activate' : 'deactivate';
    app.post(
      `${spec.path}/:id/${verb}`,
      {
        schema: {
          tags: [spec.tag],
          params: idParams,
          response: { 200: spec.response },
        },
      },
      async (request) => {
        authorize(request.user, spec.policy, 'update', null as R);
        const actor = signedInActor(request);
        const row = (await findById(db, spec.table, request.params.id, spec.label)) as T['$inferSelect'] &
          Row;
        if (row.active === active) throw conflict(`该${spec.label}已${active ? '启用' : '停用'}`);
        await db.transaction(async (tx) => {
          await spec.beforeChange?.(tx, actor, row, active);
          await updateVersioned(tx, spec.table, request.params.id, row.version, { active });
          await appendAudit(tx, actor, {
            action: `${spec.targetType}.${active ? 'activated' : 'deactivated'}`,
            targetType: spec.targetType,
            targetId: request.params.id,
            summary: { name: row.name ?? row.username },
          });
        });
        return spec.present(actor.user, request.params.id);
      },
    );
  }
}

/** UI actions for activatable rows: state-aware so only the button that works is shown. */
export const activationRules = <R extends { active: boolean } | null>(
  mayUpdate: (u: CurrentUser) => boolean,
) => ({
  deactivate: (u: CurrentUser, row: R) => mayUpdate(u) && !!row?.active,
  activate: (u: CurrentUser, row: R) => mayUpdate(u) && !!row && !row.active,
});

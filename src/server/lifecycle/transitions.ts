import { and, eq, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import {
  type ApplicationTransition,
  applicationMachine,
  type CallTransition,
  callMachine,
  type StateMachine,
  type Transition,
} from '../../domain/lifecycle.js';
import type { Tx } from '../db/client.js';
import type { Actor } from '../http/current-user.js';
import { conflict, fieldError, forbidden } from '../http/errors.js';
import { applications } from '../modules/applications/schema.js';
import type { AuditInput } from '../modules/audit/service.js';
import { calls } from '../modules/calls/schema.js';
import { appendTimeline } from '../modules/timeline/service.js';
import { tracedWrite } from './traced.js';

/** A table whose `status` follows a state machine; `version`, when present, is bumped. */
export type StatefulTable = PgTable & {
  id: PgColumn;
  status: PgColumn;
  version?: PgColumn;
  updatedAt?: PgColumn;
};

export interface TransitionOptions {
  reason?: string | null;
  /** Extra columns to set with the new state. */
  set?: Record<string, unknown>;
  /** Public detail for the timeline, and audit summary. */
  detail?: Record<string, unknown>;
  /**
   * The step follows from someone else's action (the last score sheet completes the review) and
   * is made by 'system'; the audit entry still names the person whose action caused it.
   */
  bySystem?: boolean;
  /** Overrides of the audit entry (target, summary, visibility). */
  audit?: Partial<Omit<AuditInput, 'action'>>;
  /** The call whose public timeline shows a public step, and the entry's title and kind. */
  timelineCallId?: string;
  timelineTitle?: string;
  timelineKind?: string;
}

function assertAllowed<S extends string>(
  machine: StateMachine<S>,
  transition: Transition<S>,
  state: S,
  actor: Actor,
  options: TransitionOptions,
) {
  const acting = options.bySystem || !actor.user ? ['system'] : actor.user.roles;
  if (!transition.roles.some((role) => acting.includes(role))) throw forbidden();
  if (!transition.from.includes(state)) {
    throw conflict(`当前状态为“${machine.states[state] ?? state}”，不能${transition.label}`, {
      state,
    });
  }
  if (transition.needsReason && !options.reason?.trim())
    throw fieldError('reason', `${transition.label}需要填写原因`);
}

/**
 * Moves one row along its state machine inside the caller's transaction: checks the acting role,
 * the current state and a required reason; applies only if the row still has the state (and
 * version) that were read, so of two concurrent transitions one wins and the other gets 409;
 * appends the audit entry and, for public steps, the timeline event.
 */
export async function transition<S extends string, K extends string>(
  tx: Tx,
  actor: Actor,
  machine: StateMachine<S, K>,
  table: StatefulTable,
  row: { id: string; status: string; version?: number },
  name: K,
  options: TransitionOptions = {},
): Promise<{ status: S; version: number | undefined }> {
  const step = machine.transitions[name] as Transition<S>;
  assertAllowed(machine, step, row.status as S, actor, options);
  const versioned = table.version !== undefined && row.version !== undefined;
  const action = step.action ?? `${machine.entity}.${name}`;
  const updated = await tracedWrite(
    tx,
    actor,
    {
      action,
      targetType: machine.entity,
      targetId: row.id,
      summary: { from: row.status, to: step.to, reason: options.reason ?? undefined, ...options.detail },
      visibility: step.public ? 'public' : 'internal',
      ...options.audit,
    },
    () =>
      tx
        .update(table)
        .set({
          ...options.set,
          status: step.to,
          ...(versioned ? { version: sql`${table.version} + 1` } : {}),
          ...(table.updatedAt ? { updatedAt: new Date() } : {}),
        } as never)
        .where(
          and(
            eq(table.id, row.id),
            eq(table.status, row.status),
            versioned ? eq(table.version as PgColumn, row.version) : undefined,
          ),
        )
        .returning({ version: versioned ? (table.version as PgColumn) : table.id }) as Promise<
        { version: unknown }[]
      >,
    (rows) => {
      if (rows.length === 0) throw conflict(`该${machine.noun}刚刚被他人更新，请刷新后重试`);
    },
  );
  if (step.public && options.timelineCallId) {
    await appendTimeline(tx, options.timelineCallId, {
      kind: options.timelineKind ?? action,
      title: options.timelineTitle ?? step.label,
      detail: { reason: options.reason ?? undefined, ...options.detail },
    });
  }
  return { status: step.to, version: versioned ? (updated[0].version as number) : undefined };
}

/** A call's step; calls are their own timeline. Sets the call's `statusReason`. */
export async function transitionCall(
  tx: Tx,
  actor: Actor,
  call: { id: string; status: string; version: number; title: string },
  name: CallTransition,
  options: TransitionOptions = {},
) {
  const result = await transition(tx, actor, callMachine, calls, call, name, {
    timelineCallId: call.id,
    ...options,
    set: { ...options.set, statusReason: options.reason ?? null },
  });
  return { ...call, status: result.status, version: result.version as number };
}

/** An application's step, shown on its call's public timeline when public. */
export async function transitionApplication(
  tx: Tx,
  actor: Actor,
  application: { id: string; callId: string; status: string; version: number },
  name: ApplicationTransition,
  options: TransitionOptions = {},
) {
  const result = await transition(tx, actor, applicationMachine, applications, application, name, {
    timelineCallId: application.callId,
    ...options,
  });
  return { ...application, status: result.status, version: result.version as number };
}

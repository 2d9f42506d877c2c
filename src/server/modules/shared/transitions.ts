import { and, eq, sql } from 'drizzle-orm';
import {
  type ApplicationTransition,
  applicationStateLabels,
  applicationTransitions,
  type CallTransition,
  callStateLabels,
  callTransitions,
  type Transition,
} from '../../../domain/lifecycle.js';
import type { Tx } from '../../db/client.js';
import type { Actor } from '../../http/current-user.js';
import { conflict, fieldError } from '../../http/errors.js';
import { applications } from '../applications/schema.js';
import { appendAudit } from '../audit/service.js';
import { calls } from '../calls/schema.js';
import { appendTimeline } from '../timeline/service.js';

export interface TransitionOptions {
  reason?: string | null;
  /** Extra columns to set with the new state. */
  set?: Record<string, unknown>;
  /** Public detail for the timeline, and audit summary. */
  detail?: Record<string, unknown>;
  /** The call whose public timeline shows the step (for application transitions). */
  timelineCallId?: string;
  timelineTitle?: string;
}

function assertAllowed<S extends string>(
  transition: Transition<S>,
  state: S,
  labels: Record<S, string>,
  options: TransitionOptions,
) {
  if (!transition.from.includes(state)) {
    throw conflict(`当前状态为“${labels[state]}”，不能${transition.label}`, { state });
  }
  if (transition.needsReason && !options.reason?.trim())
    throw fieldError('reason', `${transition.label}需要填写原因`);
}

/**
 * Moves a call along its lifecycle inside the caller's transaction. The update only applies if
 * the row still has the state and version that were read: of two concurrent transitions, one
 * wins and the other gets 409. Appends the audit entry and, for public steps, a timeline event.
 */
export async function transitionCall(
  tx: Tx,
  actor: Actor,
  call: { id: string; status: string; version: number; title: string },
  name: CallTransition,
  options: TransitionOptions = {},
) {
  const transition = callTransitions[name] as Transition<string>;
  assertAllowed(transition, call.status, callStateLabels as Record<string, string>, options);
  const updated = await tx
    .update(calls)
    .set({
      ...options.set,
      status: transition.to,
      statusReason: options.reason ?? null,
      version: sql`${calls.version} + 1`,
      updatedAt: new Date(),
    })
    .where(and(eq(calls.id, call.id), eq(calls.version, call.version), eq(calls.status, call.status)))
    .returning({ id: calls.id, version: calls.version });
  if (updated.length === 0) throw conflict('该项目刚刚被他人更新，请刷新后重试');
  await appendAudit(tx, actor, {
    action: `call.${name}`,
    targetType: 'call',
    targetId: call.id,
    summary: { from: call.status, to: transition.to, reason: options.reason ?? undefined, ...options.detail },
    visibility: transition.public ? 'public' : 'internal',
  });
  if (transition.public) {
    await appendTimeline(tx, call.id, {
      kind: `call.${name}`,
      title: options.timelineTitle ?? transition.label,
      detail: { reason: options.reason ?? undefined, ...options.detail },
    });
  }
  return { ...call, status: transition.to, version: updated[0].version };
}

export async function transitionApplication(
  tx: Tx,
  actor: Actor,
  application: { id: string; callId: string; status: string; version: number },
  name: ApplicationTransition,
  options: TransitionOptions = {},
) {
  const transition = applicationTransitions[name] as Transition<string>;
  assertAllowed(transition, application.status, applicationStateLabels as Record<string, string>, options);
  const updated = await tx
    .update(applications)
    .set({
      ...options.set,
      status: transition.to,
      version: sql`${applications.version} + 1`,
      updatedAt: new Date(),
    })
    .where(
      and(
        eq(applications.id, application.id),
        eq(applications.version, application.version),
        eq(applications.status, application.status),
      ),
    )
    .returning({ version: applications.version });
  if (updated.length === 0) throw conflict('该申报刚刚被他人更新，请刷新后重试');
  await appendAudit(tx, actor, {
    action: `application.${name}`,
    targetType: 'application',
    targetId: application.id,
    summary: {
      from: application.status,
      to: transition.to,
      reason: options.reason ?? undefined,
      ...options.detail,
    },
    visibility: transition.public ? 'public' : 'internal',
  });
  if (transition.public) {
    await appendTimeline(tx, application.callId, {
      kind: `application.${name}`,
      title: options.timelineTitle ?? transition.label,
      detail: { ...options.detail },
    });
  }
  return { ...application, status: transition.to, version: updated[0].version };
}

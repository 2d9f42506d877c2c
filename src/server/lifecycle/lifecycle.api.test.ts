/**
 * The one way a status changes: transition() checks the acting role, the current state and a
 * required reason, applies once under concurrency, and writes the audit entry and (for public
 * steps) the timeline event in the same transaction, or nothing at all.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callMachine, type StateMachine } from '../../domain/lifecycle.js';
import * as machines from '../../domain/machines.js';
import type { Actor, CurrentUser } from '../http/current-user.js';
import { AppError } from '../http/errors.js';
import { auditLog } from '../modules/audit/schema.js';
import { calls } from '../modules/calls/schema.js';
import { timelineEvents } from '../modules/timeline/schema.js';
import { insertCall, orgOf } from '../testing/factories.js';
import { buildTestApp, type TestApp } from '../testing/test-app.js';
import { transition, transitionCall } from './transitions.js';

let t: TestApp;
let buyer: Actor;
const provider: Actor = {
  user: { id: crypto.randomUUID(), roles: ['provider'] } as unknown as CurrentUser,
  ip: null,
};

beforeAll(async () => {
  t = await buildTestApp();
  const orgId = await orgOf(t.database.db, 'buyer');
  buyer = {
    user: {
      id: crypto.randomUUID(),
      username: 'buyer',
      displayName: '购买主体',
      roles: ['buyer'],
      org: { id: orgId, name: '民政局', kind: 'buyer' },
      mustChangePassword: false,
    },
    ip: '127.0.0.1',
  };
});
afterAll(() => t.close());

const entriesFor = (id: string) => t.database.db.select().from(auditLog).where(eq(auditLog.targetId, id));
const timelineOf = (id: string) =>
  t.database.db.select().from(timelineEvents).where(eq(timelineEvents.callId, id));

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('transition()', () => {
  it('moves the row, bumps its version, and writes the audit entry and the public timeline event', async () => {
    const call = await insertCall(t.database.db, { status: 'draft', publishedAt: null });
    const moved = await t.database.db.transaction((tx) => transitionCall(tx, buyer, call, 'publish'));
    expect(moved).toMatchObject({ status: 'published', version: call.version + 1 });
    const [row] = await t.database.db.select().from(calls).where(eq(calls.id, call.id));
    expect(row).toMatchObject({ status: 'published', version: call.version + 1 });
    expect(await entriesFor(call.id)).toEqual([
      expect.objectContaining({
        action: 'call.publish',
        targetType: 'call',
        visibility: 'public',
        summary: expect.objectContaining({ from: 'draft', to: 'published' }),
      }),
    ]);
    expect((await timelineOf(call.id)).map((e) => e.kind)).toEqual(['call.publish']);
  });

  it('refuses a role the transition does not name (403) and a wrong state (409), writing nothing', async () => {
    const call = await insertCall(t.database.db, { status: 'draft', publishedAt: null });
    const db = t.database.db;
    expect(
      (await refusal(db.transaction((tx) => transitionCall(tx, provider, call, 'publish')))).statusCode,
    ).toBe(403);
    const wrongState = await refusal(db.transaction((tx) => transitionCall(tx, buyer, call, 'close')));
    expect(wrongState.statusCode).toBe(409);
    expect(wrongState.message).toBe('当前状态为“计划中”，不能截止征集');
    const [row] = await db.select().from(calls).where(eq(calls.id, call.id));
    expect(row.status).toBe('draft');
    expect(await entriesFor(call.id)).toEqual([]);
  });

  it('needs a reason where the transition says so (422), and records it', async () => {
    const call = await insertCall(t.database.db);
    const db = t.database.db;
    expect(
      (await refusal(db.transaction((tx) => transitionCall(tx, buyer, call, 'cancel', { reason: ' ' }))))
        .statusCode,
    ).toBe(422);
    await db.transaction((tx) => transitionCall(tx, buyer, call, 'cancel', { reason: '预算调整' }));
    const [row] = await db.select().from(calls).where(eq(calls.id, call.id));
    expect(row).toMatchObject({ status: 'cancelled', statusReason: '预算调整' });
  });

  it('lets a step that follows from another be made by the system, whoever caused it', async () => {
    const call = await insertCall(t.database.db);
    const db = t.database.db;
    // 'close' is open to buyers and the system; a provider's action may cause it as the system.
    await db.transaction((tx) =>
      transition(tx, provider, callMachine, calls, call, 'close', { bySystem: true }),
    );
    const [row] = await db.select().from(calls).where(eq(calls.id, call.id));
    expect(row.status).toBe('closed');
  });

  it('applies once when the same row was read by two writers: the second gets 409 and writes nothing', async () => {
    const call = await insertCall(t.database.db);
    const db = t.database.db;
    await db.transaction((tx) => transitionCall(tx, buyer, call, 'close'));
    // The second writer still holds the row as it was read (published, old version).
    const stale = await refusal(db.transaction((tx) => transitionCall(tx, buyer, call, 'close')));
    expect(stale.statusCode).toBe(409);
    const closes = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.targetId, call.id), eq(auditLog.action, 'call.close')));
    expect(closes).toHaveLength(1);
  });
});

describe('declared state machines', () => {
  const all: StateMachine[] = Object.values(machines) as StateMachine[];

  it('name only their own states, with a label and at least one role for every transition', () => {
    expect(all.length).toBeGreaterThanOrEqual(6);
    for (const machine of all) {
      const states = Object.keys(machine.states);
      for (const [name, step] of Object.entries(machine.transitions)) {
        expect(states, `${machine.entity}.${name}`).toEqual(expect.arrayContaining([...step.from, step.to]));
        expect(step.label, `${machine.entity}.${name}`).not.toBe('');
        expect(step.roles.length, `${machine.entity}.${name}`).toBeGreaterThan(0);
      }
    }
  });
});

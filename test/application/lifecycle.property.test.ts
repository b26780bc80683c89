/**
 * The quota ledger under concurrent Create and Delete from two service instances sharing one store (two
 * processes): whatever order their commits land in, chosen by fast-check's scheduler, the ledger always
 * counts exactly the sessions that are not DELETED, per studio, per instance family and per owner, and
 * never more than the limit.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InMemoryDatabase, SimulatedProvisioner, TOKENS } from 'nimble-streaming-sessions';
import type { EventStore } from '../../src/application/ports/event-store.js';
import type { QuotaLedgerState } from 'nimble-streaming-sessions/domain';
import {
  ARTIST,
  ARTIST_2,
  LP,
  ManualClock,
  STUDIO_ID,
  testSeed,
  testService,
  wrappedStorage,
} from './fixtures.js';

const LIMIT = 4;

type Op =
  | { readonly type: 'create'; readonly process: number; readonly artist: number }
  | { readonly type: 'delete'; readonly process: number; readonly pick: number }
  | { readonly type: 'work'; readonly process: number };

const arbOp: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ type: fc.constant('create' as const), process: fc.nat(1), artist: fc.nat(1) }),
  fc.record({ type: fc.constant('delete' as const), process: fc.nat(1), pick: fc.nat(50) }),
  fc.record({ type: fc.constant('work' as const), process: fc.nat(1) }),
);

/** An event store whose commits take effect when the scheduler says, not when they are called. */
function scheduled(scheduler: fc.Scheduler) {
  return (inner: EventStore): EventStore => ({
    read: (streamId) => inner.read(streamId),
    readSnapshot: (streamId) => inner.readSnapshot(streamId),
    readAll: (after, limit) => inner.readAll(after, limit),
    findClientToken: (key, now) => inner.findClientToken(key, now),
    expireClientTokens: (now, limit) => inner.expireClientTokens(now, limit),
    commit: (unit, now) =>
      scheduler.schedule(Promise.resolve(), 'commit').then(() => inner.commit(unit, now)),
  });
}

describe('the quota ledger under concurrent creates and deletes', () => {
  it('always counts exactly the sessions that are not DELETED, never beyond the limit', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(arbOp, { minLength: 1, maxLength: 24 }),
        fc.scheduler(),
        async (ops, scheduler) => {
          const db = new InMemoryDatabase();
          const clock = new ManualClock();
          const cloud = new SimulatedProvisioner(clock);
          const catalog = testSeed({ maxSessions: LIMIT, maxSessionsPerInstanceFamily: { g5: 0 } });
          const processes = await Promise.all(
            [0, 1].map(() =>
              testService({
                catalog,
                storage: wrappedStorage(db, { store: scheduled(scheduler) }),
                clock,
                cloud,
              }),
            ),
          );
          const ids: string[] = [];
          const running: Promise<unknown>[] = [];
          for (const op of ops) {
            const service = processes[op.process]!;
            if (op.type === 'create') {
              const caller = op.artist === 0 ? ARTIST : ARTIST_2;
              running.push(
                service.sessions
                  .createStreamingSession({ studioId: STUDIO_ID, launchProfileId: LP }, caller)
                  .then((r) => {
                    if (r.isOk()) ids.push(r.value.sessionId);
                  }),
              );
            } else if (op.type === 'delete' && ids.length > 0) {
              const sessionId = ids[op.pick % ids.length]!;
              const owner = db.views.get(STUDIO_ID)?.get(sessionId)?.session.session.ownedBy;
              running.push(
                service.sessions.deleteStreamingSession(
                  { studioId: STUDIO_ID, sessionId },
                  owner === ARTIST_2.principalId ? ARTIST_2 : ARTIST,
                ),
              );
            } else if (op.type === 'work') {
              running.push(service.worker.runDue());
            }
            if (scheduler.count() > 0) await scheduler.waitNext(1);
          }
          await scheduler.waitFor(Promise.all(running));
          await scheduler.waitFor(processes[0]!.provisionAll());

          const views = [...(db.views.get(STUDIO_ID)?.values() ?? [])];
          const live = views.filter((v) => v.session.state !== 'DELETED');
          const ledger = (
            await processes[0]!.sessions.container
              .get(TOKENS.EventStore)
              .readSnapshot(`QuotaLedger:${STUDIO_ID}`)
          )?.snapshot as QuotaLedgerState | undefined;
          expect(ledger?.total ?? 0).toBe(live.length);
          expect(live.length).toBeLessThanOrEqual(LIMIT);
          for (const artist of [ARTIST, ARTIST_2]) {
            const owned = live.filter((v) => v.session.session.ownedBy === artist.principalId).length;
            expect(ledger?.byOwner[artist.principalId] ?? 0).toBe(owned);
          }
          expect(ledger?.byInstanceFamily.g4dn ?? 0).toBe(live.length);
        },
      ),
      { numRuns: 200 },
    );
  }, 120_000);
});

/**
 * Two services over one in-memory database, as two processes over one PostgreSQL schema: each caches its
 * studio ledger, and only the commit's version check knows when the other moved it on. The quota rules
 * must hold whatever a cache believes: a slot the other process freed can be taken, a slot the other
 * process reserved is given back exactly once, and a stale cache never refuses or loses a slot.
 */
import { describe, expect, it } from 'vitest';
import { InMemoryDatabase, inMemoryStorage, SimulatedProvisioner } from 'nimble-streaming-sessions';
import { ledgerStreamId } from '../../src/application/streams.js';
import {
  ARTIST,
  ARTIST_2,
  LP,
  ManualClock,
  STUDIO_ID,
  testSeed,
  testService,
  type TestService,
} from './fixtures.js';

async function twoServices(limit: number): Promise<readonly [TestService, TestService, InMemoryDatabase]> {
  const db = new InMemoryDatabase();
  const clock = new ManualClock();
  const cloud = new SimulatedProvisioner(clock);
  const catalog = testSeed({ maxSessions: limit, maxSessionsPerInstanceFamily: { g5: 0 } });
  const [a, b] = await Promise.all(
    [0, 1].map(() => testService({ catalog, storage: inMemoryStorage(db), clock, cloud })),
  );
  return [a!, b!, db];
}

const create = (service: TestService, caller = ARTIST) =>
  service.sessions.createStreamingSession({ studioId: STUDIO_ID, launchProfileId: LP }, caller);
const remove = (service: TestService, sessionId: string, caller = ARTIST) =>
  service.sessions.deleteStreamingSession({ studioId: STUDIO_ID, sessionId }, caller);
const ledgerTotal = (db: InMemoryDatabase) =>
  (db.streams.get(ledgerStreamId(STUDIO_ID))?.snapshot as { total: number } | undefined)?.total;

describe('the quota ledger across two services (in memory)', () => {
  it('takes a slot the other service freed, though its own cache says the studio is full', async () => {
    const [a, b, db] = await twoServices(2);
    const first = (await create(a))._unsafeUnwrap().sessionId;
    (await create(a, ARTIST_2))._unsafeUnwrap();
    // a's cache: 2 of 2. b frees one.
    (await create(b)).match(
      () => {
        throw new Error('the studio is full');
      },
      (error) => {
        expect(error.type).toBe('ServiceQuotaExceededException');
      },
    );
    await b.provisionAll();
    (await remove(b, first))._unsafeUnwrap();
    await b.provisionAll();
    expect(ledgerTotal(db)).toBe(1);
    // a's cached refusal is confirmed on a fresh read, which has the slot.
    expect((await create(a)).isOk()).toBe(true);
    expect(ledgerTotal(db)).toBe(2);
    await Promise.all([a.sessions.close(), b.sessions.close()]);
  });

  it('gives back a slot whose reservation the releasing service never saw, once', async () => {
    const [a, b, db] = await twoServices(10);
    (await create(a, ARTIST_2))._unsafeUnwrap();
    const theirs = (await create(b))._unsafeUnwrap().sessionId;
    await b.provisionAll();
    (await remove(b, theirs))._unsafeUnwrap();
    // a's worker carries the delete out, from a cache in which ARTIST holds nothing.
    await a.worker.runDue();
    expect(
      (
        await a.sessions.getStreamingSession({ studioId: STUDIO_ID, sessionId: theirs }, ARTIST)
      )._unsafeUnwrap().state,
    ).toBe('DELETED');
    expect(ledgerTotal(db)).toBe(1);
    const released = db.log.filter((e) => e.type === 'SessionSlotReleased');
    expect(released).toHaveLength(1);
    await Promise.all([a.sessions.close(), b.sessions.close()]);
  });

  it('a create that lost the ledger to the other service decides again on the new ledger', async () => {
    const [a, b, db] = await twoServices(3);
    (await create(a))._unsafeUnwrap();
    (await create(b))._unsafeUnwrap(); // b's commit moved the ledger past a's cached version
    (await create(a, ARTIST_2))._unsafeUnwrap();
    expect(ledgerTotal(db)).toBe(3);
    expect(db.log.filter((e) => e.type === 'SessionSlotReserved')).toHaveLength(3);
    (await create(b)).match(
      () => {
        throw new Error('the studio is full');
      },
      (error) => {
        expect(error).toMatchObject({ type: 'ServiceQuotaExceededException', context: { current: '3' } });
      },
    );
    await Promise.all([a.sessions.close(), b.sessions.close()]);
  });
});

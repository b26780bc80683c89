import { describe, expect, it } from 'vitest';
import { InMemoryDatabase, type Caller, type CreateStreamingSessionInput } from 'nimble-streaming-sessions';
import type { EventStore } from '../../src/application/ports/event-store.js';
import {
  ADMIN,
  ARTIST,
  ARTIST_2,
  LP,
  ManualClock,
  STUDIO_ID,
  testSeed,
  testService,
  wrappedStorage,
} from './fixtures.js';
import { errorOf, sessionOf } from './results.js';

const plain: CreateStreamingSessionInput = { studioId: STUDIO_ID, launchProfileId: LP };

describe('quotas (reference §6)', () => {
  it('refuses the create beyond the studio total with the quota name, limit and current count', async () => {
    const service = await testService({ catalog: testSeed({ maxSessions: 3 }) });
    for (let i = 0; i < 3; i++) sessionOf(await service.sessions.createStreamingSession(plain, ARTIST));
    expect(errorOf(await service.sessions.createStreamingSession(plain, ARTIST))).toEqual({
      type: 'ServiceQuotaExceededException',
      code: 'SERVICE_QUOTA_EXCEEDED',
      message: expect.any(String) as string,
      context: { quotaName: 'Streaming sessions per studio', limit: '3', current: '3' },
    });
    expect(await service.rows()).toHaveLength(3);
  });

  it('counts instance families separately, G5 included once its quota is raised', async () => {
    const service = await testService({
      catalog: testSeed({ maxSessions: 10, maxSessionsPerInstanceFamily: { g5: 1 } }),
    });
    const g5 = { ...plain, ec2InstanceType: 'g5.xlarge' };
    sessionOf(await service.sessions.createStreamingSession(g5, ARTIST));
    expect(errorOf(await service.sessions.createStreamingSession(g5, ARTIST)).context).toEqual({
      quotaName: 'G5 streaming sessions per studio',
      limit: '1',
      current: '1',
    });
    sessionOf(await service.sessions.createStreamingSession(plain, ARTIST));
  });

  it('applies a per-owner quota to each owner alone', async () => {
    const service = await testService({ catalog: testSeed({ maxSessions: 10, maxSessionsPerOwner: 1 }) });
    sessionOf(await service.sessions.createStreamingSession(plain, ARTIST));
    expect(errorOf(await service.sessions.createStreamingSession(plain, ARTIST)).context).toMatchObject({
      quotaName: 'Streaming sessions per owner',
      limit: '1',
    });
    const forOther = { ...plain, ownedBy: ARTIST.principalId };
    expect(errorOf(await service.sessions.createStreamingSession(forOther, ADMIN)).type).toBe(
      'ServiceQuotaExceededException',
    );
    sessionOf(await service.sessions.createStreamingSession(plain, ARTIST_2));
  });

  it('keeps counting a CREATE_FAILED session until it is deleted', async () => {
    // Deliberate, per reference §3.2 and §6: every state but DELETED holds its slot. Delete comes later.
    const service = await testService({
      catalog: testSeed({ maxSessions: 1 }),
      provisioner: { failInstanceTypes: { 'g4dn.xlarge': 'INSUFFICIENT_CAPACITY' } },
    });
    const failed = sessionOf(await service.sessions.createStreamingSession(plain, ARTIST));
    await service.provisionAll();
    const got = await service.sessions.getStreamingSession(
      { studioId: STUDIO_ID, sessionId: failed.sessionId },
      ARTIST,
    );
    expect(sessionOf(got).state).toBe('CREATE_FAILED');
    expect(errorOf(await service.sessions.createStreamingSession(plain, ARTIST))).toMatchObject({
      type: 'ServiceQuotaExceededException',
      context: { limit: '1', current: '1' },
    });
  });
});

/**
 * Two service instances over one database stand for two processes. Instance B's store lets instance A
 * create a session right before each of B's commits, so B's view of the quota ledger is always stale.
 */
async function competingProcesses(options: {
  maxSessions: number;
  interferences: number;
  maxCommitAttempts: number;
}) {
  const db = new InMemoryDatabase();
  const clock = new ManualClock();
  const catalog = testSeed({ maxSessions: options.maxSessions });
  const a = await testService({ catalog, clock, storage: wrappedStorage(db) });
  let left = options.interferences;
  const competitor: Caller = ARTIST_2;
  const interfering = (store: EventStore): EventStore => ({
    read: (id) => store.read(id),
    readSnapshot: (id) => store.readSnapshot(id),
    readAll: (after, limit) => store.readAll(after, limit),
    findClientToken: (key, now) => store.findClientToken(key, now),
    expireClientTokens: (now, limit) => store.expireClientTokens(now, limit),
    commit: async (unit, now) => {
      if (left > 0) {
        left--;
        await a.sessions.createStreamingSession(plain, competitor);
      }
      return store.commit(unit, now);
    },
  });
  const b = await testService({
    catalog,
    clock,
    storage: wrappedStorage(db, { store: interfering }),
    config: { maxCommitAttempts: options.maxCommitAttempts },
  });
  return { a, b };
}

describe('optimistic concurrency on the quota ledger', () => {
  it('retries a create that lost the ledger race, and succeeds while there is room', async () => {
    const { a, b } = await competingProcesses({ maxSessions: 10, interferences: 2, maxCommitAttempts: 3 });
    const created = sessionOf(await b.sessions.createStreamingSession(plain, ARTIST));
    const rows = await a.rows();
    expect(rows).toHaveLength(3);
    expect(rows.map((r) => r.session.session.sessionId)).toContain(created.sessionId);
  });

  it('turns a lost race into ServiceQuotaExceededException once the winner took the last slot', async () => {
    const { a, b } = await competingProcesses({ maxSessions: 1, interferences: 1, maxCommitAttempts: 5 });
    expect(errorOf(await b.sessions.createStreamingSession(plain, ARTIST))).toMatchObject({
      type: 'ServiceQuotaExceededException',
      context: { limit: '1', current: '1' },
    });
    expect(await a.rows()).toHaveLength(1);
  });

  it('gives up after maxCommitAttempts with ConflictException, writing nothing of its own', async () => {
    const { a, b } = await competingProcesses({
      maxSessions: 100,
      interferences: 1000,
      maxCommitAttempts: 4,
    });
    expect(
      errorOf(await b.sessions.createStreamingSession({ ...plain, clientToken: 'token-b' }, ARTIST)),
    ).toMatchObject({
      type: 'ConflictException',
      code: 'CONCURRENT_MODIFICATION',
      context: { studioId: STUDIO_ID },
    });
    const rows = await a.rows();
    expect(rows).toHaveLength(4);
    expect(rows.every((r) => r.session.session.createdBy === ARTIST_2.principalId)).toBe(true);
  });
});

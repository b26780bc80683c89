import { describe, expect, it } from 'vitest';
import { InMemoryDatabase, TOKENS, type ApiError, type StreamingSessions } from 'nimble-streaming-sessions';
import { ledgerStreamId } from '../../src/application/streams.js';
import type { QuotaLedgerState } from 'nimble-streaming-sessions/domain';
import {
  ARTIST,
  LP,
  ManualClock,
  STUDIO_ID,
  testSeed,
  testService,
  wrappedStorage,
  type TestService,
} from './fixtures.js';

/** One or two service instances over one database: one process, or two racing for the same rows. */
async function services(processes: 1 | 2, maxSessions: number): Promise<TestService[]> {
  const db = new InMemoryDatabase();
  const clock = new ManualClock();
  const catalog = testSeed({ maxSessions });
  return Promise.all(
    Array.from({ length: processes }, () => testService({ catalog, clock, storage: wrappedStorage(db) })),
  );
}

async function ledgerTotal(sessions: StreamingSessions): Promise<number | undefined> {
  const snapshot = await sessions.container.get(TOKENS.EventStore).readSnapshot(ledgerStreamId(STUDIO_ID));
  return (snapshot?.snapshot as QuotaLedgerState | undefined)?.total;
}

describe.each([1, 2] as const)('concurrent creates in %i process(es)', (processes) => {
  it('turns 1,000 concurrent creates with 100 distinct tokens into exactly 100 sessions', async () => {
    const all = await services(processes, 1000);
    const results = await Promise.all(
      Array.from({ length: 1000 }, (_, i) => {
        const token = `token-${String(i % 100)}`;
        const service = all[i % all.length]!;
        return service.sessions
          .createStreamingSession({ studioId: STUDIO_ID, launchProfileId: LP, clientToken: token }, ARTIST)
          .then((result) => ({ token, result }));
      }),
    );
    const byToken = new Map<string, Set<string>>();
    for (const { token, result } of results) {
      if (result.isErr()) throw new Error(`Unexpected error ${JSON.stringify(result.error)}`);
      byToken.set(token, (byToken.get(token) ?? new Set()).add(result.value.sessionId));
    }
    expect(byToken.size).toBe(100);
    for (const ids of byToken.values()) expect(ids.size).toBe(1);
    const sessionIds = new Set([...byToken.values()].flatMap((ids) => [...ids]));
    expect(sessionIds.size).toBe(100);
    const rows = await all[0]!.rows();
    expect(new Set(rows.map((r) => r.session.session.sessionId))).toEqual(sessionIds);
    expect(await ledgerTotal(all[0]!.sessions)).toBe(100);
  });

  it('lets exactly 5 of 50 concurrent creates through a limit of 5; the other 45 exceed the quota', async () => {
    const all = await services(processes, 5);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        all[i % all.length]!.sessions.createStreamingSession(
          { studioId: STUDIO_ID, launchProfileId: LP },
          ARTIST,
        ),
      ),
    );
    const errors = results.flatMap((r) => (r.isErr() ? [r.error] : []));
    expect(results.filter((r) => r.isOk())).toHaveLength(5);
    expect(errors).toHaveLength(45);
    expect(
      errors.every((e: ApiError) => e.type === 'ServiceQuotaExceededException' && e.context.limit === '5'),
    ).toBe(true);
    expect(await all[0]!.rows()).toHaveLength(5);
    expect(await ledgerTotal(all[0]!.sessions)).toBe(5);
  });
});

describe('concurrent duplicates at the quota boundary', () => {
  it('gives every duplicate of the request that took the last slot its session, not a quota error', async () => {
    const [service] = await services(1, 1);
    const input = { studioId: STUDIO_ID, launchProfileId: LP, clientToken: 'last-slot' };
    const results = await Promise.all(
      Array.from({ length: 10 }, () => service!.sessions.createStreamingSession(input, ARTIST)),
    );
    const ids = results.map((r) => r.map((s) => s.sessionId).unwrapOr('(error)'));
    expect(new Set(ids).size).toBe(1);
    expect(ids[0]).not.toBe('(error)');
  });
});

import { err, ok } from 'neverthrow';
import { describe, expect, it } from 'vitest';
import type { EntityKind } from '../../application/ports/entities.js';
import { ExpectedVersion } from '../../application/ports/event-store.js';
import {
  append,
  at,
  contractSession,
  OTHER_STUDIO,
  sessionRef,
  STUDIO,
  T0,
  tokenRecord,
  type ContractContext,
} from './fixtures.js';

/** The client-token index: unique per (studio, operation, token) while unexpired, reusable after. */
export function testClientTokenContract({ subject, commitOk }: ContractContext): void {
  const store = () => subject().store;

  describe('client tokens', () => {
    it('finds a committed token until it expires, and nothing for an unknown one', async () => {
      await commitOk({
        appends: [append('S-a', ExpectedVersion.noStream, 'A1')],
        clientToken: tokenRecord(),
      });
      expect(await store().findClientToken(tokenRecord(), T0)).toEqual(tokenRecord());
      expect(await store().findClientToken(tokenRecord(), T0 + 59_999)).toEqual(tokenRecord());
      expect(await store().findClientToken(tokenRecord(), T0 + 60_001)).toBeUndefined();
      expect(await store().findClientToken(tokenRecord({ clientToken: 'unknown' }), T0)).toBeUndefined();
    });

    it('rejects a second use with ClientTokenAlreadyUsed carrying the existing record', async () => {
      await commitOk({ appends: [], clientToken: tokenRecord() });
      const second = tokenRecord({
        fingerprint: 'fingerprint-2',
        entity: sessionRef('session-2'),
        expiresAt: T0 + 90_000,
      });
      expect(await store().commit({ appends: [], clientToken: second }, T0 + 10)).toEqual(
        err({ type: 'ClientTokenAlreadyUsed', existing: tokenRecord() }),
      );
      expect(await store().findClientToken(tokenRecord(), T0 + 10)).toEqual(tokenRecord());
    });

    it('lets an expired token be used again, replacing the old record', async () => {
      await commitOk({ appends: [], clientToken: tokenRecord() });
      const reuse = tokenRecord({ entity: sessionRef('session-2'), expiresAt: T0 + 200_000 });
      expect(await store().commit({ appends: [], clientToken: reuse }, T0 + 60_001)).toEqual(
        ok({ versions: {} }),
      );
      expect(await store().findClientToken(tokenRecord(), T0 + 60_001)).toEqual(reuse);
    });

    it('keeps the kind of the entity a record names, whatever the kind', async () => {
      // A kind a later aggregate adds: the token index stores any, and gives it back as it was.
      const other = tokenRecord({ entity: { kind: 'other-kind' as EntityKind, id: 'entity-1' } });
      await commitOk({ appends: [], clientToken: other });
      expect(await store().findClientToken(other, T0)).toEqual(other);
      expect(await store().commit({ appends: [], clientToken: tokenRecord() }, T0 + 1)).toEqual(
        err({ type: 'ClientTokenAlreadyUsed', existing: other }),
      );
    });

    it('scopes tokens by studio and operation, and compares them case-sensitively', async () => {
      const records = [
        tokenRecord(),
        tokenRecord({ studioId: OTHER_STUDIO, entity: sessionRef('session-2') }),
        tokenRecord({ operation: 'StartStreamingSession', entity: sessionRef('session-3') }),
        tokenRecord({ clientToken: 'TOKEN-1', entity: sessionRef('session-4') }),
      ];
      for (const record of records) await commitOk({ appends: [], clientToken: record });
      for (const record of records) expect(await store().findClientToken(record, T0)).toEqual(record);
    });

    it('lets exactly one of many racing commits take a token; the others see its record', async () => {
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          store().commit(
            {
              appends: [append(`S-${i}`, ExpectedVersion.noStream, 'A1')],
              clientToken: tokenRecord({ entity: sessionRef(`session-${i}`) }),
            },
            T0,
          ),
        ),
      );
      const winners = results.flatMap((r, i) => (r.isOk() ? [i] : []));
      expect(winners).toHaveLength(1);
      const winner = tokenRecord({ entity: sessionRef(`session-${String(at(winners, 0))}`) });
      for (const r of results.filter((x) => x.isErr())) {
        expect(r).toEqual(err({ type: 'ClientTokenAlreadyUsed', existing: winner }));
      }
      expect(await store().findClientToken(winner, T0)).toEqual(winner);
      const written = await Promise.all(results.map((_, i) => store().read(`S-${i}`)));
      expect(written.map((r) => r.version)).toEqual(results.map((r) => (r.isOk() ? 1 : 0)));
    });
  });
}

/**
 * Reclaiming expired client tokens: bounded batches, the earliest expiry first, never an unexpired
 * record, nothing but token records.
 */
export function testClientTokenExpiryContract({ subject, commitOk }: ContractContext): void {
  const store = () => subject().store;
  const token = (i: number, expiresAt: number) =>
    tokenRecord({ clientToken: `token-${i}`, entity: sessionRef(`session-${i}`), expiresAt });
  /** Whether the record is still stored: looked up at a time before it expires. */
  const stored = async (i: number, expiresAt: number) =>
    (await store().findClientToken(token(i, expiresAt), T0)) !== undefined;

  describe('client-token expiry', () => {
    it('deletes expired records in batches of at most `limit`, the earliest expiry first', async () => {
      // Committed out of expiry order; token 6 has not expired by the time of the sweeps.
      for (const i of [3, 1, 5, 2, 4, 6]) {
        await commitOk({ appends: [], clientToken: token(i, T0 + i * 1_000) });
      }
      const now = T0 + 5_000;
      expect(await store().expireClientTokens(now, 2)).toBe(2);
      expect([await stored(1, T0 + 1_000), await stored(2, T0 + 2_000)]).toEqual([false, false]);
      expect(await stored(3, T0 + 3_000)).toBe(true);
      expect(await store().expireClientTokens(now, 2)).toBe(2);
      expect(await store().expireClientTokens(now, 2)).toBe(1);
      expect(await store().expireClientTokens(now, 2)).toBe(0);
      expect(await store().findClientToken(token(6, T0 + 6_000), now)).toEqual(token(6, T0 + 6_000));
    });

    it('expires a record at its expiresAt, as lookups do, and deletes nothing when there is nothing', async () => {
      expect(await store().expireClientTokens(T0, 10)).toBe(0);
      await commitOk({ appends: [], clientToken: tokenRecord() });
      const expiresAt = tokenRecord().expiresAt;
      expect(await store().expireClientTokens(expiresAt - 1, 10)).toBe(0);
      expect(await store().findClientToken(tokenRecord(), T0)).toEqual(tokenRecord());
      expect(await store().expireClientTokens(expiresAt, 10)).toBe(1);
      expect(await store().findClientToken(tokenRecord(), T0)).toBeUndefined();
      // The token is free: a new request records it afresh.
      const again = tokenRecord({ entity: sessionRef('session-2'), expiresAt: expiresAt + 60_000 });
      expect(await store().commit({ appends: [], clientToken: again }, expiresAt)).toEqual(
        ok({ versions: {} }),
      );
      expect(await store().findClientToken(tokenRecord(), expiresAt)).toEqual(again);
    });

    it('leaves the record that replaced an expired one', async () => {
      await commitOk({ appends: [], clientToken: tokenRecord({ expiresAt: T0 + 10 }) });
      const reuse = tokenRecord({ entity: sessionRef('session-2'), expiresAt: T0 + 1_000 });
      await commitOk({ appends: [], clientToken: reuse }, T0 + 20);
      expect(await store().expireClientTokens(T0 + 500, 10)).toBe(0);
      expect(await store().findClientToken(tokenRecord(), T0 + 500)).toEqual(reuse);
      expect(await store().expireClientTokens(T0 + 1_000, 10)).toBe(1);
      expect(await store().findClientToken(tokenRecord(), T0)).toBeUndefined();
    });

    it('touches no stream, view or job', async () => {
      const session = contractSession(STUDIO, 'session-1');
      await commitOk({
        appends: [append('S-1', ExpectedVersion.noStream, 'SessionRequested')],
        views: [{ studioId: STUDIO, entity: sessionRef('session-1'), version: 1, body: session }],
        schedule: [{ studioId: STUDIO, entity: sessionRef('session-1'), kind: 'provision', dueAt: T0 }],
        clientToken: tokenRecord(),
      });
      expect(await store().expireClientTokens(T0 + 120_000, 10)).toBe(1);
      expect((await store().read('S-1')).version).toBe(1);
      expect((await subject().views.get(STUDIO, 'session-1'))?.version).toBe(1);
      expect(await subject().queue.stats(T0)).toEqual({ due: 1, scheduled: 0, held: 0, oldestDueAt: T0 });
    });

    it('deletes each record once when sweeps run at the same time', async () => {
      for (let i = 0; i < 10; i++) await commitOk({ appends: [], clientToken: token(i, T0 + 1) });
      const removed = await Promise.all(
        Array.from({ length: 5 }, () => store().expireClientTokens(T0 + 1, 4)),
      );
      expect(removed.reduce((a, b) => a + b, 0)).toBe(10);
      expect(await store().expireClientTokens(T0 + 1, 100)).toBe(0);
    });
  });
}

/** Snapshots: written with a commit, read back with the stream version they reflect. */
export function testSnapshotContract({ subject, commitOk }: ContractContext): void {
  const store = () => subject().store;

  describe('snapshots', () => {
    it('has no snapshot for a missing stream or one written without a snapshot', async () => {
      await commitOk({ appends: [append('S-a', ExpectedVersion.noStream, 'A1')] });
      expect(await store().readSnapshot('S-a')).toBeUndefined();
      expect(await store().readSnapshot('S-missing')).toBeUndefined();
    });

    it('returns the latest snapshot with the stream version it reflects', async () => {
      const first = { total: 1, byOwner: { alice: 1 } };
      await commitOk({ appends: [{ ...append('S-a', ExpectedVersion.noStream, 'A1'), snapshot: first }] });
      expect(await store().readSnapshot('S-a')).toEqual({ version: 1, snapshot: first });
      const second = { total: 3, byOwner: { alice: 1, bob: 2 }, list: ['x', null] };
      await commitOk({
        appends: [{ ...append('S-a', ExpectedVersion.exact(1), 'A2', 'A3'), snapshot: second }],
      });
      expect(await store().readSnapshot('S-a')).toEqual({ version: 3, snapshot: second });
    });

    it('never labels a snapshot with a version it does not reflect', async () => {
      const first = { total: 1 };
      await commitOk({ appends: [{ ...append('S-a', ExpectedVersion.noStream, 'A1'), snapshot: first }] });
      await commitOk({ appends: [append('S-a', ExpectedVersion.exact(1), 'A2')] });
      // A loader trusts the label and reads only the events after it: labelling the version-1 state as
      // version 2 would make it skip A2. No snapshot at all is also correct.
      const snapshot = await store().readSnapshot('S-a');
      expect([undefined, { version: 1, snapshot: first }]).toContainEqual(snapshot);
    });
  });
}

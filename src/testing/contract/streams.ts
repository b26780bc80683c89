import { err, ok } from 'neverthrow';
import { describe, expect, it } from 'vitest';
import { ExpectedVersion } from '../../application/ports/event-store.js';
import {
  append,
  at,
  contractSession,
  event,
  sessionRef,
  STUDIO,
  T0,
  tokenRecord,
  type ContractContext,
} from './fixtures.js';

/** Reading streams and the three expected-version modes, with conflicts that carry expected and actual. */
export function testStreamContract({ subject, commitOk }: ContractContext): void {
  const store = () => subject().store;

  describe('streams and expected versions', () => {
    it('reads a stream that was never written as version 0 with no events', async () => {
      expect(await store().read('S-missing')).toEqual({ version: 0, events: [] });
    });

    it('creates a stream with noStream and reads its events back in order with their metadata', async () => {
      const data = { nested: { list: [1, 'two', null], text: 'ünïcødé ✓ "quoted"' }, flag: true };
      const result = await store().commit(
        {
          appends: [
            {
              streamId: 'S-a',
              studioId: STUDIO,
              expected: ExpectedVersion.noStream,
              events: [event('A1', data), { type: 'A2', version: 2, data: [] }],
            },
          ],
        },
        T0,
      );
      expect(result).toEqual(ok({ versions: { 'S-a': 2 } }));
      const read = await store().read('S-a');
      expect(read.version).toBe(2);
      expect(read.events.map((e) => [e.type, e.version, e.streamId, e.studioId, e.streamVersion])).toEqual([
        ['A1', 1, 'S-a', STUDIO, 1],
        ['A2', 2, 'S-a', STUDIO, 2],
      ]);
      expect(read.events[0]?.data).toEqual(data);
      expect(read.events[1]?.data).toEqual([]);
      expect(read.events[0]?.recordedAt).toBeInstanceOf(Date);
      expect(at(read.events, 1).position).toBeGreaterThan(at(read.events, 0).position);
    });

    it('rejects noStream on an existing stream, carrying the expected and actual versions', async () => {
      await commitOk({ appends: [append('S-a', ExpectedVersion.noStream, 'A1', 'A2')] });
      const result = await store().commit({ appends: [append('S-a', ExpectedVersion.noStream, 'A3')] }, T0);
      expect(result).toEqual(
        err({ type: 'WrongExpectedVersion', streamId: 'S-a', expected: ExpectedVersion.noStream, actual: 2 }),
      );
      expect((await store().read('S-a')).events.map((e) => e.type)).toEqual(['A1', 'A2']);
    });

    it('appends with exact(n) when the stream is at version n', async () => {
      await commitOk({ appends: [append('S-a', ExpectedVersion.noStream, 'A1')] });
      const result = await store().commit(
        { appends: [append('S-a', ExpectedVersion.exact(1), 'A2', 'A3')] },
        T0,
      );
      expect(result).toEqual(ok({ versions: { 'S-a': 3 } }));
      expect((await store().read('S-a')).events.map((e) => e.type)).toEqual(['A1', 'A2', 'A3']);
    });

    it('treats exact(0) as "the stream has no events yet"', async () => {
      expect(await store().commit({ appends: [append('S-a', ExpectedVersion.exact(0), 'A1')] }, T0)).toEqual(
        ok({ versions: { 'S-a': 1 } }),
      );
    });

    it.each([
      ['behind the stream', 1, 2],
      ['ahead of the stream', 5, 2],
      ['on a missing stream', 3, 0],
    ])('rejects exact(n) %s, carrying the expected and actual versions', async (_case, expected, actual) => {
      if (actual > 0) await commitOk({ appends: [append('S-a', ExpectedVersion.noStream, 'A1', 'A2')] });
      const result = await store().commit(
        { appends: [append('S-a', ExpectedVersion.exact(expected), 'X')] },
        T0,
      );
      expect(result).toEqual(
        err({
          type: 'WrongExpectedVersion',
          streamId: 'S-a',
          expected: ExpectedVersion.exact(expected),
          actual,
        }),
      );
      expect((await store().read('S-a')).version).toBe(actual);
    });

    it('appends with any to a new stream and to an existing one', async () => {
      expect(await store().commit({ appends: [append('S-a', ExpectedVersion.any, 'A1')] }, T0)).toEqual(
        ok({ versions: { 'S-a': 1 } }),
      );
      expect(await store().commit({ appends: [append('S-a', ExpectedVersion.any, 'A2')] }, T0)).toEqual(
        ok({ versions: { 'S-a': 2 } }),
      );
    });

    it('lets exactly one of many racing noStream commits create a stream', async () => {
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          store().commit({ appends: [append('S-race', ExpectedVersion.noStream, `R${i}`)] }, T0),
        ),
      );
      expect(results.filter((r) => r.isOk())).toHaveLength(1);
      for (const r of results.filter((x) => x.isErr())) {
        expect(r).toEqual(
          err({
            type: 'WrongExpectedVersion',
            streamId: 'S-race',
            expected: ExpectedVersion.noStream,
            actual: 1,
          }),
        );
      }
      expect((await store().read('S-race')).version).toBe(1);
    });

    it('lets exactly one of many racing exact(n) commits append', async () => {
      await commitOk({ appends: [append('S-race', ExpectedVersion.noStream, 'R0')] });
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          store().commit({ appends: [append('S-race', ExpectedVersion.exact(1), `R${i + 1}`)] }, T0),
        ),
      );
      expect(results.filter((r) => r.isOk())).toHaveLength(1);
      expect((await store().read('S-race')).version).toBe(2);
    });
  });
}

/** All-or-nothing: a commit that fails on any check leaves no trace in any table. */
export function testAtomicCommitContract({ subject, commitOk }: ContractContext): void {
  const s = subject;

  describe('atomic commits', () => {
    it('appends to several streams at once and reports each stream version', async () => {
      await commitOk({ appends: [append('S-b', ExpectedVersion.noStream, 'B1')] });
      const result = await s().store.commit(
        {
          appends: [
            append('S-a', ExpectedVersion.noStream, 'A1'),
            append('S-b', ExpectedVersion.exact(1), 'B2', 'B3'),
          ],
        },
        T0,
      );
      expect(result).toEqual(ok({ versions: { 'S-a': 1, 'S-b': 3 } }));
    });

    it('appends to streams listed in any order, reporting each version and the stream that conflicts', async () => {
      await commitOk({ appends: [append('S-a', ExpectedVersion.noStream, 'A1')] });
      await commitOk({ appends: [append('S-c', ExpectedVersion.noStream, 'C1', 'C2')] });
      // Two streams listed against their key order, then three.
      expect(
        await s().store.commit(
          {
            appends: [
              append('S-c', ExpectedVersion.exact(2), 'C3'),
              append('S-a', ExpectedVersion.any, 'A2'),
            ],
          },
          T0,
        ),
      ).toEqual(ok({ versions: { 'S-c': 3, 'S-a': 2 } }));
      expect(
        await s().store.commit(
          {
            appends: [
              append('S-c', ExpectedVersion.exact(3), 'C4', 'C5'),
              append('S-b', ExpectedVersion.noStream, 'B1'),
              append('S-a', ExpectedVersion.exact(2), 'A3'),
            ],
          },
          T0,
        ),
      ).toEqual(ok({ versions: { 'S-c': 5, 'S-b': 1, 'S-a': 3 } }));
      expect((await s().store.read('S-c')).events.map((e) => [e.type, e.streamVersion])).toEqual([
        ['C1', 1],
        ['C2', 2],
        ['C3', 3],
        ['C4', 4],
        ['C5', 5],
      ]);
      const logBefore = await s().store.readAll(0, 1000);
      expect(
        await s().store.commit(
          {
            appends: [
              append('S-c', ExpectedVersion.exact(5), 'C6'),
              append('S-b', ExpectedVersion.exact(7), 'B2'),
              append('S-a', ExpectedVersion.exact(3), 'A4'),
            ],
          },
          T0,
        ),
      ).toEqual(
        err({ type: 'WrongExpectedVersion', streamId: 'S-b', expected: ExpectedVersion.exact(7), actual: 1 }),
      );
      expect(
        await s().store.commit(
          {
            appends: [
              append('S-b', ExpectedVersion.exact(1), 'B2'),
              append('S-a', ExpectedVersion.exact(9), 'A4'),
            ],
          },
          T0,
        ),
      ).toEqual(
        err({ type: 'WrongExpectedVersion', streamId: 'S-a', expected: ExpectedVersion.exact(9), actual: 3 }),
      );
      expect(await s().store.readAll(0, 1000)).toEqual(logBefore);
    });

    it('commits units that share streams but list them in opposite orders, all at once', async () => {
      // Each unit locks the streams it writes; were they not locked in one order whatever the unit's own,
      // two of these could each hold one stream and wait for the other.
      const units = Array.from({ length: 40 }, (_, i) => ({
        appends:
          i % 2 === 0
            ? [append('S-x', ExpectedVersion.any, `X${i}`), append('S-y', ExpectedVersion.any, `Y${i}`)]
            : [append('S-y', ExpectedVersion.any, `Y${i}`), append('S-x', ExpectedVersion.any, `X${i}`)],
      }));
      const results = await Promise.all(units.map((unit) => s().store.commit(unit, T0)));
      expect(results.every((r) => r.isOk())).toBe(true);
      expect((await s().store.read('S-x')).version).toBe(40);
      expect((await s().store.read('S-y')).version).toBe(40);
    });

    it('writes nothing at all when the second stream conflicts', async () => {
      await commitOk({ appends: [append('S-b', ExpectedVersion.noStream, 'B1')] });
      const logBefore = await s().store.readAll(0, 1000);
      const result = await s().store.commit(
        {
          appends: [
            { ...append('S-a', ExpectedVersion.noStream, 'A1'), snapshot: { n: 1 } },
            append('S-b', ExpectedVersion.noStream, 'B2'),
          ],
          views: [
            {
              studioId: STUDIO,
              entity: sessionRef('session-x'),
              version: 1,
              body: contractSession(STUDIO, 'session-x'),
            },
          ],
          clientToken: tokenRecord({ entity: sessionRef('session-x') }),
          schedule: [{ studioId: STUDIO, entity: sessionRef('session-x'), kind: 'provision', dueAt: T0 }],
        },
        T0,
      );
      expect(result).toEqual(
        err({ type: 'WrongExpectedVersion', streamId: 'S-b', expected: ExpectedVersion.noStream, actual: 1 }),
      );
      expect(await s().store.read('S-a')).toEqual({ version: 0, events: [] });
      expect(await s().store.read('S-b')).toEqual({ version: 1, events: logBefore });
      expect(await s().store.readSnapshot('S-a')).toBeUndefined();
      expect(await s().store.readAll(0, 1000)).toEqual(logBefore);
      expect(await s().views.get(STUDIO, 'session-x')).toBeUndefined();
      expect(await s().store.findClientToken(tokenRecord(), T0)).toBeUndefined();
      expect(await s().queue.claim('w1', 10, 1000, T0)).toEqual([]);
    });

    it('writes nothing when the client token is already held', async () => {
      await commitOk({
        appends: [append('S-a', ExpectedVersion.noStream, 'A1')],
        clientToken: tokenRecord(),
      });
      const result = await s().store.commit(
        {
          appends: [append('S-b', ExpectedVersion.noStream, 'B1')],
          views: [
            {
              studioId: STUDIO,
              entity: sessionRef('session-2'),
              version: 1,
              body: contractSession(STUDIO, 'session-2'),
            },
          ],
          clientToken: tokenRecord({ entity: sessionRef('session-2'), fingerprint: 'fingerprint-2' }),
          schedule: [{ studioId: STUDIO, entity: sessionRef('session-2'), kind: 'provision', dueAt: T0 }],
        },
        T0 + 1,
      );
      expect(result).toEqual(err({ type: 'ClientTokenAlreadyUsed', existing: tokenRecord() }));
      expect((await s().store.read('S-b')).version).toBe(0);
      expect(await s().views.get(STUDIO, 'session-2')).toBeUndefined();
      expect(await s().queue.claim('w1', 10, 1000, T0 + 1)).toEqual([]);
    });

    it('makes every part of a commit visible as soon as it resolves (read-your-writes)', async () => {
      const session = contractSession(STUDIO, 'session-1');
      await commitOk({
        appends: [
          { ...append('S-session', ExpectedVersion.noStream, 'SessionRequested'), snapshot: { s: 1 } },
          append('S-ledger', ExpectedVersion.any, 'SessionSlotReserved'),
        ],
        views: [{ studioId: STUDIO, entity: sessionRef('session-1'), version: 1, body: session }],
        clientToken: tokenRecord(),
        schedule: [{ studioId: STUDIO, entity: sessionRef('session-1'), kind: 'provision', dueAt: T0 }],
      });
      expect((await s().store.read('S-session')).version).toBe(1);
      expect((await s().store.read('S-ledger')).version).toBe(1);
      expect(await s().store.readSnapshot('S-session')).toEqual({ version: 1, snapshot: { s: 1 } });
      expect((await s().store.readAll(0, 10)).map((e) => e.type)).toEqual([
        'SessionRequested',
        'SessionSlotReserved',
      ]);
      expect(await s().views.get(STUDIO, 'session-1')).toEqual({ version: 1, session });
      expect(await s().store.findClientToken(tokenRecord(), T0)).toEqual(tokenRecord());
      expect(await s().queue.claim('w1', 10, 1000, T0)).toEqual([
        {
          studioId: STUDIO,
          entity: sessionRef('session-1'),
          kind: 'provision',
          attempts: 1,
          leaseUntil: T0 + 1000,
        },
      ]);
    });
  });
}

import { describe, expect, it } from 'vitest';
import { UnknownEntityKindError, type EntityKind } from '../../application/ports/entities.js';
import { ExpectedVersion, type ViewWrite } from '../../application/ports/event-store.js';
import {
  append,
  contractSession,
  OTHER_STUDIO,
  sessionRef,
  STUDIO,
  T0,
  type ContractContext,
  type SessionFixtureOptions,
} from './fixtures.js';

/** The sessions view: rows written by the commit that appends the events, read by id or listed. */
export function testViewsContract({ subject, commitOk }: ContractContext): void {
  const views = () => subject().views;
  const row = (studioId: string, sessionId: string, options: SessionFixtureOptions = {}): ViewWrite => ({
    studioId,
    entity: sessionRef(sessionId),
    version: options.ready === true ? 3 : 1,
    body: contractSession(studioId, sessionId, options),
  });
  const commitRows = async (...rows: ViewWrite[]) => {
    for (const r of rows) {
      await commitOk({
        appends: [
          {
            ...append(`S-${r.studioId}-${r.entity.id}`, ExpectedVersion.noStream, 'SessionRequested'),
            studioId: r.studioId,
          },
        ],
        views: [r],
      });
    }
  };
  const ids = (rows: readonly { session: { session: { sessionId: string } } }[]) =>
    rows.map((r) => r.session.session.sessionId);

  describe('sessions view', () => {
    it('reads a row as soon as its commit resolves, and nothing for unknown ids', async () => {
      const written = row(STUDIO, 'session-1');
      await commitRows(written);
      expect(await views().get(STUDIO, 'session-1')).toEqual({ version: 1, session: written.body });
      expect(await views().get(STUDIO, 'session-unknown')).toBeUndefined();
    });

    it('replaces a row with the one a later commit writes', async () => {
      await commitRows(row(STUDIO, 'session-1'));
      const ready = row(STUDIO, 'session-1', { ready: true });
      await commitOk({
        appends: [
          append(`S-${STUDIO}-session-1`, ExpectedVersion.exact(1), 'InstanceAllocated', 'SessionReady'),
        ],
        views: [ready],
      });
      expect(await views().get(STUDIO, 'session-1')).toEqual({ version: 3, session: ready.body });
    });

    it('refuses a view or purge of an entity kind it keeps no view of, writing nothing of the unit', async () => {
      // A kind a later aggregate adds: a store that has no table for it must not drop the row silently.
      const unknown = 'not-a-kind' as EntityKind;
      const unit = {
        appends: [append('S-unknown', ExpectedVersion.noStream, 'SessionRequested')],
        views: [{ ...row(STUDIO, 'session-1'), entity: { kind: unknown, id: 'session-1' } }],
      };
      await expect(subject().store.commit(unit, T0)).rejects.toBeInstanceOf(UnknownEntityKindError);
      await expect(
        subject().store.commit(
          { appends: [], purge: [{ studioId: STUDIO, entity: { kind: unknown, id: 'session-1' } }] },
          T0,
        ),
      ).rejects.toThrow(/not-a-kind/);
      expect((await subject().store.read('S-unknown')).version).toBe(0);
      expect(await subject().store.readAll(0, 10)).toEqual([]);
      expect(await views().get(STUDIO, 'session-1')).toBeUndefined();
    });

    it('removes a purged row and leaves its stream in the log', async () => {
      await commitRows(row(STUDIO, 'session-1'), row(STUDIO, 'session-2'));
      await commitOk({ appends: [], purge: [{ studioId: STUDIO, entity: sessionRef('session-1') }] });
      expect(await views().get(STUDIO, 'session-1')).toBeUndefined();
      expect((await views().get(STUDIO, 'session-2'))?.version).toBe(1);
      expect((await subject().store.read(`S-${STUDIO}-session-1`)).version).toBe(1);
    });

    it('keeps each studio to its own rows', async () => {
      await commitRows(row(STUDIO, 'session-1'));
      expect(await views().get(OTHER_STUDIO, 'session-1')).toBeUndefined();
      expect(await views().list(OTHER_STUDIO, { limit: 10 })).toEqual([]);
    });

    describe('list', () => {
      const seed = () =>
        commitRows(
          row(STUDIO, 's-b', { requestedAt: T0, createdBy: 'alice', ownedBy: 'alice' }),
          row(STUDIO, 's-a', { requestedAt: T0, createdBy: 'admin', ownedBy: 'bob' }),
          row(STUDIO, 's-c', { requestedAt: T0 + 1000, createdBy: 'bob', ownedBy: 'bob', ready: true }),
          row(STUDIO, 's-d', { requestedAt: T0 - 1000, createdBy: 'alice', ownedBy: 'carol' }),
          row(OTHER_STUDIO, 's-z', { requestedAt: T0, createdBy: 'alice', ownedBy: 'alice' }),
        );

      it('orders a studio’s sessions by createdAt, then sessionId, and honours the limit', async () => {
        await seed();
        expect(ids(await views().list(STUDIO, { limit: 100 }))).toEqual(['s-d', 's-a', 's-b', 's-c']);
        expect(ids(await views().list(STUDIO, { limit: 2 }))).toEqual(['s-d', 's-a']);
        expect(ids(await views().list(OTHER_STUDIO, { limit: 100 }))).toEqual(['s-z']);
      });

      it('resumes after a (createdAt, sessionId) cursor', async () => {
        await seed();
        const after = { createdAt: T0, sessionId: 's-a' };
        expect(ids(await views().list(STUDIO, { limit: 100, after }))).toEqual(['s-b', 's-c']);
      });

      it('filters exactly by creator, owner, session ids and visibility', async () => {
        await seed();
        expect(ids(await views().list(STUDIO, { limit: 100, createdBy: 'alice' }))).toEqual(['s-d', 's-b']);
        expect(ids(await views().list(STUDIO, { limit: 100, ownedBy: 'bob' }))).toEqual(['s-a', 's-c']);
        expect(
          ids(await views().list(STUDIO, { limit: 100, sessionIds: ['s-c', 's-a', 's-unknown'] })),
        ).toEqual(['s-a', 's-c']);
        expect(ids(await views().list(STUDIO, { limit: 100, visibleTo: 'alice' }))).toEqual(['s-d', 's-b']);
        expect(ids(await views().list(STUDIO, { limit: 100, visibleTo: 'bob' }))).toEqual(['s-a', 's-c']);
        expect(ids(await views().list(STUDIO, { limit: 100, createdBy: 'alic' }))).toEqual([]);
      });

      it('counts the sessions still in CREATE_IN_PROGRESS across studios', async () => {
        await seed();
        expect(await views().countInProgress()).toBe(4);
      });

      it('counts the sessions in each state across studios', async () => {
        await seed();
        expect(await views().countByState()).toEqual({ CREATE_IN_PROGRESS: 4, READY: 1 });
      });
    });
  });
}

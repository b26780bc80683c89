/**
 * Rows planted by hand on the SQL storages (damaged, or of a shape this release does not write) are read,
 * not cast: each surfaces as a StoredValueUnreadable naming its table and key, or is left alone, and never
 * becomes a wrong value inside a decision. The same specification for the PostgreSQL server and PGlite.
 */
import { describe, expect, it } from 'vitest';
import type pg from 'pg';
import { LedgerCache } from '../../src/application/ledger-cache.js';
import { StoredValueUnreadable } from '../../src/application/stored-shapes.js';
import { ARTIST, LP, STUDIO_ID, type TestService } from '../application/fixtures.js';
import { sessionOf } from '../application/results.js';

/** A service on the storage under test, with direct access to its tables. */
export interface PlantedStorage {
  readonly service: TestService;
  readonly pool: Pick<pg.Pool, 'query'>;
  readonly schema: string;
}

async function refusal(promise: Promise<unknown>): Promise<StoredValueUnreadable> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (outcome instanceof StoredValueUnreadable) return outcome;
  throw new Error(`expected StoredValueUnreadable, got ${String(outcome)}`);
}

export function storedRowsSuite(storage: string, open: () => Promise<PlantedStorage>): void {
  describe(`Rows that do not decode (${storage})`, () => {
    async function withSession() {
      const planted = await open();
      const created = sessionOf(
        await planted.service.sessions.createStreamingSession(
          { studioId: STUDIO_ID, launchProfileId: LP },
          ARTIST,
        ),
      );
      return { ...planted, sessionId: created.sessionId };
    }

    it('a damaged session view row is an error naming the table and the row, for Get and List alike', async () => {
      const { service, pool, schema, sessionId } = await withSession();
      await pool.query(
        `update "${schema}".session_views set session = session - 'updatedBy' || '{"state":"PAUSED"}'
         where session_id = $1`,
        [sessionId],
      );
      const get = await refusal(
        service.sessions.getStreamingSession({ studioId: STUDIO_ID, sessionId }, ARTIST),
      );
      expect(get).toMatchObject({ table: `${schema}.session_views`, key: `${STUDIO_ID}/${sessionId}` });
      const list = await refusal(service.sessions.listStreamingSessions({ studioId: STUDIO_ID }, ARTIST));
      expect(list.key).toBe(`${STUDIO_ID}/${sessionId}`);
      // Nothing was decided on it: the stream has its one event still.
      expect(await service.eventTypes(sessionId)).toEqual(['SessionRequested']);
    });

    it("a damaged quota ledger snapshot stops the studio's creates, and writes nothing", async () => {
      const { service, pool, schema } = await withSession();
      await pool.query(
        `update "${schema}".streams set snapshot = '{"total":-3}' where stream_id like 'QuotaLedger:%'`,
      );
      // The process's own cache still holds the last good ledger: forgotten, the next create reads the row.
      service.sessions.container.get(LedgerCache).forget(STUDIO_ID);
      const error = await refusal(
        service.sessions.createStreamingSession({ studioId: STUDIO_ID, launchProfileId: LP }, ARTIST),
      );
      expect(error).toMatchObject({ table: 'streams', key: `QuotaLedger:${STUDIO_ID}` });
      expect(await service.rows()).toHaveLength(1);
    });

    it('a job of a kind this release does not run is left for one that does, and the others run', async () => {
      const { service, pool, schema, sessionId } = await withSession();
      await pool.query(
        `insert into "${schema}".jobs (studio_id, entity_kind, entity_id, kind, due_at)
         values ($1, 'session', $2, 'reboot', 0)`,
        [STUDIO_ID, sessionId],
      );
      await service.provisionAll();
      expect((await service.rows())[0]?.session.state).toBe('READY');
      const { rows } = await pool.query<{ attempts: number; owner: string | null }>(
        `select attempts, owner from "${schema}".jobs where kind = 'reboot'`,
      );
      expect(rows).toEqual([{ attempts: 0, owner: null }]);
    });

    it('a client-token row whose entity is unreadable is an error naming the token, not a replay', async () => {
      const { service, pool, schema } = await withSession();
      const input = { studioId: STUDIO_ID, launchProfileId: LP, clientToken: 'planted-token' };
      sessionOf(await service.sessions.createStreamingSession(input, ARTIST));
      await pool.query(
        `update "${schema}".client_tokens set entity_kind = '' where client_token = 'planted-token'`,
      );
      const error = await refusal(service.sessions.createStreamingSession(input, ARTIST));
      expect(error).toMatchObject({ table: `${schema}.client_tokens` });
      expect(error.key).toContain('planted-token');
      expect(await service.rows()).toHaveLength(2);
    });
  });
}

import { afterAll, describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../src/adapters/postgres/migrate.js';
import { LATEST_SCHEMA_VERSION } from '../../src/adapters/postgres/migrations/index.js';
import { postgresStorage } from '../../src/adapters/postgres/module.js';
import { ARTIST, LP, LP_STOPPABLE, STUDIO_ID, testService } from '../application/fixtures.js';
import { sessionOf } from '../application/results.js';
import { PREVIOUS_SCHEMA_VERSION } from './previous-release.js';
import { dropSchema, newPool, openSubject } from './support.js';
import { expectUpgraded, writePreviousRelease } from './upgrade-scenario.js';

const pool = newPool(4);
const schema = `nss_upgrade_entities_${process.pid}`;

afterAll(async () => {
  await dropSchema(pool, schema);
  await pool.end();
});

describe('migration 5: jobs and client tokens name an entity, in place (PostgreSQL)', () => {
  it('opens a schema the previous release wrote with every session, token, quota slot and job intact', async () => {
    await dropSchema(pool, schema);
    await migrate(pool, { schema, toVersion: PREVIOUS_SCHEMA_VERSION });
    const previous = await writePreviousRelease((sql, values) => pool.query(sql, values), schema);

    expect(await migrate(pool, { schema })).toEqual({
      applied: Array.from(
        { length: LATEST_SCHEMA_VERSION - PREVIOUS_SCHEMA_VERSION },
        (_, i) => PREVIOUS_SCHEMA_VERSION + 1 + i,
      ),
      version: LATEST_SCHEMA_VERSION,
    });
    expect(await schemaVersion(pool, schema)).toBe(LATEST_SCHEMA_VERSION);
    const subject = await openSubject(pool, schema);
    try {
      await expectUpgraded(subject, previous);
    } finally {
      await subject.close();
    }

    // A repeat of each create answers with its session, as it is now; the quota counts what it did.
    const service = await testService({
      storage: postgresStorage({ pool, schema }),
      clock: previous.referenceService.clock,
    });
    try {
      const replay = async (launchProfileId: string, clientToken: string) =>
        sessionOf(
          await service.sessions.createStreamingSession(
            { studioId: STUDIO_ID, launchProfileId, clientToken },
            ARTIST,
          ),
        );
      expect(await replay(LP_STOPPABLE, 'token-ready')).toMatchObject({
        sessionId: previous.ready,
        state: 'READY',
      });
      expect(await replay(LP, 'token-booting')).toMatchObject({
        sessionId: previous.booting,
        state: 'CREATE_IN_PROGRESS',
      });
      expect(await replay(LP, 'token-deleted')).toMatchObject({
        sessionId: previous.deleted,
        state: 'DELETED',
      });
    } finally {
      await service.sessions.close();
    }
  });
});

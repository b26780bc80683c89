/**
 * The burst beyond the worker's window on PostgreSQL: real clock, default settings, a 2 s boot. Every
 * step's commit reschedules or completes its job, and NOTIFY wake-ups arrive throughout: neither may make
 * the loop spin or hold memory per wake-up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStreamingSessions, SimulatedProvisioner, SystemClock } from 'nimble-streaming-sessions';
import { defaultServiceConfig } from '../../src/application/config.js';
import { loadSeed, PostgresCatalog } from '../../src/adapters/postgres/catalog.js';
import { postgresStorage } from '../../src/adapters/postgres/module.js';
import { runBurst } from '../application/burst-scenario.js';
import { ARTIST, LP, RecordingLogger, STUDIO_ID, testSeed } from '../application/fixtures.js';
import { count, dropSchema, freshSchema, newPool } from './support.js';

const SESSIONS = 200;
const BOOT_MS = 2_000;
const pool = newPool(10);
let schema: string;

beforeAll(async () => {
  schema = await freshSchema(pool, 'nss_burst');
  await loadSeed(pool, testSeed(), { schema });
});
afterAll(async () => {
  await dropSchema(pool, schema);
  await pool.end();
});

describe('a burst of creates beyond the worker window (PostgreSQL)', () => {
  it(`takes ${SESSIONS} sessions with a ${BOOT_MS} ms boot to READY, with the event loop responsive throughout`, async () => {
    expect(SESSIONS).toBeGreaterThan(defaultServiceConfig.provisioning.batchSize * 10);
    const clock = new SystemClock();
    const logger = new RecordingLogger();
    const sessions = await createStreamingSessions({
      catalog: new PostgresCatalog({ pool, schema }),
      storage: postgresStorage({ pool, schema }),
      clock,
      logger,
      provisioner: new SimulatedProvisioner(clock, { bootTimeMs: BOOT_MS }),
    });
    try {
      const figures = await runBurst(sessions, {
        count: SESSIONS,
        studioId: STUDIO_ID,
        launchProfileId: LP,
        caller: ARTIST,
        deadlineMs: 30_000,
      });
      console.info('PostgreSQL burst', figures);
      expect(figures.ready).toBe(SESSIONS);
      expect(figures.readyAfterMs).toBeLessThan(2 * BOOT_MS + 3_000);
      expect(figures.getsWhileBooting).toBeGreaterThan(0);
      expect(figures.loopDelayP99Ms).toBeLessThan(100);
      expect(figures.heapGrowthMb).toBeLessThan(64);
      expect(logger.records.filter((r) => r.level === 'error')).toEqual([]);
      expect(await count(pool, `select count(*) as n from "${schema}".jobs where kind = 'provision'`)).toBe(
        0,
      );
    } finally {
      await sessions.close();
    }
  }, 60_000);
});

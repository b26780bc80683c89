/**
 * The burst beyond every bound on embedded PostgreSQL: more sessions than the worker's window by far, all
 * queued behind PGlite's one connection, with instances that take seconds to boot, on a data directory
 * (the durable path). PGlite runs each statement on the event loop's thread, so the loop's delay is the
 * figure to watch.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStreamingSessions, SimulatedProvisioner, SystemClock } from 'nimble-streaming-sessions';
import { defaultServiceConfig } from '../../src/application/config.js';
import { embeddedPostgres } from '../../src/adapters/postgres/embedded/embedded.js';
import { runBurst } from '../application/burst-scenario.js';
import { ARTIST, LP, RecordingLogger, STUDIO_ID, testSeed } from '../application/fixtures.js';
import { count } from '../postgres/support.js';

const SESSIONS = 500;
const BOOT_MS = 2_000;
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'nss-embedded-burst-'));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('a burst of creates beyond the worker window (embedded PostgreSQL)', () => {
  it(`takes ${SESSIONS} sessions with a ${BOOT_MS} ms boot to READY, with the event loop responsive throughout`, async () => {
    expect(SESSIONS).toBeGreaterThan(defaultServiceConfig.provisioning.batchSize * 30);
    const clock = new SystemClock();
    const logger = new RecordingLogger();
    const storage = embeddedPostgres({ dataDir });
    const sessions = await createStreamingSessions({
      catalog: testSeed({ maxSessions: 10_000 }),
      storage,
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
        deadlineMs: 60_000,
      });
      console.info('embedded PostgreSQL burst', figures, storage.poolUsage());
      expect(figures.ready).toBe(SESSIONS);
      // Bounds far above a healthy run (about 2.5 s and a few ms here), below a stalled one.
      expect(figures.readyAfterMs).toBeLessThan(4 * BOOT_MS + 10_000);
      expect(figures.getsWhileBooting).toBeGreaterThan(0);
      expect(figures.loopDelayP99Ms).toBeLessThan(250);
      expect(figures.heapGrowthMb).toBeLessThan(128);
      expect(logger.records.filter((r) => r.level === 'error')).toEqual([]);
      const { pool, schema } = storage.database;
      expect(await count(pool, `select count(*) as n from "${schema}".jobs where kind = 'provision'`)).toBe(
        0,
      );
      expect(await count(pool, `select count(*) as n from "${schema}".session_views`)).toBe(SESSIONS);
      expect(storage.poolUsage().waiting).toBe(0);
    } finally {
      await sessions.close();
    }
  }, 120_000);
});

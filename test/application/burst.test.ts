/**
 * A burst of creates larger than the worker's window, with instances that take seconds to boot, on the
 * real clock and the default settings, in memory. This is the scenario that used to spin the worker's
 * loop on already-settled promises until the heap was gone.
 */
import { describe, expect, it } from 'vitest';
import { createStreamingSessions, SimulatedProvisioner, SystemClock } from 'nimble-streaming-sessions';
import { defaultServiceConfig } from '../../src/application/config.js';
import { runBurst } from './burst-scenario.js';
import { ARTIST, LP, RecordingLogger, STUDIO_ID, testSeed } from './fixtures.js';

const SESSIONS = 200;
const BOOT_MS = 2_000;

describe('a burst of creates beyond the worker window (in memory)', () => {
  it(`takes ${SESSIONS} sessions with a ${BOOT_MS} ms boot to READY, with the event loop responsive throughout`, async () => {
    expect(SESSIONS).toBeGreaterThan(defaultServiceConfig.provisioning.batchSize * 10);
    const clock = new SystemClock();
    const logger = new RecordingLogger();
    const sessions = await createStreamingSessions({
      catalog: testSeed(),
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
      console.info('in-memory burst', figures);
      expect(figures.ready).toBe(SESSIONS);
      // Booting is waiting, not work: every instance boots at once, not a window at a time.
      expect(figures.readyAfterMs).toBeLessThan(2 * BOOT_MS + 2_000);
      expect(figures.getsWhileBooting).toBeGreaterThan(0);
      expect(figures.loopDelayP99Ms).toBeLessThan(100);
      expect(figures.slowestGetMs).toBeLessThan(100);
      expect(figures.heapGrowthMb).toBeLessThan(64);
      expect(logger.records.filter((r) => r.level === 'error')).toEqual([]);
      // What remains scheduled is each READY session's termination deadline, hours away, and the
      // client-token sweep.
      expect(await sessions.jobStats()).toMatchObject({
        due: 0,
        scheduled: SESSIONS + 1,
        held: 0,
        running: 0,
      });
    } finally {
      await sessions.close();
    }
  }, 60_000);
});

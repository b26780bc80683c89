/**
 * Scheduled provisioning on PostgreSQL with a virtual clock: 10,000 sessions requested at once, each
 * instance taking five minutes to boot, one worker with the default window. Every job waits in the table
 * for its due time, held by nobody, and all of them run once the clock passes the boot.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultServiceConfig } from '../../src/application/config.js';
import type { CreateStreamingSessionInput } from 'nimble-streaming-sessions';
import { loadSeed, PostgresCatalog } from '../../src/adapters/postgres/catalog.js';
import { postgresStorage } from '../../src/adapters/postgres/module.js';
import { ARTIST, LP, STUDIO_ID, testSeed, testService } from '../application/fixtures.js';
import { sessionOf } from '../application/results.js';
import { count, dropSchema, freshSchema, newPool } from './support.js';

const SESSIONS = 10_000;
const FIVE_MINUTES = 5 * 60_000;
const pool = newPool(10);
let schema: string;

beforeAll(async () => {
  schema = await freshSchema(pool, 'nss_sched');
  await loadSeed(pool, testSeed({ maxSessions: SESSIONS, maxSessionsPerInstanceFamily: { g5: 0 } }), {
    schema,
  });
});
afterAll(async () => {
  await dropSchema(pool, schema);
  await pool.end();
});

/** Polls until `done` holds; the test's own timeout bounds the wait. */
async function eventually(done: () => Promise<boolean>): Promise<void> {
  while (!(await done())) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('scheduled provisioning on PostgreSQL (virtual clock)', () => {
  it(`boots ${SESSIONS} sessions at once with one worker and the default window`, async () => {
    const window = defaultServiceConfig.provisioning.batchSize;
    let inFlight = 0;
    let mostRunning = 0;
    const service = await testService({
      catalog: new PostgresCatalog({ pool, schema }),
      storage: postgresStorage({ pool, schema }),
      provisioner: { bootTimeMs: FIVE_MINUTES },
      config: { provisioning: { batchSize: window } },
      wrapProvisioner: (inner) => ({
        allocate: (spec) => inner.allocate(spec),
        status: async (instanceId) => {
          inFlight += 1;
          mostRunning = Math.max(mostRunning, inFlight);
          await new Promise((resolve) => setImmediate(resolve));
          inFlight -= 1;
          return inner.status(instanceId);
        },
        release: (instanceId) => inner.release(instanceId),
        stop: (instanceId, options) => inner.stop(instanceId, options),
        start: (instanceId, options) => inner.start(instanceId, options),
      }),
    });
    const s = `"${schema}"`;
    try {
      const input: CreateStreamingSessionInput = { studioId: STUDIO_ID, launchProfileId: LP };
      for (let done = 0; done < SESSIONS; done += 500) {
        const batch = await Promise.all(
          Array.from({ length: 500 }, () => service.sessions.createStreamingSession(input, ARTIST)),
        );
        batch.forEach((r) => sessionOf(r));
      }
      service.sessions.startProvisioning();
      // Each boot waits for its end, and the client-token sweep for its first interval.
      await eventually(async () => (await service.worker.stats()).scheduled === SESSIONS + 1);
      expect(await service.worker.stats()).toMatchObject({ due: 0, held: 0 });
      expect(await count(pool, `select count(*) as n from ${s}.jobs where owner is not null`)).toBe(0);
      expect(
        await count(pool, `select count(*) as n from ${s}.session_views where state = 'CREATE_IN_PROGRESS'`),
      ).toBe(SESSIONS);

      service.clock.advance(FIVE_MINUTES);
      await eventually(
        async () => (await count(pool, `select count(*) as n from ${s}.jobs where kind = 'provision'`)) === 0,
      );
    } finally {
      await service.sessions.close();
    }
    expect(await count(pool, `select count(*) as n from ${s}.session_views where state = 'READY'`)).toBe(
      SESSIONS,
    );
    expect(service.provisioner.allocations.size).toBe(SESSIONS);
    expect([...service.provisioner.allocations.values()].every((n) => n === 1)).toBe(true);
    expect(mostRunning).toBeGreaterThan(1);
    expect(mostRunning).toBeLessThanOrEqual(window);
    expect((await service.worker.stats()).failed).toBe(0);
  }, 240_000);
});

/**
 * Provisioning as durable scheduled steps, driven by a virtual clock: a worker holds a job only while it
 * runs a step, booting instances wait in the queue for their due time, a step that keeps failing is
 * retried with back-off and then given up on, and the worker's loop follows the clock.
 */
import { describe, expect, it } from 'vitest';
import { defaultServiceConfig } from '../../src/application/config.js';
import {
  InMemoryDatabase,
  SimulatedProvisioner,
  TOKENS,
  type CreateStreamingSessionInput,
} from 'nimble-streaming-sessions';
import { ARTIST, LP, ManualClock, STUDIO_ID, T0, testSeed, testService, wrappedStorage } from './fixtures.js';
import { sessionOf } from './results.js';

const plain: CreateStreamingSessionInput = { studioId: STUDIO_ID, launchProfileId: LP };
const FIVE_MINUTES = 5 * 60_000;

/** Polls until `done` holds; the test's own timeout bounds the wait. */
async function eventually(done: () => Promise<boolean>): Promise<void> {
  while (!(await done())) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('scheduled provisioning steps', () => {
  it('boots 10,000 sessions at once with one worker whose window stays at its default', async () => {
    const SESSIONS = 10_000;
    const window = defaultServiceConfig.provisioning.batchSize;
    // Steps in flight at once, counted where every step passes: the provisioner's status call.
    let inFlight = 0;
    let mostRunning = 0;
    const service = await testService({
      catalog: testSeed({ maxSessions: SESSIONS, maxSessionsPerInstanceFamily: { g5: 0 } }),
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
    const ids = (
      await Promise.all(
        Array.from({ length: SESSIONS }, () => service.sessions.createStreamingSession(plain, ARTIST)),
      )
    ).map((r) => sessionOf(r).sessionId);
    service.sessions.startProvisioning();
    try {
      // Every session gets its instance and its job waits for the boot's end, held by nobody; beside
      // them waits the client-token sweep, due an hour after the worker started.
      await eventually(async () => (await service.worker.stats()).scheduled === SESSIONS + 1);
      expect(await service.worker.stats()).toMatchObject({ due: 0, held: 0, running: 0 });
      expect((await service.rows()).every((r) => r.session.state === 'CREATE_IN_PROGRESS')).toBe(true);

      service.clock.advance(FIVE_MINUTES - 1);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect((await service.worker.stats()).scheduled).toBe(SESSIONS + 1);

      service.clock.advance(1);
      await eventually(
        async () => (await service.sessions.container.get(TOKENS.SessionViews).countInProgress()) === 0,
      );
    } finally {
      await service.sessions.stopProvisioning();
    }
    const rows = await service.rows();
    expect(rows).toHaveLength(SESSIONS);
    expect(rows.every((r) => r.session.state === 'READY')).toBe(true);
    expect(ids.every((id) => service.provisioner.allocations.get(id) === 1)).toBe(true);
    // The worker's memory is its window: it never ran more steps at once than the window holds.
    expect(mostRunning).toBeGreaterThan(1);
    expect(mostRunning).toBeLessThanOrEqual(window);
    expect((await service.worker.stats()).failed).toBe(0);
  }, 120_000);

  it('checks a booting instance again when the provisioner expects it up, and only then', async () => {
    const service = await testService({ provisioner: { bootTimeMs: 90_000 } });
    const id = sessionOf(await service.sessions.createStreamingSession(plain, ARTIST)).sessionId;
    expect(await service.worker.runDue()).toBe(1);
    expect(await service.eventTypes(id)).toEqual(['SessionRequested', 'InstanceAllocated']);
    const queue = service.sessions.container.get(TOKENS.JobQueue);
    expect(await queue.nextDueAt()).toBe(service.clock.now() + 90_000);
    service.clock.advance(89_999);
    expect(await service.worker.runDue()).toBe(0);
    service.clock.advance(1);
    expect(await service.worker.runDue()).toBe(1);
    expect(await service.eventTypes(id)).toEqual(['SessionRequested', 'InstanceAllocated', 'SessionReady']);
  });

  it('retries a step that throws with growing back-off, then ends the session CREATE_FAILED, logged', async () => {
    const service = await testService({
      wrapProvisioner: (inner) => ({
        allocate: () => Promise.reject(new Error('the cloud API is down')),
        status: (instanceId) => inner.status(instanceId),
        release: (instanceId) => inner.release(instanceId),
        stop: (instanceId, options) => inner.stop(instanceId, options),
        start: (instanceId, options) => inner.start(instanceId, options),
      }),
      config: { provisioning: { maxAttempts: 4, retryBaseMs: 1_000, retryMaxMs: 3_000 } },
    });
    const id = sessionOf(await service.sessions.createStreamingSession(plain, ARTIST)).sessionId;
    const queue = service.sessions.container.get(TOKENS.JobQueue);
    const waits: number[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      expect(await service.worker.runDue()).toBe(1);
      const next = (await queue.nextDueAt())!;
      waits.push(next - service.clock.now());
      expect(
        (
          await service.sessions.getStreamingSession({ studioId: STUDIO_ID, sessionId: id }, ARTIST)
        )._unsafeUnwrap().state,
      ).toBe('CREATE_IN_PROGRESS');
      service.clock.set(next);
    }
    expect(waits).toEqual([1_000, 2_000, 3_000]);
    expect(await service.worker.runDue()).toBe(1);
    const session = sessionOf(
      await service.sessions.getStreamingSession({ studioId: STUDIO_ID, sessionId: id }, ARTIST),
    );
    expect(session).toMatchObject({ state: 'CREATE_FAILED', statusCode: 'INTERNAL_ERROR' });
    expect(session.statusMessage).toContain('the cloud API is down');
    // Nothing is left but the client-token sweep, first due an interval after the worker started.
    expect(await queue.nextDueAt()).toBe(T0 + defaultServiceConfig.clientTokenSweepIntervalMs);
    const errors = service.logger.records.filter((r) => r.level === 'error');
    expect(errors.map((r) => [r.message, r.context.attempt, r.context.entityId])).toEqual([
      ['job step failed; will retry', 1, id],
      ['job step failed; will retry', 2, id],
      ['job step failed; will retry', 3, id],
      ['job step failed for the last time; giving up', 4, id],
    ]);
    expect(errors.every((r) => r.context.err === 'the cloud API is down')).toBe(true);
    expect(await service.worker.stats()).toMatchObject({ failed: 4, gaveUp: 1, succeeded: 0 });
  });

  it('gives a crashed step its job back by the lease, and the retry finds the instance already allocated', async () => {
    const db = new InMemoryDatabase();
    const clock = new ManualClock();
    const cloud = new SimulatedProvisioner(clock, { bootTimeMs: 10 * 60_000 });
    const crashed = await testService({
      storage: wrappedStorage(db),
      clock,
      cloud,
      wrapProvisioner: (inner) => ({
        allocate: async (spec) => {
          await inner.allocate(spec);
          return new Promise(() => undefined);
        },
        status: (instanceId) => inner.status(instanceId),
        release: (instanceId) => inner.release(instanceId),
        stop: (instanceId, options) => inner.stop(instanceId, options),
        start: (instanceId, options) => inner.start(instanceId, options),
      }),
    });
    const id = sessionOf(await crashed.sessions.createStreamingSession(plain, ARTIST)).sessionId;
    void crashed.worker.runOnce();
    await eventually(() => Promise.resolve(cloud.allocations.get(id) === 1));

    const other = await testService({ storage: wrappedStorage(db), clock, cloud });
    expect(await other.worker.runDue()).toBe(0);
    clock.advance(defaultServiceConfig.provisioning.leaseMs);
    // Taken over: the step records the same instance and reschedules itself for the boot's end.
    expect(await other.worker.runDue()).toBe(1);
    expect(await other.eventTypes(id)).toEqual(['SessionRequested', 'InstanceAllocated']);
    await other.provisionAll();
    expect(await other.eventTypes(id)).toEqual(['SessionRequested', 'InstanceAllocated', 'SessionReady']);
    expect(cloud.allocations.get(id)).toBe(1);
  });

  it('sleeps until the next due time on the clock, and runs the step when the clock gets there', async () => {
    const service = await testService({
      provisioner: { bootTimeMs: 3_600_000 },
      // A polling interval longer than the test: only the clock can wake the worker in time.
      config: { provisioning: { pollIntervalMs: 10 * 60_000 } },
    });
    const id = sessionOf(await service.sessions.createStreamingSession(plain, ARTIST)).sessionId;
    service.sessions.startProvisioning();
    try {
      await eventually(async () => (await service.eventTypes(id)).length === 2);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(service.clock.pendingWaits).toBe(1);
      service.clock.advance(3_600_000);
      await eventually(async () => (await service.eventTypes(id)).length === 3);
      expect((await service.eventTypes(id)).at(-1)).toBe('SessionReady');
    } finally {
      await service.sessions.stopProvisioning();
    }
    expect(service.clock.pendingWaits).toBe(0);
  });
});

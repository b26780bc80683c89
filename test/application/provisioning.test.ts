import { describe, expect, it } from 'vitest';
import {
  InMemoryDatabase,
  SimulatedProvisioner,
  type CreateStreamingSessionInput,
  type InstanceProvisioner,
} from 'nimble-streaming-sessions';
import {
  ARTIST,
  LP,
  ManualClock,
  STUDIO_ID,
  testService,
  wrappedStorage,
  type TestService,
} from './fixtures.js';
import { sessionOf } from './results.js';

const plain: CreateStreamingSessionInput = { studioId: STUDIO_ID, launchProfileId: LP };
const LEASE_MS = 30_000;

async function create(service: TestService, input = plain): Promise<string> {
  return sessionOf(await service.sessions.createStreamingSession(input, ARTIST)).sessionId;
}

async function get(service: TestService, sessionId: string) {
  return sessionOf(await service.sessions.getStreamingSession({ studioId: STUDIO_ID, sessionId }, ARTIST));
}

/** A provisioner whose allocate waits for the test to open a gate (a slow or stuck cloud call). */
function gated(gate: Promise<unknown>) {
  return (inner: InstanceProvisioner): InstanceProvisioner => ({
    allocate: async (spec) => {
      await gate;
      return inner.allocate(spec);
    },
    status: (id) => inner.status(id),
    release: (id) => inner.release(id),
    stop: (id, options) => inner.stop(id, options),
    start: (id, options) => inner.start(id, options),
  });
}

/** Polls until `done` holds; the test's own timeout bounds the wait. */
async function eventually(done: () => Promise<boolean>): Promise<void> {
  while (!(await done())) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('the provisioning process manager', () => {
  it('takes a requested session through InstanceAllocated to READY and completes its job', async () => {
    const service = await testService();
    const id = await create(service);
    service.clock.advance(3_000);
    expect(await service.worker.runOnce()).toBe(1);
    expect(await service.eventTypes(id)).toEqual(['SessionRequested', 'InstanceAllocated', 'SessionReady']);
    expect(await get(service, id)).toMatchObject({
      state: 'READY',
      statusCode: 'STREAMING_SESSION_READY',
      updatedAt: '2024-01-02T03:04:08Z',
    });
    expect(await service.worker.runOnce()).toBe(0);
    expect(service.provisioner.allocations.get(id)).toBe(1);
  });

  it('records CREATE_FAILED with the status code of an allocation that fails', async () => {
    const service = await testService({
      provisioner: { failInstanceTypes: { 'g4dn.2xlarge': 'AMI_VALIDATION_ERROR' } },
    });
    const id = await create(service, { ...plain, ec2InstanceType: 'g4dn.2xlarge' });
    await service.provisionAll();
    expect(await service.eventTypes(id)).toEqual(['SessionRequested', 'SessionCreateFailed']);
    const session = await get(service, id);
    expect(session).toMatchObject({ state: 'CREATE_FAILED', statusCode: 'AMI_VALIDATION_ERROR' });
    expect(session.statusMessage.length).toBeGreaterThan(0);
  });

  it('records CREATE_FAILED when the instance fails to boot, and releases the instance', async () => {
    const service = await testService({
      provisioner: {
        capacity: { 'g4dn.xlarge': 1 },
        failBootInstanceTypes: { 'g4dn.xlarge': 'DECRYPT_STREAMING_IMAGE_ERROR' },
      },
    });
    const first = await create(service);
    await service.provisionAll();
    expect(await service.eventTypes(first)).toEqual([
      'SessionRequested',
      'InstanceAllocated',
      'SessionCreateFailed',
    ]);
    expect(await get(service, first)).toMatchObject({
      state: 'CREATE_FAILED',
      statusCode: 'DECRYPT_STREAMING_IMAGE_ERROR',
    });
    // Capacity 1: the second session gets an instance only because the failed one was released.
    const second = await create(service);
    await service.provisionAll();
    expect(await service.eventTypes(second)).toContain('InstanceAllocated');
  });

  it('fails the session beyond the provisioner’s capacity with INSUFFICIENT_CAPACITY', async () => {
    const service = await testService({ provisioner: { capacity: { 'g4dn.xlarge': 1 } } });
    const first = await create(service);
    const second = await create(service);
    await service.provisionAll();
    const states = [await get(service, first), await get(service, second)].map((s) => s.statusCode).sort();
    expect(states).toEqual(['INSUFFICIENT_CAPACITY', 'STREAMING_SESSION_READY']);
  });

  it('resumes after a crash between allocating and recording the instance, without a second instance', async () => {
    const db = new InMemoryDatabase();
    const clock = new ManualClock();
    const cloud = new SimulatedProvisioner(clock);
    const crashed = await testService({
      storage: wrappedStorage(db),
      clock,
      cloud,
      wrapProvisioner: (inner) => ({
        // The cloud allocates, then the process dies before it can record InstanceAllocated.
        allocate: async (spec) => {
          await inner.allocate(spec);
          return new Promise(() => undefined);
        },
        status: (id) => inner.status(id),
        release: (id) => inner.release(id),
        stop: (id, options) => inner.stop(id, options),
        start: (id, options) => inner.start(id, options),
      }),
    });
    const ids = [await create(crashed), await create(crashed)];
    void crashed.worker.runOnce();
    await eventually(() => Promise.resolve(ids.every((id) => cloud.allocations.get(id) === 1)));

    const restarted = await testService({ storage: wrappedStorage(db), clock, cloud });
    expect(await restarted.worker.runOnce()).toBe(0);
    clock.advance(LEASE_MS + 1);
    await restarted.provisionAll();
    for (const id of ids) {
      expect((await get(restarted, id)).state).toBe('READY');
      expect(await restarted.eventTypes(id)).toEqual([
        'SessionRequested',
        'InstanceAllocated',
        'SessionReady',
      ]);
      expect(cloud.allocations.get(id)).toBe(1);
    }
  });

  it('resumes a session whose instance was still booting when its worker stopped', async () => {
    const db = new InMemoryDatabase();
    const clock = new ManualClock();
    const cloud = new SimulatedProvisioner(clock, { bootTimeMs: 60_000 });
    const config = { provisioning: { statusIntervalMs: 2, pollIntervalMs: 5 } };
    const first = await testService({ storage: wrappedStorage(db), clock, cloud, config });
    const id = await create(first);
    first.sessions.startProvisioning();
    await eventually(async () => (await first.eventTypes(id)).includes('InstanceAllocated'));
    await first.sessions.stopProvisioning();
    expect((await get(first, id)).state).toBe('CREATE_IN_PROGRESS');

    const restarted = await testService({ storage: wrappedStorage(db), clock, cloud, config });
    clock.advance(LEASE_MS + 60_000);
    await restarted.provisionAll();
    expect(await restarted.eventTypes(id)).toEqual(['SessionRequested', 'InstanceAllocated', 'SessionReady']);
    expect(cloud.allocations.get(id)).toBe(1);
  });

  it('never gives a session two instances when a stalled worker wakes after another took over', async () => {
    const db = new InMemoryDatabase();
    const clock = new ManualClock();
    const cloud = new SimulatedProvisioner(clock);
    let openGate = (): void => undefined;
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    const stalled = await testService({
      storage: wrappedStorage(db),
      clock,
      cloud,
      wrapProvisioner: gated(gate),
    });
    const id = await create(stalled);
    const stalledRun = stalled.worker.runOnce();

    const other = await testService({ storage: wrappedStorage(db), clock, cloud });
    clock.advance(LEASE_MS + 1);
    await other.provisionAll();
    expect((await get(other, id)).state).toBe('READY');

    openGate();
    await expect(stalledRun).resolves.toBe(1);
    expect(await other.eventTypes(id)).toEqual(['SessionRequested', 'InstanceAllocated', 'SessionReady']);
    expect(cloud.allocations.get(id)).toBe(1);
    expect(await other.worker.runOnce()).toBe(0);
  });

  it('provisions every session exactly once with two workers running side by side', async () => {
    const db = new InMemoryDatabase();
    const clock = new ManualClock();
    const cloud = new SimulatedProvisioner(clock);
    const config = { provisioning: { batchSize: 4, pollIntervalMs: 5 } };
    const [a, b] = await Promise.all([
      testService({ storage: wrappedStorage(db), clock, cloud, config }),
      testService({ storage: wrappedStorage(db), clock, cloud, config }),
    ]);
    a.sessions.startProvisioning();
    b.sessions.startProvisioning();
    const ids = await Promise.all(Array.from({ length: 20 }, (_, i) => create(i % 2 === 0 ? a : b)));
    await eventually(async () => (await a.rows()).every((r) => r.session.state === 'READY'));
    await Promise.all([a.sessions.close(), b.sessions.close()]);
    for (const id of ids) {
      expect(await a.eventTypes(id)).toEqual(['SessionRequested', 'InstanceAllocated', 'SessionReady']);
      expect(cloud.allocations.get(id)).toBe(1);
    }
    expect(cloud.allocations.size).toBe(20);
  });
});

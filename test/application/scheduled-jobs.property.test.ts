/**
 * For any interleaving of several workers' steps, crashes and clock moves, every session gets exactly one
 * instance and reaches exactly one terminal outcome. The provisioner's answers are released in an order
 * fast-check's scheduler chooses, so steps of different workers interleave at every await they make; a
 * crashed worker never hears back from the provisioner again, as a killed process would not.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultServiceConfig } from '../../src/application/config.js';
import {
  InMemoryDatabase,
  SimulatedProvisioner,
  TOKENS,
  type InstanceProvisioner,
} from 'nimble-streaming-sessions';
import { ARTIST, LP, ManualClock, STUDIO_ID, testService, wrappedStorage } from './fixtures.js';
import { sessionOf } from './results.js';

const WORKERS = 3;
const BOOT_MS = 5_000;
const LEASE_MS = defaultServiceConfig.provisioning.leaseMs;

type Action =
  | { readonly type: 'run'; readonly worker: number }
  | { readonly type: 'crash'; readonly worker: number }
  | { readonly type: 'advance'; readonly ms: number }
  | { readonly type: 'settle'; readonly answers: number };

const arbAction: fc.Arbitrary<Action> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ type: fc.constant('run' as const), worker: fc.nat(WORKERS - 1) }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('crash' as const), worker: fc.nat(WORKERS - 1) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant('advance' as const),
      ms: fc.oneof(fc.integer({ min: 1, max: BOOT_MS }), fc.constant(LEASE_MS)),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ type: fc.constant('settle' as const), answers: fc.integer({ min: 1, max: 4 }) }),
  },
);

/** The provisioner as one worker process sees it: answers released by the scheduler, none after a crash. */
function through(scheduler: fc.Scheduler, crashed: () => boolean) {
  const never = new Promise<never>(() => undefined);
  return (inner: InstanceProvisioner): InstanceProvisioner => ({
    allocate: (spec) => (crashed() ? never : scheduler.schedule(inner.allocate(spec), 'allocate')),
    status: (id) => (crashed() ? never : scheduler.schedule(inner.status(id), 'status')),
    release: (id) => (crashed() ? never : scheduler.schedule(inner.release(id), 'release')),
    stop: (id, options) => (crashed() ? never : scheduler.schedule(inner.stop(id, options), 'stop')),
    start: (id, options) => (crashed() ? never : scheduler.schedule(inner.start(id, options), 'start')),
  });
}

describe('scheduled provisioning under any interleaving', () => {
  it('gives each session one instance and one terminal outcome, whatever workers, crashes and clock do', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.array(arbAction, { maxLength: 30 }),
        fc.scheduler(),
        async (sessions, actions, scheduler) => {
          const db = new InMemoryDatabase();
          const clock = new ManualClock();
          const cloud = new SimulatedProvisioner(clock, { bootTimeMs: BOOT_MS });
          const crashed = Array.from({ length: WORKERS }, () => false);
          const workers = await Promise.all(
            crashed.map((_, i) =>
              testService({
                storage: wrappedStorage(db),
                clock,
                cloud,
                wrapProvisioner: through(scheduler, () => crashed[i] === true),
                config: { provisioning: { batchSize: 2 } },
              }),
            ),
          );
          const ids: string[] = [];
          for (let i = 0; i < sessions; i++) {
            ids.push(
              sessionOf(
                await workers[0]!.sessions.createStreamingSession(
                  { studioId: STUDIO_ID, launchProfileId: LP },
                  ARTIST,
                ),
              ).sessionId,
            );
          }
          for (const action of actions) {
            switch (action.type) {
              case 'run':
                if (!crashed[action.worker]) void workers[action.worker]!.worker.runOnce();
                break;
              case 'crash':
                crashed[action.worker] = true;
                break;
              case 'advance':
                clock.advance(action.ms);
                break;
              case 'settle':
                for (let k = 0; k < action.answers && scheduler.count() > 0; k++) await scheduler.waitNext(1);
                break;
            }
          }
          await scheduler.waitIdle();

          // A healthy worker finishes what is left, once the crashed workers' leases have ended.
          const survivor = await testService({ storage: wrappedStorage(db), clock, cloud });
          clock.advance(LEASE_MS);
          await survivor.provisionAll();
          expect(await survivor.sessions.container.get(TOKENS.SessionViews).countInProgress()).toBe(0);
          for (const id of ids) {
            const types = await survivor.eventTypes(id);
            expect(types).toEqual(['SessionRequested', 'InstanceAllocated', 'SessionReady']);
            expect(cloud.allocations.get(id)).toBe(1);
          }
        },
      ),
      { numRuns: 150 },
    );
  }, 120_000);
});
